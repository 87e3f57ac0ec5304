import { systemError } from '../errors.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions } from '../request.js';
import { type PathLike, validateFd, validatePath } from '../validate.js';

/**
 * An IO::AIO request Node cannot perform: its arguments are checked like any
 * other, then it rejects with `ENOSYS` (never faked).
 */
function unavailable<P extends unknown[]>(
  perl: string,
  syscall: string,
  optsIndex: number,
  check: (...params: P) => void,
) {
  return single({
    perl,
    syscall,
    optsIndex,
    prepare: (...params: P) => {
      check(...params);
      return syscall;
    },
    run: (name: string, done: Done<never>) => later(done, systemError('ENOSYS', name)),
  });
}

type Opts = RequestOptions<never>;

/** What node:fs has no call for: seek, mknod, fallocate, renameat2, sync, syncfs, sync_file_range, fiemap, msync, mincore touches, mlock. */
export const unavailableOperations = {
  /** Rejects with ENOSYS: Node exposes no lseek; pass positions to read/write instead. @see IO::AIO aio_seek */
  seek: unavailable('aio_seek', 'lseek', 3, (fd: number, _offset: number, _whence: number, _o?: Opts) => {
    validateFd(fd);
  }),
  /** Rejects with ENOSYS: node:fs has no mknod. @see IO::AIO aio_mknod */
  mknod: unavailable('aio_mknod', 'mknod', 3, (path: PathLike, _mode: number, _dev: number, _o?: Opts) => {
    validatePath(path);
  }),
  /** Rejects with ENOSYS: node:fs has no fallocate. @see IO::AIO aio_allocate */
  allocate: unavailable(
    'aio_allocate',
    'fallocate',
    4,
    (fd: number, _mode: number, _offset: number, _length: number, _o?: Opts) => {
      validateFd(fd);
    },
  ),
  /** Rejects with ENOSYS: node:fs has no renameat2 (flags such as RENAME_NOREPLACE). @see IO::AIO aio_rename2 */
  rename2: unavailable(
    'aio_rename2',
    'renameat2',
    3,
    (src: PathLike, dst: PathLike, _flags: number, _o?: Opts) => {
      validatePath(src, 'src');
      validatePath(dst, 'dst');
    },
  ),
  /** Rejects with ENOSYS: node:fs has no sync(2). @see IO::AIO aio_sync */
  sync: unavailable('aio_sync', 'sync', 0, (_o?: Opts) => {}),
  /** Rejects with ENOSYS: node:fs has no syncfs(2). @see IO::AIO aio_syncfs */
  syncfs: unavailable('aio_syncfs', 'syncfs', 1, (fd: number, _o?: Opts) => {
    validateFd(fd);
  }),
  /** Rejects with ENOSYS: node:fs has no sync_file_range(2). @see IO::AIO aio_sync_file_range */
  syncFileRange: unavailable(
    'aio_sync_file_range',
    'sync_file_range',
    4,
    (fd: number, _offset: number, _nbytes: number, _flags: number, _o?: Opts) => {
      validateFd(fd);
    },
  ),
  /** Rejects with ENOSYS: node:fs has no FIEMAP ioctl. @see IO::AIO aio_fiemap */
  fiemap: unavailable(
    'aio_fiemap',
    'fiemap',
    5,
    (fd: number, _start: number, _length: number, _flags: number, _count: number, _o?: Opts) => {
      validateFd(fd);
    },
  ),
  /** Rejects with ENOSYS: Node has no memory mappings to sync. @see IO::AIO aio_msync */
  msync: unavailable(
    'aio_msync',
    'msync',
    4,
    (_buffer: ArrayBufferView, _offset: number, _length: number, _flags: number, _o?: Opts) => {},
  ),
  /** Rejects with ENOSYS: Node has no memory mappings to touch. @see IO::AIO aio_mtouch */
  mtouch: unavailable(
    'aio_mtouch',
    'mtouch',
    4,
    (_buffer: ArrayBufferView, _offset: number, _length: number, _flags: number, _o?: Opts) => {},
  ),
  /** Rejects with ENOSYS: Node cannot lock memory. @see IO::AIO aio_mlock */
  mlock: unavailable(
    'aio_mlock',
    'mlock',
    3,
    (_buffer: ArrayBufferView, _offset: number, _length: number, _o?: Opts) => {},
  ),
};
