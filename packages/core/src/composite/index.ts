import { copyOperation } from './copy.js';
import { copytreeOperation } from './copytree.js';
import { moveOperation } from './move.js';
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
   * Copies a regular file: writes a new temporary file beside `dst`
   * (`.<name>.<random>.ioaio-tmp`), gives it src's times, owner and mode
   * (set-user-ID and set-group-ID bits only when the owner could be kept, as
   * `cp -p` does), then renames it over `dst`. `dst` is always its old self
   * or the complete copy; a failure or cancellation removes only the
   * temporary file. Refused before anything is written: a src that is not a
   * regular file, a dst that is neither a regular file nor a symlink, and
   * src and dst that are one file (`ERR_FS_CP_EINVAL`).
   * @example await aio.copy('report.txt', 'backup/report.txt');
   * @see IO::AIO aio_copy
   */
  copy: copyOperation,
  /**
   * Copies a directory tree: directories, regular files through `copy` (so
   * a file under its final name is always complete), symlinks recreated
   * with the same target bytes (followed only with `followSymlinks`);
   * owners, modes and times kept, a directory's once its contents are in.
   * `dst` must not exist or be an empty directory, and must not lie inside
   * `src`. FIFOs, sockets and devices are refused as `fs.cp` refuses them
   * (with `onError`: reported and left out). At most `maxreq` file copies in
   * flight; resolves with `{ files, dirs, symlinks, skipped }`.
   * @example
   * await aio.copytree('site', 'site.bak', { onProgress: (p) => console.log(p.files, '/', p.filesKnown) });
   */
  copytree: copytreeOperation,
  /**
   * Moves a regular file: renames; across file systems (`EXDEV`) copies as
   * `copy` does, then unlinks the source. Directories, links, special files
   * and one file under two names are refused before anything changes; the
   * source is never removed unless the copy is in place.
   * @example await aio.move('/dev/shm/upload', '/srv/files/upload');
   * @see IO::AIO aio_move
   */
  move: moveOperation,
  /**
   * Removes a directory tree. Refuses `.` and `..` as the last component
   * (`EINVAL`) and `/` (`EBUSY`), and a root that is a symlink or not a
   * directory (`ENOTDIR`); reads directories in bounded chunks and never
   * enters a symlink. Resolves when the final rmdir did.
   * @example await aio.rmtree('/tmp/build-cache');
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
