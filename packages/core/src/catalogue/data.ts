import * as fs from 'node:fs';
import { fileTooLarge, notRegularFile } from '../errors.js';
import type { NativePoolLike } from '../native-pool.js';
import { single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import {
  type PathLike,
  validateFd,
  validateInteger,
  validateLength,
  validatePath,
  validateRangeEnd,
} from '../validate.js';
import { numberResult, voidResult } from './native-results.js';

/** Chunk size of the emulated data requests. */
export const kChunkBytes = 64 * 1024;

/** Copies `length` bytes from `inFd` at `inOffset` to `outFd`'s current position, chunk by chunk. */
function sendfile(
  outFd: number,
  inFd: number,
  inOffset: number,
  length: number,
  done: Done<number>,
  req: RunningRequest,
): void {
  const buffer = Buffer.allocUnsafe(Math.min(length, kChunkBytes) || 1);
  let sent = 0;
  const readChunk = (): void => {
    if (sent >= length || req.cancelled) return done(null, sent);
    fs.read(inFd, buffer, 0, Math.min(buffer.length, length - sent), inOffset + sent, (err, n) => {
      if (err !== null) return done(err);
      if (n === 0) return done(null, sent);
      writeChunk(0, n);
    });
  };
  const writeChunk = (from: number, to: number): void => {
    fs.write(outFd, buffer, from, to - from, null, (err, n) => {
      if (err !== null) return done(err);
      sent += n;
      if (from + n < to) writeChunk(from + n, to);
      else readChunk();
    });
  };
  readChunk();
}

/** Reads a range and discards it, so the kernel has it cached. */
function readahead(fd: number, offset: number, length: number, done: Done<void>, req: RunningRequest): void {
  const buffer = Buffer.allocUnsafe(Math.min(length, kChunkBytes) || 1);
  let read = 0;
  const next = (): void => {
    if (read >= length || req.cancelled) return done(null);
    fs.read(fd, buffer, 0, Math.min(buffer.length, length - read), offset + read, (err, n) => {
      if (err !== null) return done(err);
      if (n === 0) return done(null);
      read += n;
      next();
    });
  };
  next();
}

export interface SlurpArgs {
  path: string | Buffer;
  /** Negative: counted from the end of the file. */
  offset: number;
  /** 0: to the end of the file. */
  length: number;
}

/** Most bytes one fs.read call takes (Node's limit is 2^31 - 1). */
const kMaxReadBytes = 2 ** 30;

/**
 * Most bytes load and slurp give in one Buffer: `fs.readFile`'s limit
 * (2 GiB - 1). Platform: buffer.kMaxLength is 4 GiB on Node 20 and 2^53 - 1
 * from Node 22 on; this fixed limit makes a large file fail the same way on
 * every version, at fstat, before gigabytes are allocated and read.
 */
const kMaxSlurpBytes = 2 ** 31 - 1;

/**
 * Platform: O_NONBLOCK makes open(2) of a FIFO return at once instead of
 * holding a pool thread until a writer comes; O_NOCTTY keeps a terminal from
 * becoming the process's controlling one. Neither changes how a regular file
 * reads.
 */
const kSlurpFlags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY;

type Finish = (error: NodeJS.ErrnoException | null, data?: Buffer) => void;

/** Where a read to the end starts, how far it may go, and the first buffer's size. */
interface SlurpRange {
  start: number;
  limit: number;
  first: number;
}

function tooLarge(bytes: string): NodeJS.ErrnoException {
  return fileTooLarge(bytes, kMaxSlurpBytes);
}

/**
 * A FIFO, a device or a socket is refused before anything is read: a FIFO
 * with no writer would hold a pool thread, /dev/zero would grow the buffer
 * to the largest one possible. A directory goes on: read(2) says EISDIR.
 */
function refuseNonRegular(path: string | Buffer, st: fs.Stats): NodeJS.ErrnoException | null {
  let kind: string | null = null;
  if (st.isFIFO()) kind = 'a FIFO';
  else if (st.isCharacterDevice()) kind = 'a character device';
  else if (st.isBlockDevice()) kind = 'a block device';
  else if (st.isSocket()) kind = 'a socket';
  return kind === null ? null : notRegularFile('read', path.toString(), kind);
}

function slurpRange(a: SlurpArgs, size: number): SlurpRange {
  const start = a.offset >= 0 ? a.offset : Math.max(0, size + a.offset);
  // Invariant: start + limit is a safe integer, so every position passed to fs.read is one it takes.
  const limit = Math.min(a.length > 0 ? a.length : Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER - start);
  const known = Math.max(0, size - start);
  return { start, limit, first: Math.min(limit, known > 0 ? known : kChunkBytes) };
}

/**
 * A buffer twice as big (at most `limit` and kMaxSlurpBytes) holding the
 * `filled` bytes read so far; an error when `needed` bytes do not fit even so.
 */
function grow(buffer: Buffer, filled: number, needed: number, limit: number): Buffer | NodeJS.ErrnoException {
  const size = Math.min(limit, Math.max(buffer.length * 2, needed, kChunkBytes), kMaxSlurpBytes);
  if (size < needed) return tooLarge(`at least ${needed}`);
  const grown = Buffer.allocUnsafe(size);
  buffer.copy(grown, 0, 0, filled);
  return grown;
}

/**
 * The `filled` bytes read, in a buffer of their own when they use less than
 * half of the one read into. Perf: a /proc file reports size 0, so it is read
 * into a 64 KiB chunk; a view of 60 bytes would keep all of it alive for as
 * long as the caller keeps the result. At most half is copied, so the peak
 * stays under 1.5 times the buffer. Platform: the copy is not taken from
 * Node's shared pool, which is 8 KiB on Node 20 and 64 KiB from Node 24 on:
 * the result holds its own size on every version, as `fs.readFile`'s does.
 */
function fitted(buffer: Buffer, filled: number): Buffer {
  const data = buffer.subarray(0, filled);
  if (filled * 2 >= buffer.length) return data;
  const own = Buffer.allocUnsafeSlow(filled);
  data.copy(own);
  return own;
}

/**
 * Reads from `start` to end of file or `limit`. The buffer starts at the size
 * fstat gives and doubles when the file turns out longer (procfs files report
 * size 0); past kMaxSlurpBytes it fails with `ERR_FS_FILE_TOO_LARGE`, as
 * `fs.readFile` does.
 */
function readToEnd(fd: number, range: SlurpRange, finish: Finish, req: RunningRequest): void {
  if (range.first > kMaxSlurpBytes) return finish(tooLarge(String(range.first)));
  let buffer: Buffer = Buffer.allocUnsafe(range.first);
  let filled = 0;
  const next = (): void => {
    // A cancelled request's value is dropped: nothing to fit.
    if (req.cancelled) return finish(null, buffer.subarray(0, filled));
    if (filled >= range.limit) return finish(null, fitted(buffer, filled));
    if (filled === buffer.length) return probe();
    const count = Math.min(buffer.length - filled, kMaxReadBytes);
    fs.read(fd, buffer, filled, count, range.start + filled, (err, n) => {
      if (err !== null) return finish(err);
      if (n === 0) return finish(null, fitted(buffer, filled));
      filled += n;
      next();
    });
  };
  // Perf: a full buffer is most often the whole file, at the size fstat gave. One chunk read
  // finds the end there, without doubling the buffer and copying the file into the new one.
  const probe = (): void => {
    const chunk = Buffer.allocUnsafe(Math.min(kChunkBytes, range.limit - filled));
    fs.read(fd, chunk, 0, chunk.length, range.start + filled, (err, n) => {
      if (err !== null) return finish(err);
      if (n === 0) return finish(null, fitted(buffer, filled));
      const grown = grow(buffer, filled, filled + n, range.limit);
      if (grown instanceof Error) return finish(grown);
      chunk.copy(grown, filled, 0, n);
      buffer = grown;
      filled += n;
      next();
    });
  };
  next();
}

/**
 * open(2) refuses a socket with ENXIO, and a device node with no device
 * behind it with ENXIO or ENODEV: when the path is such a file, the request
 * fails as for any other file that is not regular, so a caller sees one code.
 */
function explainOpenFailure(path: string | Buffer, err: NodeJS.ErrnoException, done: Done<Buffer>): void {
  if (err.code !== 'ENXIO' && err.code !== 'ENODEV') return done(err);
  fs.stat(path, (statErr, st) => done((statErr === null ? refuseNonRegular(path, st) : null) ?? err));
}

/**
 * open without blocking, fstat, refuse what is not a file, read to the wanted
 * length or end of file, close: the fd is closed on every path.
 */
function slurp(a: SlurpArgs, done: Done<Buffer>, req: RunningRequest): void {
  fs.open(a.path, kSlurpFlags, (err, fd) => {
    if (err !== null) return explainOpenFailure(a.path, err, done);
    const finish: Finish = (error, data) =>
      fs.close(fd, (closeErr) => done(error ?? closeErr, (error ?? closeErr) ? undefined : data));
    fs.fstat(fd, (statErr, st) => {
      const refusal = statErr ?? refuseNonRegular(a.path, st);
      if (refusal !== null) return finish(refusal);
      readToEnd(fd, slurpRange(a, st.size), finish, req);
    });
  });
}

function sendfileNative(
  pool: NativePoolLike,
  a: { outFd: number; inFd: number; inOffset: number; length: number },
  done: Done<number>,
  req: RunningRequest,
): boolean {
  // Invariant: one sendfile(2) moves at most 0x7ffff000 bytes; the request moves them all, as on node:fs.
  let sent = 0;
  const step = (): void => {
    pool.submitSendfile(a.outFd, a.inFd, a.inOffset + sent, a.length - sent, req.priority, more);
  };
  const settle = numberResult(done, 'sendfile');
  const more = (errno: number, n: number): void => {
    if (errno !== 0 || n === 0 || req.cancelled) return settle(errno, sent + n);
    sent += n;
    if (sent < a.length) step();
    else settle(0, sent);
  };
  step();
  return true;
}

function readaheadNative(
  pool: NativePoolLike,
  a: { fd: number; offset: number; length: number },
  done: Done<void>,
  req: RunningRequest,
): boolean {
  pool.submitReadahead(a.fd, a.offset, a.length, req.priority, voidResult(done, 'readahead'));
  return true;
}

/** Emulated data requests: several pool calls in one request and one execution slot. */
export const dataOperations = {
  /**
   * Copies `length` bytes from `inFd` at `inOffset` to `outFd` at its current
   * position; resolves with the bytes sent (fewer at end of file). Emulated
   * with reads and writes of 64 KiB through the pool, so memory stays at one
   * chunk whatever the length; `inOffset + length` must be a safe integer
   * (`ERR_OUT_OF_RANGE` at the call).
   * @see IO::AIO aio_sendfile
   */
  sendfile: single({
    perl: 'aio_sendfile',
    syscall: 'sendfile',
    optsIndex: 4,
    prepare: (
      outFd: number,
      inFd: number,
      inOffset: number,
      length: number,
      _options?: RequestOptions<number>,
    ) => {
      const from = validateLength(inOffset, 'inOffset');
      return {
        outFd: validateFd(outFd, 'outFd'),
        inFd: validateFd(inFd, 'inFd'),
        inOffset: from,
        length: validateRangeEnd(from, validateLength(length, 'length')),
      };
    },
    run: (a, done: Done<number>, req) => sendfile(a.outFd, a.inFd, a.inOffset, a.length, done, req),
    native: sendfileNative,
  }),

  /**
   * Pulls a range of a file into the page cache (emulated: read and discarded,
   * 64 KiB at a time). `offset + length` must be a safe integer.
   * @see IO::AIO aio_readahead
   */
  readahead: single({
    perl: 'aio_readahead',
    syscall: 'readahead',
    optsIndex: 3,
    prepare: (fd: number, offset: number, length: number, _options?: RequestOptions<void>) => {
      const from = validateLength(offset, 'offset');
      return {
        fd: validateFd(fd),
        offset: from,
        length: validateRangeEnd(from, validateLength(length, 'length')),
      };
    },
    run: (a, done: Done<void>, req) => readahead(a.fd, a.offset, a.length, done, req),
    native: readaheadNative,
  }),

  /**
   * Resolves with a whole file's content. The file is opened without
   * blocking and must be a regular file (procfs files that report size 0 are
   * read to their end): a FIFO, a device or a socket rejects at once with
   * `ERR_AIO_NOT_REGULAR_FILE` (`syscall` 'read', `path`), a directory with
   * `EISDIR`.
   * @example const data = await aio.load('/etc/hostname');
   * @see IO::AIO aio_load
   */
  load: single({
    perl: 'aio_load',
    syscall: 'read',
    optsIndex: 1,
    prepare: (path: PathLike, _options?: RequestOptions<Buffer>): SlurpArgs => ({
      path: validatePath(path),
      offset: 0,
      length: 0,
    }),
    run: (a: SlurpArgs, done: Done<Buffer>, req) => slurp(a, done, req),
  }),

  /**
   * Resolves with `length` bytes from `offset` (negative: from the end of the
   * file); no length (or 0) reads to the end of the file. Regular files only,
   * as for `load`.
   * @see IO::AIO aio_slurp
   */
  slurp: single({
    perl: 'aio_slurp',
    syscall: 'read',
    optsIndex: 3,
    prepare: (
      path: PathLike,
      offset?: number,
      length?: number,
      _options?: RequestOptions<Buffer>,
    ): SlurpArgs => ({
      path: validatePath(path),
      offset:
        offset === undefined
          ? 0
          : validateInteger(offset, 'offset', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      length: length === undefined ? 0 : validateLength(length, 'length'),
    }),
    run: (a: SlurpArgs, done: Done<Buffer>, req) => slurp(a, done, req),
  }),
};
