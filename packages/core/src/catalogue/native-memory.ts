import { bufferOutOfBounds, invalidArgType, outOfRange, systemError } from '../errors.js';
import type { NativePoolLike, NativeResultCallback } from '../native-pool.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import { validateInteger, validateLength } from '../validate.js';
import { voidResult } from './native-results.js';

type Opts = RequestOptions<void>;

/** Memory a request works on: a mapping `mmap` returned, or any view of memory. */
export type MemoryLike = ArrayBuffer | ArrayBufferView;

/** What a request on memory runs with, checked: `[offset, offset + length)` of `buffer`. */
export interface MemoryRange {
  buffer: MemoryLike;
  offset: number;
  length: number;
  /** The request's flags or advice. */
  flags: number;
}

/** Bytes the memory holds now: 0 once detached (munmap'd or transferred; a DataView's getter throws then). */
function bytesNow(buffer: MemoryLike): number {
  try {
    return buffer.byteLength;
  } catch {
    return 0;
  }
}

function validateMemory(value: unknown): MemoryLike {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  throw invalidArgType('buffer', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', value);
}

/**
 * Checks a range of memory as IO::AIO takes it: `offset` from 0, `length`
 * null (or left out) for the rest of the buffer; the range must lie inside.
 */
function prepareRange(buffer: unknown, offset: unknown, length: unknown, flags: number): MemoryRange {
  const memory = validateMemory(buffer);
  const size = bytesNow(memory);
  const at = offset === undefined ? 0 : validateLength(offset, 'offset');
  if (at > size) throw outOfRange('offset', `<= ${size}`, at);
  const count = length === undefined || length === null ? size - at : validateLength(length, 'length');
  if (count > size - at) throw outOfRange('length', `<= ${size - at}`, count);
  return { buffer: memory, offset: at, length: count, flags };
}

/** node:fs has no memory mappings: on that backend these reject with ENOSYS, never faked. */
function enosys(syscall: string): (args: MemoryRange, done: Done<void>) => void {
  return (_args, done) => later(done, systemError('ENOSYS', syscall));
}

type Submit = (pool: NativePoolLike, a: MemoryRange, pri: number, cb: NativeResultCallback) => number;

/**
 * How a memory request runs on the pool. The buffer may have been unmapped
 * or detached while the request was queued in the context: checked again as
 * it starts, so the caller gets a coded error instead of the pool's refusal.
 */
function onPool(syscall: string, submit: Submit) {
  return (pool: NativePoolLike, a: MemoryRange, done: Done<void>, req: RunningRequest): boolean => {
    const available = bytesNow(a.buffer);
    if (a.offset + a.length > available) {
      later(done, bufferOutOfBounds(syscall, a.offset + a.length, available));
      return true;
    }
    submit(pool, a, req.priority, voidResult(done, syscall));
    return true;
  };
}

const kInt32Max = 2 ** 31 - 1;

/**
 * Requests on memory: mappings made by `mmap` (or any buffer), on the
 * native backend only; on node:fs they reject with ENOSYS. The pages of
 * `[offset, offset + length)` are widened to whole pages by the kernel call.
 */
export const memoryOperations = {
  /**
   * Writes the dirty pages of a file mapping back to the file (msync(2));
   * `flags` MS_ASYNC (1), MS_INVALIDATE (2), MS_SYNC (4, the default). `length`
   * null means to the end of the buffer. Native backend only.
   * @example
   * const map = mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
   * new Uint8Array(map).set(bytes);
   * await aio.msync(map, 0, null, MS_SYNC);
   * @see IO::AIO aio_msync
   */
  msync: single({
    perl: 'aio_msync',
    syscall: 'msync',
    optsIndex: 4,
    prepare: (buffer: MemoryLike, offset?: number, length?: number | null, flags?: number, _options?: Opts) =>
      prepareRange(buffer, offset, length, flags === undefined ? 4 : validateInteger(flags, 'flags', 0, 7)),
    run: enosys('msync'),
    native: onPool('msync', (pool, a, pri, cb) =>
      pool.submitMsync(a.buffer, a.offset, a.length, a.flags, pri, cb),
    ),
  }),

  /**
   * Touches every page of the range on a pool thread, so later access from
   * JavaScript does not fault; `flags` MT_MODIFY (1) writes each page too
   * (without changing a byte), making them dirty. Native backend only.
   * @example await aio.mtouch(map, 0, null, 0); // pages now resident
   * @see IO::AIO aio_mtouch
   */
  mtouch: single({
    perl: 'aio_mtouch',
    syscall: 'mtouch',
    optsIndex: 4,
    prepare: (buffer: MemoryLike, offset?: number, length?: number | null, flags?: number, _options?: Opts) =>
      prepareRange(buffer, offset, length, flags === undefined ? 0 : validateInteger(flags, 'flags', 0, 1)),
    run: enosys('mtouch'),
    native: onPool('mtouch', (pool, a, pri, cb) =>
      pool.submitMtouch(a.buffer, a.offset, a.length, a.flags, pri, cb),
    ),
  }),

  /**
   * Locks the pages of the range in memory (mlock(2)): they are faulted in
   * and stay resident until munlock or munmap. Native backend only.
   * @example await aio.mlock(map); // the whole mapping
   * @see IO::AIO aio_mlock
   */
  mlock: single({
    perl: 'aio_mlock',
    syscall: 'mlock',
    optsIndex: 3,
    prepare: (buffer: MemoryLike, offset?: number, length?: number | null, _options?: Opts) =>
      prepareRange(buffer, offset, length, 0),
    run: enosys('mlock'),
    native: onPool('mlock', (pool, a, pri, cb) => pool.submitMlock(a.buffer, a.offset, a.length, pri, cb)),
  }),

  /**
   * Unlocks the pages of the range (munlock(2)). A request here; IO::AIO's
   * munlock is a synchronous call. Native backend only.
   * @example await aio.munlock(map);
   * @see IO::AIO IO::AIO::munlock
   */
  munlock: single({
    perl: 'IO::AIO::munlock',
    syscall: 'munlock',
    optsIndex: 3,
    prepare: (buffer: MemoryLike, offset?: number, length?: number | null, _options?: Opts) =>
      prepareRange(buffer, offset, length, 0),
    run: enosys('munlock'),
    native: onPool('munlock', (pool, a, pri, cb) =>
      pool.submitMunlock(a.buffer, a.offset, a.length, pri, cb),
    ),
  }),

  /**
   * Advises the kernel how the range will be used (madvise(2)): MADV_NORMAL
   * (0), MADV_RANDOM (1), MADV_SEQUENTIAL (2), MADV_WILLNEED (3), MADV_DONTNEED
   * (4) and Linux's others. A request here; IO::AIO's madvise is a
   * synchronous call. Native backend only.
   * @example await aio.madvise(map, 0, null, MADV_DONTNEED);
   * @see IO::AIO IO::AIO::madvise
   */
  madvise: single({
    perl: 'IO::AIO::madvise',
    syscall: 'madvise',
    optsIndex: 4,
    prepare: (buffer: MemoryLike, offset: number, length: number | null, advice: number, _options?: Opts) =>
      prepareRange(buffer, offset, length, validateInteger(advice, 'advice', 0, kInt32Max)),
    run: enosys('madvise'),
    native: onPool('madvise', (pool, a, pri, cb) =>
      pool.submitMadvise(a.buffer, a.offset, a.length, a.flags, pri, cb),
    ),
  }),
};
