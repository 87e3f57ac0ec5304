import type { AioContext } from '../context/context.js';
import { systemError } from '../errors.js';
import { type AioGroup, failGroup, type GroupOptions } from '../group.js';
import { composite } from '../operation.js';
import { type PathLike, validatePath } from '../validate.js';
import { joinPath, type PathBytes } from './path.js';

/**
 * A working directory: the canonical absolute path of a directory, that
 * relative paths can be resolved against.
 *
 * Platform: IO::AIO keeps an open directory fd and uses the *at() calls;
 * Node has neither, so this holds the canonical path, resolved once. A
 * rename of the directory afterwards is not followed.
 */
export class AioWorkingDirectory {
  /** The canonical absolute path. */
  readonly path: PathBytes;

  constructor(path: PathBytes) {
    this.path = path;
  }

  /** `path` relative to this directory (absolute paths are returned as they are). */
  resolve(path: PathBytes): PathBytes {
    const absolute = typeof path === 'string' ? path.startsWith('/') : path[0] === 0x2f;
    if (absolute) return path;
    return path.length === 0 ? this.path : joinPath(this.path, path);
  }
}

export const wdOperation = composite({
  perl: 'aio_wd',
  syscall: 'realpath',
  optsIndex: 1,
  prepare: (path: PathLike, _options?: GroupOptions<AioWorkingDirectory>) => validatePath(path),
  start: (aio: AioContext, path: PathBytes, group: AioGroup<AioWorkingDirectory>) => {
    const priority = group.priority;
    const found = (err: NodeJS.ErrnoException | null, real: PathBytes): void => {
      if (err !== null) {
        failGroup(group, err);
        return;
      }
      group.add(
        aio.stat(real, {
          priority,
          callback: (serr, st) => {
            if (serr !== null) return failGroup(group, serr);
            if (!st.isDirectory()) return failGroup(group, systemError('ENOTDIR', 'open', String(path)));
            group.result(new AioWorkingDirectory(real));
          },
        }),
      );
    };
    // The canonical path comes back in the form the path was given: a string, or bytes.
    group.add(
      typeof path === 'string'
        ? aio.realpath(path, { priority, callback: found })
        : aio.realpath(path, { priority, encoding: 'buffer', callback: found }),
    );
  },
});
