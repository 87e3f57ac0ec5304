import { invalidArgValue, systemError } from '../errors.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions } from '../request.js';
import { validateFd, validateInteger, validateLength } from '../validate.js';
import { numberResult, voidResult } from './native-results.js';

type Opts<T = void> = RequestOptions<T>;

/** node:fs has no call for these: on that backend they reject with ENOSYS, never faked. */
function enosys<T>(syscall: string): <A>(args: A, done: Done<T>) => void {
  return (_args, done) => later(done, systemError('ENOSYS', syscall));
}

const kInt32Min = -(2 ** 31);
const kInt32Max = 2 ** 31 - 1;

/**
 * fcntl commands whose argument is an integer or unused. Invariant: the
 * others (F_GETLK, F_SETLK, F_OFD_*, F_GETOWN_EX...) take a pointer, which an
 * integer would turn into a write to an arbitrary address; they are refused
 * at the call on both backends (the pool refuses them as well).
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

function validateFcntlCommand(cmd: unknown): number {
  const n = validateInteger(cmd, 'cmd', 0, kInt32Max);
  if (!kFcntlIntCommands.has(n))
    throw invalidArgValue('cmd', cmd, 'must be an fcntl command with an integer argument');
  return n;
}

/** An offset of splice: a position, or null for the descriptor's own (which then moves on). */
function spliceOffset(value: unknown, name: string): number {
  return value === null || value === undefined ? -1 : validateLength(value, name);
}

/**
 * Control requests of IO::AIO on descriptors and the process (fcntl, ioctl,
 * splice, mlockall...), native backend only. IO::AIO makes fadvise, splice,
 * tee, munlockall and min_fdlimit synchronous calls; here each is a request,
 * so none blocks the event loop. Arguments are checked at the call on both
 * backends.
 */
