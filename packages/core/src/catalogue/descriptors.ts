import * as fs from 'node:fs';
import { bufferOutOfBounds } from '../errors.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions } from '../request.js';
import {
  type PathLike,
  validateBuffer,
  validateBufferRange,
  validateFd,
  validateIoLength,
  validateLength,
  validateMode,
  validateOpenFlags,
  validatePath,
  validatePosition,
  viewByteLength,
} from '../validate.js';

export interface Transfer {
  fd: number;
  position: number | null;
  length: number;
  buffer: NodeJS.ArrayBufferView;
  bufferOffset: number;
}

function prepareTransfer(
  fd: unknown,
  offset: unknown,
  length: unknown,
  buffer: unknown,
  bufferOffset: unknown,
): Transfer {
  const view = validateBuffer(buffer);
  const at = bufferOffset === undefined ? 0 : validateLength(bufferOffset, 'bufferOffset');
  // Invariant: a length node:fs would refuse never reaches it (one call moves at most 2 GiB - 1).
  const count = validateIoLength(length);
  validateBufferRange(view, at, count);
  return {
    fd: validateFd(fd),
    position: validatePosition(offset),
    length: count,
    buffer: view,
    bufferOffset: at,
  };
}

/**
 * The buffer may have been detached (its ArrayBuffer transferred) or shrunk
 * while the request was queued: checked again when it starts, so the caller
 * gets a coded error instead of whatever `node:fs` makes of an empty view.
 */
function refuseVanishedBuffer(a: Transfer, syscall: string): Error | null {
  const end = a.bufferOffset + a.length;
  const available = viewByteLength(a.buffer);
  return end > available ? bufferOutOfBounds(syscall, end, available) : null;
}

/** Runs a read or write whose range is still inside its buffer. */
function transfer(a: Transfer, syscall: 'read' | 'write', done: Done<number>): void {
  const vanished = refuseVanishedBuffer(a, syscall);
  if (vanished !== null) return later(done, vanished);
  const settle = (err: NodeJS.ErrnoException | null, bytes: number) => done(err, bytes);
  if (syscall === 'read') fs.read(a.fd, a.buffer, a.bufferOffset, a.length, a.position, settle);
  else fs.write(a.fd, a.buffer, a.bufferOffset, a.length, a.position, settle);
}

/** Requests on file descriptors. */
export const descriptorOperations = {
  /**
   * Opens a file; resolves with the numeric fd. An fd whose request was
   * cancelled while the open ran is closed, never leaked.
   * @example const fd = await aio.open(path, 'r');
   * @see IO::AIO aio_open
   */
  open: single({
    perl: 'aio_open',
    syscall: 'open',
    optsIndex: 3,
    prepare: (
      path: PathLike,
      flags?: string | number | null,
      mode?: number | string | null,
      _options?: RequestOptions<number>,
    ) => ({
      path: validatePath(path),
      flags: validateOpenFlags(flags),
      mode: validateMode(mode, 'mode', 0o666),
    }),
    run: (a, done: Done<number>) => fs.open(a.path, a.flags, a.mode, done),
    release: (fd: number, released) => fs.close(fd, released),
  }),

  /**
   * Closes a file descriptor. Once executing it cannot be cancelled: it
   * settles with its real outcome, so whether the number is still open is
   * never in doubt (a queued close still cancels).
   * @see IO::AIO aio_close
   */
  close: single({
    perl: 'aio_close',
    syscall: 'close',
    optsIndex: 1,
    // Invariant: close(2) releases the number even when it fails; a retry could close another file.
    settlesOnceStarted: true,
    prepare: (fd: number, _options?: RequestOptions<void>) => validateFd(fd),
    run: (fd, done: Done<void>) => fs.close(fd, done),
  }),

  /**
   * Reads `length` bytes at file position `offset` (`null`: the current
   * position, which moves on) into `buffer` at `bufferOffset`; resolves with
   * the bytes read. `length` is at most 2 GiB - 1 and must fit the buffer
   * (`ERR_OUT_OF_RANGE` at the call); a buffer detached or shrunk while the
   * request was queued rejects with `ERR_BUFFER_OUT_OF_BOUNDS`.
   * @example const n = await aio.read(fd, 0, 4096, buf);
   * @see IO::AIO aio_read
   */
  read: single({
    perl: 'aio_read',
    syscall: 'read',
    optsIndex: 5,
    prepare: (
      fd: number,
      offset: number | null,
      length: number,
      buffer: NodeJS.ArrayBufferView,
      bufferOffset?: number,
      _options?: RequestOptions<number>,
    ) => prepareTransfer(fd, offset, length, buffer, bufferOffset),
    run: (a, done: Done<number>) => transfer(a, 'read', done),
  }),

  /**
   * Writes `length` bytes of `buffer` from `bufferOffset` at file position
   * `offset` (`null`: the current position); resolves with the bytes written.
   * Checked as `read` is.
   * @see IO::AIO aio_write
   */
  write: single({
    perl: 'aio_write',
    syscall: 'write',
    optsIndex: 5,
    prepare: (
      fd: number,
      offset: number | null,
      length: number,
      buffer: NodeJS.ArrayBufferView,
      bufferOffset?: number,
      _options?: RequestOptions<number>,
    ) => prepareTransfer(fd, offset, length, buffer, bufferOffset),
    run: (a, done: Done<number>) => transfer(a, 'write', done),
  }),

  /**
   * Flushes a file's data and metadata to its device.
   * @see IO::AIO aio_fsync
   */
  fsync: single({
    perl: 'aio_fsync',
    syscall: 'fsync',
    optsIndex: 1,
    prepare: (fd: number, _options?: RequestOptions<void>) => validateFd(fd),
    run: (fd, done: Done<void>) => fs.fsync(fd, done),
  }),

  /**
   * Flushes a file's data (and only the metadata needed to read it back).
   * @see IO::AIO aio_fdatasync
   */
  fdatasync: single({
    perl: 'aio_fdatasync',
    syscall: 'fdatasync',
    optsIndex: 1,
    prepare: (fd: number, _options?: RequestOptions<void>) => validateFd(fd),
    run: (fd, done: Done<void>) => fs.fdatasync(fd, done),
  }),
};
