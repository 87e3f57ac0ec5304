import { nativeError, nativeInvalidArgValue } from './errors.js';
import type { NativeBinding, ResultCallback } from './types.js';

const kEBUSY = -16;

/** A live mapping made by mmap: its handle for munmap and the requests on it still out. */
interface Mapping {
  handle: object;
  inflight: number;
}

/** Invariant: an entry exists exactly while its buffer is mapped and not yet munmap'd. */
const mappings = new WeakMap<ArrayBuffer, Mapping>();

/** Maps memory (mmap(2)) and returns it as an ArrayBuffer, unmapped when collected. */
export function mapMemory(
  native: NativeBinding,
  length: number,
  prot: number,
  flags: number,
  fd: number,
  offset: number,
): ArrayBuffer {
  const made = native.mmap(length, prot, flags, fd, offset);
  if (typeof made === 'number') throw nativeError(made, 'mmap');
  const [buffer, handle] = made;
  mappings.set(buffer, { handle, inflight: 0 });
  return buffer;
}

/** The live mapping of `buffer`, for a call that must not race a request on it. */
function idleMapping(buffer: ArrayBuffer, syscall: string): Mapping {
  const m = mappings.get(buffer);
  if (m === undefined)
    throw nativeInvalidArgValue('buffer', buffer, 'must be a mapping made by mmap and not unmapped');
  if (m.inflight > 0) throw nativeError(kEBUSY, syscall);
  return m;
}

/** Unmaps a buffer mmap made, detaching it; refused while requests on it are out. */
export function unmapMemory(native: NativeBinding, buffer: ArrayBuffer): void {
  const m = idleMapping(buffer, 'munmap');
  mappings.delete(buffer);
  const rc = native.munmap(buffer, m.handle);
  if (rc < 0) throw nativeError(rc, 'munmap');
}

/** Resizes or moves a mapping: the old buffer is detached, the new one returned. */
export function remapMemory(
  native: NativeBinding,
  buffer: ArrayBuffer,
  length: number,
  flags: number,
): ArrayBuffer {
  const m = idleMapping(buffer, 'mremap');
  const made = native.mremap(buffer, m.handle, length, flags);
  if (typeof made === 'number') throw nativeError(made, 'mremap');
  mappings.delete(buffer);
  const [moved, handle] = made;
  mappings.set(moved, { handle, inflight: 0 });
  return moved;
}

/** Changes the protection of whole pages of a mapping. */
export function protectMemory(
  native: NativeBinding,
  buffer: ArrayBuffer,
  offset: number,
  length: number,
  prot: number,
): void {
  idleMapping(buffer, 'mprotect');
  const rc = native.mprotect(buffer, offset, length, prot);
  if (rc < 0) throw nativeError(rc, 'mprotect');
}

/**
 * Counts a request on `buffer` when it is a mapping, so munmap waits for its callback:
 * returns the callback to hand to the pool.
 */
export function trackMapping(buffer: ArrayBufferLike, cb: ResultCallback): ResultCallback {
  const m = mappings.get(buffer as ArrayBuffer);
  if (m === undefined) return cb;
  m.inflight++;
  return (errno, value) => {
    m.inflight--;
    cb(errno, value);
  };
}

/** Undoes trackMapping for a request that was refused before it was queued. */
export function untrackMapping(buffer: ArrayBufferLike): void {
  const m = mappings.get(buffer as ArrayBuffer);
  if (m !== undefined) m.inflight--;
}
