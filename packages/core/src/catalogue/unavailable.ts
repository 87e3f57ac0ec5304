import { systemError } from '../errors.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions } from '../request.js';
import { validateFd } from '../validate.js';

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

/** What neither backend performs yet: fiemap, msync, mtouch, mlock. */
export const unavailableOperations = {
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
