import { checkFd, checkInt32 } from './checks.js';
import { kKindExtents, kKindResult } from './engine.js';
import { nativeInvalidArgValue, nativeOutOfRange } from './errors.js';
import { kF64PerRequest, kI32, kI32PerRequest, kOp } from './ops.js';
import { MemoryRequests } from './pool-mem.js';
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
 * fcntl commands whose argument is an integer (or unused). The others (F_GETLK, F_SETLK,
 * F_OFD_*, F_GETOWN_EX, ...) take a pointer, which an integer would turn into a write to
 * an arbitrary address, so they are refused.
 */
const kFcntlIntCommands = new Set([
  0, // F_DUPFD
  1, // F_GETFD
  2, // F_SETFD
  3, // F_GETFL
  4, // F_SETFL
  8, // F_SETOWN
  9, // F_GETOWN
  10, // F_SETSIG
  11, // F_GETSIG
  1024, // F_SETLEASE
  1025, // F_GETLEASE
  1026, // F_NOTIFY
  1030, // F_DUPFD_CLOEXEC
  1031, // F_SETPIPE_SZ
  1032, // F_GETPIPE_SZ
  1033, // F_ADD_SEALS
  1034, // F_GET_SEALS
]);

/** A length or count for a kernel call: a non-negative safe integer. */
const checkLength = (name: string, value: number): number => checkOffset(name, value);

/**
 * The requests on descriptors that node:fs has no call for (fiemap and after), as a base
 * of NativePool: it reaches the staging engine through `engine`.
 */
export abstract class FdRequests extends MemoryRequests {
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

  /**
   * fcntl(2) with an integer argument; the value is what fcntl returned (the flags for
   * F_GETFL, the new descriptor for F_DUPFD...). Commands that take a pointer are refused
   * with ERR_INVALID_ARG_VALUE. @see IO::AIO aio_fcntl
   */
  submitFcntl(fd: number, cmd: number, arg: number, priority: number, cb: ResultCallback): number {
    if (!kFcntlIntCommands.has(cmd))
      throw nativeInvalidArgValue('cmd', cmd, 'must be an fcntl command with an integer argument');
    const a = checkInt32('arg', arg);
    return this.engine.fdRequest(kOp.fcntl, fd, priority, cb, kKindResult, cmd, 0, a);
  }
  /**
   * ioctl(2) with an integer argument; the value is what ioctl returned. Only for requests
   * whose argument is a number (FICLONE's source descriptor, a terminal's TCSBRK...): one
   * that takes a pointer would use `arg` as an address. @see IO::AIO aio_ioctl
   */
  submitIoctl(fd: number, request: number, arg: number, priority: number, cb: ResultCallback): number {
    if (!Number.isSafeInteger(request) || request < 0 || request > 0xffff_ffff)
      throw nativeOutOfRange('request', '>= 0 and <= 4294967295', request);
    if (!Number.isSafeInteger(arg)) throw nativeOutOfRange('arg', 'a safe integer', arg);
    return this.engine.fdRequest(kOp.ioctl, fd, priority, cb, kKindResult, 0, 0, request, arg);
  }
  /**
   * posix_fadvise(2): advice (0 NORMAL, 1 RANDOM, 2 SEQUENTIAL, 3 WILLNEED, 4 DONTNEED,
   * 5 NOREUSE) for [offset, offset + length), length 0 meaning to the end.
   * @see IO::AIO IO::AIO::fadvise
   */
  submitFadvise(
    fd: number,
    offset: number,
    length: number,
    advice: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const from = checkOffset('offset', offset);
    const len = checkLength('length', length);
    return this.engine.fdRequest(
      kOp.fadvise,
      fd,
      priority,
      cb,
      kKindResult,
      checkInt32('advice', advice),
      0,
      from,
      len,
    );
  }
  /**
   * splice(2) between two descriptors, one of them a pipe; an offset of -1 uses the
   * descriptor's own. flags: SPLICE_F_MOVE 1, NONBLOCK 2, MORE 4. The value is the bytes
   * moved. @see IO::AIO IO::AIO::splice
   */
  submitSplice(
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
    const len = checkLength('length', length);
    const f = checkInt32('flags', flags);
    return this.engine.fdRequest(kOp.splice, src, priority, cb, kKindResult, f, out, from, to, len);
  }
  /**
   * tee(2): duplicates up to `length` bytes from one pipe into another without consuming
   * them. The value is the bytes duplicated. @see IO::AIO IO::AIO::tee
   */
  submitTee(
    inFd: number,
    outFd: number,
    length: number,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const src = checkFd('inFd', inFd);
    const out = checkFd('outFd', outFd);
    const len = checkLength('length', length);
    return this.engine.fdRequest(
      kOp.tee,
      src,
      priority,
      cb,
      kKindResult,
      checkInt32('flags', flags),
      out,
      len,
    );
  }
  /**
   * mlockall(2) for the whole process: flags MCL_CURRENT 1, MCL_FUTURE 2, MCL_ONFAULT 4.
   * @see IO::AIO aio_mlockall
   */
  submitMlockall(flags: number, priority: number, cb: ResultCallback): number {
    return this.#noFd(kOp.mlockall, priority, cb, checkInt32('flags', flags), 0);
  }
  /** munlockall(2). @see IO::AIO IO::AIO::munlockall */
  submitMunlockall(priority: number, cb: ResultCallback): number {
    return this.#noFd(kOp.munlockall, priority, cb, 0, 0);
  }
  /**
   * Raises the soft RLIMIT_NOFILE to at least `n` (and the hard limit when lower, which
   * needs privilege); the value is the soft limit afterwards (Infinity when unlimited).
   * @see IO::AIO IO::AIO::min_fdlimit
   */
  submitMinFdlimit(n: number, priority: number, cb: ResultCallback): number {
    return this.#noFd(kOp.minFdlimit, priority, cb, 0, checkLength('n', n));
  }

  #noFd(type: number, priority: number, cb: ResultCallback, int1: number, n0: number): number {
    const e = this.engine;
    const i = e.begin(type, priority, cb, kKindResult, 0);
    e.i32[i * kI32PerRequest + kI32.int1] = int1;
    e.f64[i * kF64PerRequest] = n0;
    return e.commit(i);
  }
}
