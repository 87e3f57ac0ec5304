import { kMaxLength } from 'node:buffer';
import * as fs from 'node:fs';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import { type PathLike, validateFd, validateInteger, validateLength, validatePath } from '../validate.js';
import { single } from './operation.js';

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

function tooLarge(size: number): NodeJS.ErrnoException {
  const error = new RangeError(
    `File size (${size}) is greater than ${kMaxLength} bytes, the largest possible Buffer`,
  ) as NodeJS.ErrnoException;
  error.code = 'ERR_FS_FILE_TOO_LARGE';
  return error;
}

/**
 * open, fstat, read to the wanted length or end of file, close: the fd is
 * closed on every path. The buffer starts at the size fstat gives (capped by
 * the length asked for) and doubles when the file turns out longer (procfs
 * files report size 0); a size beyond the largest Buffer rejects with
 * `ERR_FS_FILE_TOO_LARGE`, as `fs.readFile` does.
 */
function slurp(a: SlurpArgs, done: Done<Buffer>, req: RunningRequest): void {
  fs.open(a.path, 'r', (err, fd) => {
    if (err !== null) return done(err);
    const finish = (error: NodeJS.ErrnoException | null, data?: Buffer): void =>
      fs.close(fd, (closeErr) => done(error ?? closeErr, (error ?? closeErr) ? undefined : data));
    fs.fstat(fd, (statErr, st) => {
      if (statErr !== null) return finish(statErr);
      const start = a.offset >= 0 ? a.offset : Math.max(0, st.size + a.offset);
      const limit = a.length > 0 ? a.length : Number.POSITIVE_INFINITY;
      const known = Math.max(0, st.size - start);
      const first = Math.min(limit, known > 0 ? known : kChunkBytes);
      if (first > kMaxLength) return finish(tooLarge(first));
      let buffer = Buffer.allocUnsafe(first);
      let filled = 0;
      const next = (): void => {
        if (req.cancelled || filled >= limit) return finish(null, buffer.subarray(0, filled));
        if (filled === buffer.length) {
          const size = Math.min(limit, Math.max(buffer.length * 2, kChunkBytes));
          if (size > kMaxLength) return finish(tooLarge(size));
          const grown = Buffer.allocUnsafe(size);
          buffer.copy(grown, 0, 0, filled);
          buffer = grown;
        }
        const count = Math.min(buffer.length - filled, kMaxReadBytes);
        fs.read(fd, buffer, filled, count, start + filled, (readErr, n) => {
          if (readErr !== null) return finish(readErr);
          if (n === 0) return finish(null, buffer.subarray(0, filled));
          filled += n;
          next();
        });
      };
      next();
    });
  });
}

/** Emulated data requests: several pool calls in one request and one execution slot. */
export const dataOperations = {
  /**
   * Copies `length` bytes from `inFd` at `inOffset` to `outFd` at its current
   * position; resolves with the bytes sent (fewer at end of file). Emulated
   * with reads and writes of 64 KiB through the pool.
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
    ) => ({
      outFd: validateFd(outFd, 'outFd'),
      inFd: validateFd(inFd, 'inFd'),
      inOffset: validateLength(inOffset, 'inOffset'),
      length: validateLength(length, 'length'),
    }),
    run: (a, done: Done<number>, req) => sendfile(a.outFd, a.inFd, a.inOffset, a.length, done, req),
  }),

  /**
   * Pulls a range of a file into the page cache (emulated: read and discarded).
   * @see IO::AIO aio_readahead
   */
  readahead: single({
    perl: 'aio_readahead',
    syscall: 'readahead',
    optsIndex: 3,
    prepare: (fd: number, offset: number, length: number, _options?: RequestOptions<void>) => ({
      fd: validateFd(fd),
      offset: validateLength(offset, 'offset'),
      length: validateLength(length, 'length'),
    }),
    run: (a, done: Done<void>, req) => readahead(a.fd, a.offset, a.length, done, req),
  }),

  /**
   * Resolves with a whole file's content.
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
   * file); no length (or 0) reads to the end of the file.
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
