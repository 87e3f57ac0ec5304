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

/** Unmaps a buffer mmap made, detaching it; refused while requests on it are out. */
export function unmapMemory(native: NativeBinding, buffer: ArrayBuffer): void {
  const m = mappings.get(buffer);
  if (m === undefined)
    throw nativeInvalidArgValue('buffer', buffer, 'must be a mapping made by mmap and not unmapped');
  if (m.inflight > 0) throw nativeError(kEBUSY, 'munmap');
  mappings.delete(buffer);
  const rc = native.munmap(buffer, m.handle);
  if (rc < 0) throw nativeError(rc, 'munmap');
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
