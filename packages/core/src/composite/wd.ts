import { constants as fsConstants } from 'node:fs';
import type { AioContext } from '../context/context.js';
import { closeCountedNow } from '../fd-budget.js';
import { type AioGroup, failGroup, type GroupOptions } from '../group.js';
import { composite } from '../operation.js';
import { type PathLike, validatePath } from '../validate.js';
import { AioWorkingDirectory } from '../working-directory.js';
import type { PathBytes } from './path.js';

export { AioWorkingDirectory } from '../working-directory.js';

/**
 * Platform: O_PATH (Linux; the same number on every architecture Node runs
 * on there) is Linux's counterpart of POSIX's O_SEARCH: a descriptor to
 * resolve names from, which needs search permission on the directory but
 * not read permission, so a wd can be made of a directory mode 0711 as a
 * path through it could be used. Elsewhere O_RDONLY.
 */
const kSearch = process.platform === 'linux' ? 0o10000000 : fsConstants.O_RDONLY;

/**
 * O_DIRECTORY is the directory check: the kernel refuses anything else with
 * ENOTDIR in the same call that opens it, so there is no gap between a check
 * and the open. Both backends add O_CLOEXEC to every open.
 */
const kDirFlags = kSearch | fsConstants.O_DIRECTORY;

/** Opens the canonical path `real` and resolves the group with the wd holding it. */
function openReal(aio: AioContext, real: PathBytes, group: AioGroup<AioWorkingDirectory>): void {
  group.add(
    aio.open(real, kDirFlags, 0, {
      priority: group.priority,
      callback: (err, fd) => {
        if (err !== null) return failGroup(group, err);
        const wd = new AioWorkingDirectory(real, fd, closeCountedNow);
        // Invariant: a group cancelled after its open succeeded hands out nothing, so it keeps nothing open.
        if (group.cancelled) wd.close();
        else group.result(wd);
      },
    }),
  );
}

/**
 * aio_wd: realpath, then an open of the canonical path with O_DIRECTORY
 * through the context (so the descriptor counts against its budget and the
 * request can be cancelled); resolves with the {@link AioWorkingDirectory}.
 */
export const wdOperation = composite({
  perl: 'aio_wd',
  syscall: 'realpath',
  optsIndex: 1,
  prepare: (path: PathLike, _options?: GroupOptions<AioWorkingDirectory>) => validatePath(path),
  start: (aio: AioContext, path: PathBytes, group: AioGroup<AioWorkingDirectory>) => {
    const priority = group.priority;
    const found = (err: NodeJS.ErrnoException | null, real: PathBytes): void => {
      if (err !== null) failGroup(group, err);
      else openReal(aio, real, group);
    };
    // The canonical path comes back in the form the path was given: a string, or bytes.
    group.add(
      typeof path === 'string'
        ? aio.realpath(path, { priority, callback: found })
        : aio.realpath(path, { priority, encoding: 'buffer', callback: found }),
    );
  },
});
