import { systemError } from '../errors.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions } from '../request.js';
import { type PathLike, validateFd, validateInteger, validateLength, validatePath } from '../validate.js';
import { numberResult, voidResult } from './native-results.js';

type Opts = RequestOptions<void>;

/** node:fs has no call for these: on that backend they reject with ENOSYS, never faked. */
function enosys<T>(syscall: string): <A>(args: A, done: Done<T>) => void {
  return (_args, done) => later(done, systemError('ENOSYS', syscall));
}

const kMaxSafe = Number.MAX_SAFE_INTEGER;
/** copyRange tries shared blocks first (the pool's clone flag). */
const kCopyClone = 1;

/**
 * Requests only the native backend can make (Linux system calls node:fs does
 * not expose). Their arguments are checked at the call on both backends.
 */
export const linuxOperations = {
  /**
   * Moves a descriptor's file position (lseek(2)); `whence` is 0 (SEEK_SET),
   * 1 (SEEK_CUR), 2 (SEEK_END), 3 (SEEK_DATA) or 4 (SEEK_HOLE). Resolves with
   * the new position. Native backend only.
   * @example const end = await aio.seek(fd, 0, 2);
   * @see IO::AIO aio_seek
   */
  seek: single({
    perl: 'aio_seek',
    syscall: 'lseek',
    optsIndex: 3,
    prepare: (fd: number, offset: number, whence: number, _options?: RequestOptions<number>) => ({
      fd: validateFd(fd),
      offset: validateInteger(offset, 'offset', -kMaxSafe, kMaxSafe),
      whence: validateInteger(whence, 'whence', 0, 4),
    }),
    run: enosys<number>('lseek'),
    native: (pool, a, done: Done<number>, req) => {
      pool.submitSeek(a.fd, a.offset, a.whence, req.priority, numberResult(done, 'lseek'));
      return true;
    },
  }),

  /**
   * Makes a file system node (mknod(2)): `mode` holds the type (S_IFIFO,
   * S_IFCHR, S_IFBLK, S_IFREG, S_IFSOCK) and permission bits, `dev` the
   * device number for devices. Native backend only.
   * @example await aio.mknod('/tmp/fifo', fs.constants.S_IFIFO | 0o600, 0);
   * @see IO::AIO aio_mknod
   */
  mknod: single({
    perl: 'aio_mknod',
    syscall: 'mknod',
    optsIndex: 3,
    prepare: (path: PathLike, mode: number, dev: number, _options?: Opts) => ({
      path: validatePath(path),
      mode: validateInteger(mode, 'mode', 0, 0xffffffff),
      dev: validateLength(dev, 'dev'),
    }),
    run: enosys<void>('mknod'),
    native: (pool, a, done: Done<void>, req) => {
      pool.submitMknod(a.path, a.mode, a.dev, req.priority, voidResult(done, 'mknod', a.path));
      return true;
    },
  }),

  /**
   * Allocates or deallocates space of a file (fallocate(2)); `mode` takes
   * FALLOC_FL_KEEP_SIZE (1), FALLOC_FL_PUNCH_HOLE (2), FALLOC_FL_COLLAPSE_RANGE
   * (8), FALLOC_FL_ZERO_RANGE (16), FALLOC_FL_INSERT_RANGE (32). Native backend only.
   * @example await aio.allocate(fd, 0, 0, 1 << 20);
   * @see IO::AIO aio_allocate
   */
  allocate: single({
    perl: 'aio_allocate',
    syscall: 'fallocate',
    optsIndex: 4,
    prepare: (fd: number, mode: number, offset: number, length: number, _options?: Opts) => ({
      fd: validateFd(fd),
      mode: validateInteger(mode, 'mode', 0, 0xff),
      offset: validateLength(offset, 'offset'),
      length: validateLength(length, 'length'),
    }),
    run: enosys<void>('fallocate'),
    native: (pool, a, done: Done<void>, req) => {
      pool.submitFallocate(a.fd, a.mode, a.offset, a.length, req.priority, voidResult(done, 'fallocate'));
      return true;
    },
  }),

  /**
   * rename with renameat2(2)'s flags: RENAME_NOREPLACE (1) fails with EEXIST
   * instead of replacing, RENAME_EXCHANGE (2) swaps the two names atomically,
   * RENAME_WHITEOUT (4). Native backend only.
   * @example await aio.rename2(a, b, 2); // a and b swapped
   * @see IO::AIO aio_rename2
   */
  rename2: single({
    perl: 'aio_rename2',
    syscall: 'renameat2',
    optsIndex: 3,
    prepare: (src: PathLike, dst: PathLike, flags: number, _options?: Opts) => ({
      from: validatePath(src, 'src'),
      to: validatePath(dst, 'dst'),
      flags: validateInteger(flags, 'flags', 0, 7),
    }),
    run: enosys<void>('renameat2'),
    native: (pool, a, done: Done<void>, req) => {
      pool.submitRename2(a.from, a.to, a.flags, req.priority, voidResult(done, 'rename', a.from, a.to));
      return true;
    },
  }),

  /**
   * Copies `length` bytes from `inFd` at `inOffset` to `outFd` at `outOffset`
   * inside the kernel: shared blocks (FICLONERANGE) where the file system can,
   * else copy_file_range(2), else reads and writes on the pool's thread.
   * Resolves with the bytes copied, fewer at the end of the input. Neither
   * descriptor's file position moves. Native backend only (not in IO::AIO;
   * `copy` is built on it there).
   * @example const n = await aio.copyRange(src, 0, dst, 0, size);
   */
  copyRange: single({
    perl: null,
    syscall: 'copy_file_range',
    optsIndex: 5,
    prepare: (
      inFd: number,
      inOffset: number,
      outFd: number,
      outOffset: number,
      length: number,
      _options?: RequestOptions<number>,
    ) => ({
      inFd: validateFd(inFd, 'inFd'),
      inOffset: validateLength(inOffset, 'inOffset'),
      outFd: validateFd(outFd, 'outFd'),
      outOffset: validateLength(outOffset, 'outOffset'),
      length: validateLength(length, 'length'),
    }),
    run: enosys<number>('copy_file_range'),
    native: (pool, a, done: Done<number>, req) => {
      pool.submitCopyRange(
        a.inFd,
        a.inOffset,
        a.outFd,
        a.outOffset,
        a.length,
        kCopyClone,
        req.priority,
        numberResult(done, 'copy_file_range'),
      );
      return true;
    },
  }),

  /**
   * Flushes every file system's dirty data (sync(2)). Native backend only.
   * @see IO::AIO aio_sync
   */
  sync: single({
    perl: 'aio_sync',
    syscall: 'sync',
    optsIndex: 0,
    prepare: (_options?: Opts) => undefined,
    run: enosys<void>('sync'),
    native: (pool, _a, done: Done<void>, req) => {
      pool.submitSync(req.priority, voidResult(done, 'sync'));
      return true;
    },
  }),

  /**
   * Flushes the file system that holds `fd` (syncfs(2)). Native backend only.
   * @see IO::AIO aio_syncfs
   */
  syncfs: single({
    perl: 'aio_syncfs',
    syscall: 'syncfs',
    optsIndex: 1,
    prepare: (fd: number, _options?: Opts) => validateFd(fd),
    run: enosys<void>('syncfs'),
    native: (pool, fd, done: Done<void>, req) => {
      pool.submitSyncfs(fd, req.priority, voidResult(done, 'syncfs'));
      return true;
    },
  }),

  /**
   * sync_file_range(2) over `nbytes` from `offset` (0: to the end); `flags`
   * SYNC_FILE_RANGE_WAIT_BEFORE (1), _WRITE (2), _WAIT_AFTER (4). Native backend only.
   * @see IO::AIO aio_sync_file_range
   */
  syncFileRange: single({
    perl: 'aio_sync_file_range',
    syscall: 'sync_file_range',
    optsIndex: 4,
    prepare: (fd: number, offset: number, nbytes: number, flags: number, _options?: Opts) => ({
      fd: validateFd(fd),
      offset: validateLength(offset, 'offset'),
      nbytes: validateLength(nbytes, 'nbytes'),
      flags: validateInteger(flags, 'flags', 0, 7),
    }),
    run: enosys<void>('sync_file_range'),
    native: (pool, a, done: Done<void>, req) => {
      pool.submitSyncFileRange(
        a.fd,
        a.offset,
        a.nbytes,
        a.flags,
        req.priority,
        voidResult(done, 'sync_file_range'),
      );
      return true;
    },
  }),
};
