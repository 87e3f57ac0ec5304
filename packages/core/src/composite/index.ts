import { copyOperation, moveOperation } from './copy.js';
import { pathsyncOperation } from './pathsync.js';
import { rmtreeOperation } from './rmtree.js';
import { scandirOperation } from './scandir.js';
import { walkOperation } from './walk.js';
import { wdOperation } from './wd.js';

/** Requests built from groups of single requests. */
export const compositeOperations = {
  /**
   * Resolves with `{ dirs, nondirs }`: the names of the real subdirectories
   * (never symlinks to them) apart from everything else. Uses readdir's
   * entry types; without them, the link-count shortcut and `entry/.` stats,
   * at most `maxreq` at once.
   * @example const { dirs, nondirs } = await aio.scandir('/usr', { maxreq: 8 });
   * @see IO::AIO aio_scandir
   */
  scandir: scandirOperation,
  /**
   * Copies a file: creates `dst` with mode 0o200, copies the data, then
   * restores times, owner and mode (set-user-ID and set-group-ID bits only
   * when the owner could be kept, as `cp -p` does). A failure or
   * cancellation before that removes the partial `dst`, and every
   * descriptor is closed before the request settles.
   * @see IO::AIO aio_copy
   */
  copy: copyOperation,
  /**
   * Renames; across file systems (`EXDEV`) copies, then unlinks the source.
   * The source is never removed unless the copy completed.
   * @see IO::AIO aio_move
   */
  move: moveOperation,
  /**
   * Removes a directory tree; never enters a symlink. Resolves when the
   * final rmdir did.
   * @see IO::AIO aio_rmtree
   */
  rmtree: rmtreeOperation,
  /**
   * open, fsync, close: makes a directory's changes durable.
   * @see IO::AIO aio_pathsync
   */
  pathsync: pathsyncOperation,
  /**
   * Resolves with an {@link AioWorkingDirectory} for a directory.
   * @see IO::AIO aio_wd
   */
  wd: wdOperation,
  /**
   * Walks a tree with at most `maxreq` directory scans in flight, calling
   * `onEntries(dir, entries)` per directory. A group: `limit(0)` pauses it,
   * `cancel()` stops it.
   * @example await aio.walk('/usr', { onEntries: (dir, entries) => console.log(dir, entries.length) });
   */
  walk: walkOperation,
};

export { AioWorkingDirectory } from './wd.js';