export const nativeControlOperations = {
  /**
   * fcntl(2) with an integer argument; resolves with what fcntl returned (the
   * status flags for F_GETFL, the new descriptor for F_DUPFD...). Commands
   * that take a pointer (F_GETLK, F_SETLK...) throw ERR_INVALID_ARG_VALUE.
   * Native backend only.
   * @example const flags = await aio.fcntl(fd, 3, 0); // F_GETFL
   * @see IO::AIO aio_fcntl
   */
  fcntl: single({
    perl: 'aio_fcntl',
    syscall: 'fcntl',
    optsIndex: 3,
    prepare: (fd: number, cmd: number, arg?: number, _options?: Opts<number>) => ({
      fd: validateFd(fd),
      cmd: validateFcntlCommand(cmd),
      arg: arg === undefined ? 0 : validateInteger(arg, 'arg', kInt32Min, kInt32Max),
    }),
    run: enosys<number>('fcntl'),
    native: (pool, a, done: Done<number>, req) => {
      pool.submitFcntl(a.fd, a.cmd, a.arg, req.priority, numberResult(done, 'fcntl'));
      return true;
    },
  }),

  /**
   * ioctl(2) with an integer argument; resolves with what ioctl returned.
   * Only for requests whose argument is a number (FICLONE's source
   * descriptor, FIOCLEX...): one that takes a pointer would read `arg` as an
   * address. Native backend only.
   * @example await aio.ioctl(dstFd, 0x40049409, srcFd); // FICLONE
   * @see IO::AIO aio_ioctl
   */
  ioctl: single({
    perl: 'aio_ioctl',
    syscall: 'ioctl',
    optsIndex: 3,
    prepare: (fd: number, request: number, arg?: number, _options?: Opts<number>) => ({
      fd: validateFd(fd),
      request: validateInteger(request, 'request', 0, 0xffff_ffff),
      arg:
        arg === undefined ? 0 : validateInteger(arg, 'arg', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    }),
    run: enosys<number>('ioctl'),
    native: (pool, a, done: Done<number>, req) => {
      pool.submitIoctl(a.fd, a.request, a.arg, req.priority, numberResult(done, 'ioctl'));
      return true;
    },
  }),

  /**
   * posix_fadvise(2): tells the kernel how `[offset, offset + length)` will be
   * read (`length` 0: to the end); `advice` POSIX_FADV_NORMAL (0), RANDOM (1),
   * SEQUENTIAL (2), WILLNEED (3), DONTNEED (4), NOREUSE (5). A request here;
   * IO::AIO's fadvise is a synchronous call. Native backend only.
   * @example await aio.fadvise(fd, 0, 0, 4); // drop the file's cached pages
   * @see IO::AIO IO::AIO::fadvise
   */
  fadvise: single({
    perl: 'IO::AIO::fadvise',
    syscall: 'posix_fadvise',
    optsIndex: 4,
    prepare: (fd: number, offset: number, length: number, advice: number, _options?: Opts) => ({
      fd: validateFd(fd),
      offset: validateLength(offset, 'offset'),
      length: validateLength(length, 'length'),
      advice: validateInteger(advice, 'advice', 0, 5),
    }),
    run: enosys<void>('posix_fadvise'),
    native: (pool, a, done: Done<void>, req) => {
      pool.submitFadvise(a.fd, a.offset, a.length, a.advice, req.priority, voidResult(done, 'posix_fadvise'));
      return true;
    },
  }),

  /**
   * splice(2): moves up to `length` bytes between two descriptors, one of them
   * a pipe, without copying through user memory; an offset null uses (and
   * advances) the descriptor's own. `flags` SPLICE_F_MOVE (1), NONBLOCK (2),
   * MORE (4). Resolves with the bytes moved. A request here; IO::AIO's splice
   * is a synchronous call. Native backend only.
   * @example const n = await aio.splice(fileFd, 0, pipeWriteFd, null, 65536, 0);
   * @see IO::AIO IO::AIO::splice
   */
  splice: single({
    perl: 'IO::AIO::splice',
    syscall: 'splice',
    optsIndex: 6,
    prepare: (
      inFd: number,
      inOffset: number | null,
      outFd: number,
      outOffset: number | null,
      length: number,
      flags: number,
      _options?: Opts<number>,
    ) => ({
      inFd: validateFd(inFd, 'inFd'),
      inOffset: spliceOffset(inOffset, 'inOffset'),
      outFd: validateFd(outFd, 'outFd'),
      outOffset: spliceOffset(outOffset, 'outOffset'),
      length: validateLength(length, 'length'),
      flags: validateInteger(flags, 'flags', 0, 15),
    }),
    run: enosys<number>('splice'),
    native: (pool, a, done: Done<number>, req) => {
      const cb = numberResult(done, 'splice');
      pool.submitSplice(a.inFd, a.inOffset, a.outFd, a.outOffset, a.length, a.flags, req.priority, cb);
      return true;
    },
  }),

  /**
   * tee(2): duplicates up to `length` bytes from one pipe into another
   * without consuming them; resolves with the bytes duplicated. `flags` as
   * splice's. A request here; IO::AIO's tee is a synchronous call. Native
   * backend only.
   * @example const n = await aio.tee(pipeA, pipeB, 65536, 0);
   * @see IO::AIO IO::AIO::tee
   */
  tee: single({
    perl: 'IO::AIO::tee',
    syscall: 'tee',
    optsIndex: 4,
    prepare: (inFd: number, outFd: number, length: number, flags: number, _options?: Opts<number>) => ({
      inFd: validateFd(inFd, 'inFd'),
      outFd: validateFd(outFd, 'outFd'),
      length: validateLength(length, 'length'),
      flags: validateInteger(flags, 'flags', 0, 15),
    }),
    run: enosys<number>('tee'),
    native: (pool, a, done: Done<number>, req) => {
      pool.submitTee(a.inFd, a.outFd, a.length, a.flags, req.priority, numberResult(done, 'tee'));
      return true;
    },
  }),

  /**
   * Locks the whole process's memory (mlockall(2)): `flags` MCL_CURRENT (1),
   * MCL_FUTURE (2), MCL_ONFAULT (4, with one of the others). Native backend only.
   * @example await aio.mlockall(1 | 2);
   * @see IO::AIO aio_mlockall
   */
  mlockall: single({
    perl: 'aio_mlockall',
    syscall: 'mlockall',
    optsIndex: 1,
    prepare: (flags: number, _options?: Opts) => validateInteger(flags, 'flags', 0, 7),
    run: enosys<void>('mlockall'),
    native: (pool, flags, done: Done<void>, req) => {
      pool.submitMlockall(flags, req.priority, voidResult(done, 'mlockall'));
      return true;
    },
  }),

  /**
   * Unlocks every page of the process (munlockall(2)). A request here;
   * IO::AIO's munlockall is a synchronous call. Native backend only.
   * @example await aio.munlockall();
   * @see IO::AIO IO::AIO::munlockall
   */
  munlockall: single({
    perl: 'IO::AIO::munlockall',
    syscall: 'munlockall',
    optsIndex: 0,
    prepare: (_options?: Opts) => undefined,
    run: enosys<void>('munlockall'),
    native: (pool, _a, done: Done<void>, req) => {
      pool.submitMunlockall(req.priority, voidResult(done, 'munlockall'));
      return true;
    },
  }),

  /**
   * Raises the process's soft limit of open descriptors (RLIMIT_NOFILE) to
   * at least `n`, and the hard limit when it is lower (which needs
   * privilege); resolves with the soft limit afterwards (Infinity when
   * unlimited). A request here; IO::AIO's min_fdlimit is a synchronous call
   * that returns true or false. Native backend only.
   * @example const limit = await aio.minFdlimit(65536);
   * @see IO::AIO IO::AIO::min_fdlimit
   */
  minFdlimit: single({
    perl: 'IO::AIO::min_fdlimit',
    syscall: 'setrlimit',
    optsIndex: 1,
    prepare: (n: number, _options?: Opts<number>) => validateLength(n, 'n'),
    run: enosys<number>('setrlimit'),
    native: (pool, n, done: Done<number>, req) => {
      pool.submitMinFdlimit(n, req.priority, numberResult(done, 'setrlimit'));
      return true;
    },
  }),
};
