import { checkFd, checkInt32 } from './checks.js';
import { kKindExtents, kKindResult, type RequestEngine } from './engine.js';
import { nativeOutOfRange } from './errors.js';
import { kOp } from './ops.js';
import type { ExtentsCallback, ResultCallback } from './types.js';

/** A file offset or length: a non-negative safe integer. */
function checkOffset(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw nativeOutOfRange(name, '>= 0 and <= 2 ** 53 - 1', value);
  return value;
}

/** A file offset, or -1 for "the descriptor's own offset" (which the call then advances). */
function checkOffsetOrCurrent(name: string, value: number): number {
  return value === -1 ? -1 : checkOffset(name, value);
}

/**
 * The requests on descriptors that node:fs has no call for (fiemap and after), as a base
 * of NativePool: it reaches the staging engine through `engine`.
 */
export abstract class FdRequests {
  /** The staging engine of the pool. @internal */
  protected abstract readonly engine: RequestEngine;

  /**
   * The extents of [start, start + length) of a file (FS_IOC_FIEMAP): per extent four
   * numbers, logical offset, physical offset, length (bytes) and FIEMAP_EXTENT_* flags.
   * length -1 means to the end; flags are FIEMAP_FLAG_* (1 SYNC flushes first, 2 XATTR);
   * count is the most extents returned, -1 for all of them. ENOTSUP (EOPNOTSUPP) where the
   * file system has no FIEMAP (tmpfs).
   * @see IO::AIO aio_fiemap
   */
  submitFiemap(
    fd: number,
    start: number,
    length: number,
    flags: number,
    count: number,
    priority: number,
    cb: ExtentsCallback,
  ): number {
    const from = checkOffset('start', start);
    const len = length === -1 ? -1 : checkOffset('length', length);
    if ((count | 0) !== count || count < -1 || count === 0)
      throw nativeOutOfRange('count', 'an integer >= 1, or -1 for every extent', count);
    return this.engine.fdRequest(
      kOp.fiemap,
      fd,
      priority,
      cb,
      kKindExtents,
      checkInt32('flags', flags),
      count,
      from,
      len,
    );
  }

  /**
   * close as IO::AIO's aio_close does it: on a worker, the file is released (a duplicate
   * of the descriptor is closed; its error is the result) and the pool's reserved
   * descriptor (a pipe's write end, read end closed) is dup2'd over the number, so the
   * number stays taken: a stray read on it fails with EBADF, a write with EPIPE, and no
   * open on any thread can reuse it. The number is freed on the main thread just before
   * the callback runs. `submitClose` stays a plain close(2).
   * @see IO::AIO aio_close
   */
  submitCloseReserved(fd: number, priority: number, cb: ResultCallback): number {
    return this.engine.fdRequest(kOp.closeReserved, fd, priority, cb, kKindResult);
  }

  /**
   * Copies up to `length` bytes from inFd at inOffset to outFd at outOffset (-1: the
   * descriptor's own offset, advanced) inside the kernel: FICLONERANGE first when flags
   * has kCopyRange.clone (both offsets given), else copy_file_range(2), else (between file
   * systems or to a pipe) a read/write loop on the worker. The value is the bytes copied,
   * fewer at end of file. With submitSeek's SEEK_DATA/SEEK_HOLE a copy can keep holes.
   * @see IO::AIO aio_copy
   */
  submitCopyRange(
    inFd: number,
    inOffset: number,
    outFd: number,
    outOffset: number,
    length: number,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const src = checkFd('inFd', inFd);
    const out = checkFd('outFd', outFd);
    const from = checkOffsetOrCurrent('inOffset', inOffset);
    const to = checkOffsetOrCurrent('outOffset', outOffset);
    const len = checkOffset('length', length);
    const f = checkInt32('flags', flags);
    return this.engine.fdRequest(kOp.copyRange, src, priority, cb, kKindResult, f, out, from, to, len);
  }
}
