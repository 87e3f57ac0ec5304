import * as fs from 'node:fs';
import { bufferOutOfBounds } from '../errors.js';
import { type FdReservation, reservationOf, trackFd, untrackFd } from '../fd-budget.js';
import type { NativePoolLike } from '../native-pool.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import { startingFdBudget, waitForFds } from '../scheduler.js';
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
import { numberResult, voidResult } from './native-results.js';

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
export function refuseVanishedBuffer(a: Transfer, syscall: string): Error | null {
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

function openNative(
  pool: NativePoolLike,
  a: { path: string | Buffer; flags: number; mode: number },
  done: Done<number>,
  req: RunningRequest,
): boolean {
  pool.submitOpen(a.path, a.flags, a.mode, req.priority, numberResult(done, 'open', a.path));
  return true;
}

/**
 * close as IO::AIO's aio_close: the file is released on a pool thread, but the
 * number stays taken (a dead pipe end is dup2'd over it) until just before the
 * callback, so no open anywhere in the process can get it while requests
 * issued before the close may still use it.
 */
function closeNative(pool: NativePoolLike, fd: number, done: Done<void>, req: RunningRequest): boolean {
  pool.submitCloseReserved(fd, req.priority, voidResult(done, 'close'));
  return true;
}

function transferNative(
  pool: NativePoolLike,
  a: Transfer,
  syscall: 'read' | 'write',
  done: Done<number>,
  req: RunningRequest,
) {
  const vanished = refuseVanishedBuffer(a, syscall);
  if (vanished !== null) {
    later(done, vanished);
    return true;
  }
  const position = a.position === null ? -1 : a.position;
  const submit = syscall === 'read' ? pool.submitRead : pool.submitWrite;
  submit.call(
    pool,
    a.fd,
    a.buffer,
    a.bufferOffset,
    a.length,
    position,
    req.priority,
    numberResult(done, syscall),
  );
  return true;
}

function readNative(pool: NativePoolLike, a: Transfer, done: Done<number>, req: RunningRequest): boolean {
  return transferNative(pool, a, 'read', done, req);
}

function writeNative(pool: NativePoolLike, a: Transfer, done: Done<number>, req: RunningRequest): boolean {
  return transferNative(pool, a, 'write', done, req);
}

function fsyncNative(pool: NativePoolLike, fd: number, done: Done<void>, req: RunningRequest): boolean {
  pool.submitFsync(fd, req.priority, voidResult(done, 'fsync'));
  return true;
}

function fdatasyncNative(pool: NativePoolLike, fd: number, done: Done<void>, req: RunningRequest): boolean {
  pool.submitFdatasync(fd, req.priority, voidResult(done, 'fdatasync'));
  return true;
}

/** What an open runs with, checked. */
export interface OpenArgs {
  path: string | Buffer;
  flags: number;
  mode: number;
  /** A composite's set-aside descriptors (see FdReservation), passed under a symbol in the options. */
  reservation: FdReservation | null;
}

/**
 * Runs an open once its descriptor is counted in the context's budget: it
 * takes a unit as it starts (a composite's first open takes all it set
 * aside; its later ones spend those), waiting parked while too few are free.
 * A failed open gives its unit back; an fd it returns stays counted until it
 * is closed through ioaio or released with releaseFd.
 */
function openCounted(
  a: OpenArgs,
  done: Done<number>,
  req: RunningRequest,
  open: (d: Done<number>) => void,
): void {
  const budget = startingFdBudget();
  if (budget === null) return open(done);
  const reservation = a.reservation;
  const counted: Done<number> = (err, fd) => {
    if (err === null && fd !== undefined) trackFd(budget, fd);
    else if (reservation === null || !reservation.refund(budget)) budget.give(1);
    done(err, fd);
  };
  if (reservation?.spend(budget) === true) return open(counted);
  const first = reservation !== null && !reservation.isFilled;
  const proceed = (): void => {
    if (first) reservation.filled(budget);
    open(counted);
  };
  // A request cancelled while parked opened nothing and took nothing: it ends without a value.
  waitForFds(req as RunningRequest & { cancel(): void }, budget, first ? reservation.units : 1, proceed, () =>
    done(null),
  );
}

/** A close's completion: the descriptor is gone whatever close(2) said, so its unit goes back. */
function uncounting(fd: number, done: Done<void>): Done<void> {
  return (err) => {
    untrackFd(fd);
    done(err);
  };
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
    ): OpenArgs => ({
      path: validatePath(path),
      flags: validateOpenFlags(flags),
      mode: validateMode(mode, 'mode', 0o666),
      reservation: reservationOf(_options),
    }),
    run: (a, done: Done<number>, req) =>
      openCounted(a, done, req, (counted) => fs.open(a.path, a.flags, a.mode, counted)),
    native: (pool, a, done, req) => {
      openCounted(a, done, req, (counted) => openNative(pool, a, counted, req));
      return true;
    },
    release: (fd: number, released) => fs.close(fd, uncounting(fd, released)),
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
    run: (fd, done: Done<void>) => fs.close(fd, uncounting(fd, done)),
    native: (pool, fd, done, req) => closeNative(pool, fd, uncounting(fd, done), req),
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
    native: readNative,
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
    native: writeNative,
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
    native: fsyncNative,
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
    native: fdatasyncNative,
  }),
};
