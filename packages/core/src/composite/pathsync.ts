import type { AioContext } from '../context/context.js';
import { type AioGroup, addCleanup, failGroup, type GroupOptions } from '../group.js';
import { composite } from '../operation.js';
import { type PathLike, validatePath } from '../validate.js';
import type { PathBytes } from './path.js';

/** open read-only, fsync, close: makes a directory's changes (renames, creations) durable. */
function startPathsync(aio: AioContext, path: PathBytes, group: AioGroup<void>): void {
  const priority = group.priority;
  group.add(
    aio.open(path, 'r', 0, {
      priority,
      callback: (err, fd) => {
        if (err !== null) return failGroup(group, err);
        group.add(
          aio.fsync(fd, {
            priority,
            callback: (serr) => {
              if (serr !== null) failGroup(group, serr);
              // Invariant: the fd is closed whatever happened, also when the group was cancelled.
              addCleanup(
                group,
                aio.close(fd, { priority, callback: (cerr) => cerr !== null && failGroup(group, cerr) }),
              );
            },
          }),
        );
      },
    }),
  );
}

export const pathsyncOperation = composite({
  perl: 'aio_pathsync',
  syscall: 'fsync',
  optsIndex: 1,
  prepare: (path: PathLike, _options?: GroupOptions<void>) => validatePath(path),
  start: startPathsync,
});
