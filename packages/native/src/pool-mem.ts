import { checkInt32, checkRange } from './checks.js';
import type { RequestEngine } from './engine.js';
import { nativeInvalidArgType, nativeOutOfRange } from './errors.js';
import {
  mapMemory,
  protectMemory,
  remapMemory,
  trackMapping,
  unmapMemory,
  untrackMapping,
} from './mapping.js';
import { kOp } from './ops.js';
import type { ResultCallback } from './types.js';

/** The bytes of an ArrayBuffer or a view, as a Uint8Array over the same memory. */
function bytesOf(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw nativeInvalidArgType('buffer', 'an instance of ArrayBuffer, Buffer or TypedArray', buffer);
}

function checkSize(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw nativeOutOfRange(name, `>= ${min} and <= 2 ** 53 - 1`, value);
  return value;
}

/**
 * Memory mappings and the requests on caller memory (IO::AIO's mmap helper, aio_msync,
 * aio_mtouch, aio_mlock...), as a base of NativePool: it reaches the staging engine
 * through `engine`.
 */
export abstract class MemoryRequests {
  /** The staging engine of the pool. @internal */
  protected abstract readonly engine: RequestEngine;

  /**
   * mmap(2), synchronously on the calling thread: the mapping as an ArrayBuffer whose
   * collection unmaps it. prot and flags are kMmap's numbers (PROT_*, MAP_*); fd -1 with
   * MAP_ANONYMOUS. Throws the fs-shaped error of a failed mmap (syscall 'mmap').
   * @see IO::AIO IO::AIO::mmap
   * @example const map = pool.mmap(4096, kMmap.protRead | kMmap.protWrite, kMmap.mapShared, fd, 0);
   */
  mmap(length: number, prot: number, flags: number, fd = -1, offset = 0): ArrayBuffer {
    const len = checkSize('length', length, 1);
    const at = checkSize('offset', offset, 0);
    if ((fd | 0) !== fd || fd < -1) throw nativeOutOfRange('fd', '>= -1 and <= 2147483647', fd);
    return mapMemory(this.engine.binding, len, checkInt32('prot', prot), checkInt32('flags', flags), fd, at);
  }

  /**
   * munmap(2) of a buffer mmap made: the buffer is detached first (its byteLength becomes
   * 0, so nothing can touch the pages after), and never unmapped twice. Throws EBUSY while
   * a request on it has not called back. @see IO::AIO IO::AIO::munmap
   */
  munmap(buffer: ArrayBuffer): void {
    unmapMemory(this.engine.binding, buffer);
  }

  /**
   * mremap(2) of a buffer mmap made, synchronously: the old buffer is detached and the
   * resized (and, with MREMAP_MAYMOVE, possibly moved) mapping is returned as a new
   * ArrayBuffer. flags: 0, or MREMAP_MAYMOVE (1, the default); others are refused (they
   * would keep or place memory this buffer could not own). On failure the old buffer is
   * untouched. Throws EBUSY while a request on it has not called back.
   * @see IO::AIO IO::AIO::mremap
   */
  mremap(buffer: ArrayBuffer, newLength: number, flags = 1): ArrayBuffer {
    const len = checkSize('newLength', newLength, 1);
    if (flags !== 0 && flags !== 1) throw nativeOutOfRange('flags', '0 or 1 (MREMAP_MAYMOVE)', flags);
    return remapMemory(this.engine.binding, buffer, len, flags);
  }

  /**
   * mprotect(2) over the whole pages of [offset, offset + length) of a buffer mmap made,
   * synchronously. JavaScript that then touches a page it may not access ends the process
   * with SIGSEGV, as Perl does. @see IO::AIO IO::AIO::mprotect
   */
  mprotect(buffer: ArrayBuffer, offset: number, length: number, prot: number): void {
    if (!(buffer instanceof ArrayBuffer))
      throw nativeInvalidArgType('buffer', 'an instance of ArrayBuffer', buffer);
    checkRange(new Uint8Array(buffer), offset, length);
    protectMemory(this.engine.binding, buffer, offset, length, checkInt32('prot', prot));
  }

  /**
   * msync(2) over [offset, offset + length) of the buffer, widened to whole pages; flags
   * MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4. @see IO::AIO aio_msync
   */
  submitMsync(
    buffer: ArrayBuffer | ArrayBufferView,
    offset: number,
    length: number,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#memory(kOp.msync, buffer, offset, length, checkInt32('flags', flags), priority, cb);
  }
  /**
   * Touches every page of [offset, offset + length) on a worker, so later access does not
   * fault; flags MT_MODIFY (1) dirties each page too, without changing a byte.
   * @see IO::AIO aio_mtouch
   */
  submitMtouch(
    buffer: ArrayBuffer | ArrayBufferView,
    offset: number,
    length: number,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#memory(kOp.mtouch, buffer, offset, length, checkInt32('flags', flags), priority, cb);
  }
  /** mlock(2) of the pages of [offset, offset + length). @see IO::AIO aio_mlock */
  submitMlock(
    buffer: ArrayBuffer | ArrayBufferView,
    offset: number,
    length: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#memory(kOp.mlock, buffer, offset, length, 0, priority, cb);
  }
  /** munlock(2) of the pages of [offset, offset + length). @see IO::AIO IO::AIO::munlock */
  submitMunlock(
    buffer: ArrayBuffer | ArrayBufferView,
    offset: number,
    length: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#memory(kOp.munlock, buffer, offset, length, 0, priority, cb);
  }
  /** madvise(2) over the pages of [offset, offset + length) (kMmap.madv*). @see IO::AIO IO::AIO::madvise */
  submitMadvise(
    buffer: ArrayBuffer | ArrayBufferView,
    offset: number,
    length: number,
    advice: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#memory(kOp.madvise, buffer, offset, length, checkInt32('advice', advice), priority, cb);
  }

  #memory(
    type: number,
    buffer: ArrayBuffer | ArrayBufferView,
    offset: number,
    length: number,
    int1: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const view = bytesOf(buffer);
    if (typeof cb !== 'function') throw nativeInvalidArgType('cb', 'of type function', cb);
    const tracked = trackMapping(view.buffer, cb);
    try {
      return this.engine.memoryRequest(type, view, offset, length, int1, priority, tracked);
    } catch (error) {
      untrackMapping(view.buffer); // refused before it was queued: no callback will come
      throw error;
    }
  }
}
