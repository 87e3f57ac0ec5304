import { composite } from '../catalogue/operation.js';
import type { AioContext } from '../context.js';
import { systemError } from '../errors.js';
import { type AioGroup, failGroup, type GroupOptions } from '../group.js';
import { type PathLike, validatePath } from '../validate.js';
import { joinPath, type PathBytes } from './path.js';

/**
 * Removes the tree at `path`: each directory is lstat'ed (a symlink is
 * never entered, so the removal never leaves the tree), scanned, its
 * subdirectories removed recursively and its other entries unlinked, then
 * it is rmdir'ed. Every entry is attempted; the first failure, else the
 * final rmdir's outcome, settles the request.
 *
 * Platform: Node has no openat/unlinkat, so a directory swapped for a
 * symlink between the lstat and the scan by another process is a race this
 * cannot close (IO::AIO has the same window).
 */
function removeDirectory(aio: AioContext, path: PathBytes, group: AioGroup<void>): void {
  const priority = group.priority;
  let firstError: unknown;
  const note = (err: unknown): void => {
    if (err !== null && firstError === undefined) firstError = err;
  };
  group.add(
    aio.lstat(path, {
      priority,
      callback: (err, st) => {
        if (err !== null) return failGroup(group, err);
        if (!st.isDirectory()) {
          // A symlink (or file) is never entered: rmdir would refuse it too.
          return failGroup(group, systemError('ENOTDIR', 'rmdir', String(path)));
        }
        group.add(
          aio.scandir(path, {
            priority,
            encoding: 'buffer',
            callback: (serr, listing) => {
              if (serr !== null) return failGroup(group, serr);
              const children = aio.group({
                priority,
                callback: () => {
                  group.add(
                    aio.rmdir(path, {
                      priority,
                      callback: (rerr) => {
                        note(rerr);
                        if (firstError !== undefined) failGroup(group, firstError);
                      },
                    }),
                  );
                },
              });
              group.add(children);
              for (const name of listing.dirs) {
                children.add(aio.rmtree(joinPath(path, name), { priority, callback: note }));
              }
              for (const name of listing.nondirs) {
                children.add(aio.unlink(joinPath(path, name), { priority, callback: note }));
              }
            },
          }),
        );
      },
    }),
  );
}

export const rmtreeOperation = composite({
  perl: 'aio_rmtree',
  syscall: 'rmtree',
  optsIndex: 1,
  prepare: (path: PathLike, _options?: GroupOptions<void>) => validatePath(path),
  start: (aio: AioContext, path: PathBytes, group: AioGroup<void>) => removeDirectory(aio, path, group),
});
