import { kBackendVariable } from './backend-select.js';
import { invalidArgType, outOfRange, systemError } from './errors.js';
import { type NativePoolLike, nativePool } from './native-pool.js';
import { validateInteger, validateLength } from './validate.js';

/** Memory protection of a mapping (mmap's `prot`), as Linux numbers it. */
export const PROT_NONE = 0;
/** Pages may be read. */
export const PROT_READ = 1;
/** Pages may be written. */
export const PROT_WRITE = 2;
/** Pages may be executed. */
export const PROT_EXEC = 4;
/** Writes reach the file and other mappings of it. */
export const MAP_SHARED = 0x01;
/** Copy-on-write: writes stay in this mapping. */
export const MAP_PRIVATE = 0x02;
/** Memory without a file (`fd` -1). */
export const MAP_ANONYMOUS = 0x20;
/** Pages locked in memory as they are mapped (needs the RLIMIT_MEMLOCK or privilege). */
export const MAP_LOCKED = 0x2000;
/** Pages faulted in (read ahead) as they are mapped. */
export const MAP_POPULATE = 0x8000;
/** mremap may move the mapping to a new address. */
export const MREMAP_MAYMOVE = 1;
/** msync: schedule the write-back and return. */
export const MS_ASYNC = 1;
/** msync: drop other cached copies of the pages. */
export const MS_INVALIDATE = 2;
/** msync: write the pages back before settling (msync's default here, as IO::AIO's). */
export const MS_SYNC = 4;
/** mtouch: write each page too, making it dirty. @see IO::AIO MT_MODIFY */
export const MT_MODIFY = 1;
/** madvise: no special treatment. */
export const MADV_NORMAL = 0;
/** madvise: expect random access (less read-ahead). */
export const MADV_RANDOM = 1;
/** madvise: expect sequential access (more read-ahead). */
export const MADV_SEQUENTIAL = 2;
/** madvise: read the pages in soon. */
export const MADV_WILLNEED = 3;
/** madvise: the pages are not needed now; a file mapping reads them again on next access. */
export const MADV_DONTNEED = 4;

const kInt32Max = 2 ** 31 - 1;

/**
 * The pool the synchronous helpers run on: none where contexts run on
 * node:fs by choice (IOAIO_BACKEND=fs) or the addon cannot load, and then
 * they throw ENOSYS, as the requests on that backend reject.
 */
function mappingPool(syscall: string): NativePoolLike {
  const pool = process.env[kBackendVariable] === 'fs' ? null : nativePool();
  if (pool === null) throw systemError('ENOSYS', syscall);
  return pool;
}

function validateMapping(value: unknown): ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  throw invalidArgType('buffer', 'an instance of ArrayBuffer', value);
}

/**
 * Maps a file or anonymous memory (mmap(2)), synchronously, and returns it
 * as an ArrayBuffer over the mapped pages; collecting the buffer unmaps
 * them. `prot` is PROT_* bits, `flags` MAP_* bits; `fd` -1 with
 * MAP_ANONYMOUS. The buffer is what msync, mtouch, mlock, munlock and
 * madvise work on. Throws the error node:fs would give for a failed call
 * (`syscall: 'mmap'`), and ENOSYS on the node:fs backend or without the
 * native addon.
 * @example
 * import { mmap, MAP_SHARED, PROT_READ, PROT_WRITE } from '@ioaio/core';
 * const map = mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
 * new Uint8Array(map)[0] = 42; // written into the file's page
 * @see IO::AIO IO::AIO::mmap
 */
export function mmap(length: number, prot: number, flags: number, fd = -1, offset = 0): ArrayBuffer {
  const len = validateInteger(length, 'length', 1, Number.MAX_SAFE_INTEGER);
  const p = validateInteger(prot, 'prot', 0, kInt32Max);
  const f = validateInteger(flags, 'flags', 0, kInt32Max);
  const file = validateInteger(fd, 'fd', -1, kInt32Max);
  const at = validateLength(offset, 'offset');
  return mappingPool('mmap').mmap(len, p, f, file, at);
}

/**
 * Unmaps a buffer `mmap` returned (munmap(2)), at once rather than when it
 * is collected: the buffer is detached (its byteLength becomes 0). Throws
 * EBUSY while a request on it has not settled, and ENOSYS where `mmap`
 * does.
 * @example munmap(map);
 * @see IO::AIO IO::AIO::munmap
 */
export function munmap(buffer: ArrayBuffer): void {
  const mapping = validateMapping(buffer);
  mappingPool('munmap').munmap(mapping);
}

/**
 * Changes the protection of the whole pages of `[offset, offset + length)`
 * of a mapping (mprotect(2)), synchronously. JavaScript that then touches a
 * page it may not access ends the process with SIGSEGV, as in Perl. Throws
 * EBUSY while a request on the buffer has not settled, and ENOSYS where the
 * native pool has no mprotect (and where `mmap` does).
 * @example mprotect(map, 0, map.byteLength, PROT_READ); // read-only from now on
 * @see IO::AIO IO::AIO::mprotect
 */
export function mprotect(buffer: ArrayBuffer, offset: number, length: number, prot: number): void {
  const mapping = validateMapping(buffer);
  const at = validateLength(offset, 'offset');
  const len = validateLength(length, 'length');
  const p = validateInteger(prot, 'prot', 0, kInt32Max);
  if (at > mapping.byteLength) throw outOfRange('offset', `<= ${mapping.byteLength}`, at);
  if (len > mapping.byteLength - at) throw outOfRange('length', `<= ${mapping.byteLength - at}`, len);
  const pool = mappingPool('mprotect');
  if (pool.mprotect === undefined) throw systemError('ENOSYS', 'mprotect');
  pool.mprotect(mapping, at, len, p);
}

/**
 * Resizes a mapping (mremap(2)), synchronously: returns the buffer over the
 * new mapping and detaches the old one (on failure the old one is kept).
 * `flags` MREMAP_MAYMOVE (1, the default) lets it move, 0 keeps it in place
 * (ENOMEM when it cannot grow there). Throws EBUSY while a request on the
 * buffer has not settled, and ENOSYS where the native pool has no mremap
 * (and where `mmap` does).
 * @example map = mremap(map, 8192);
 * @see IO::AIO IO::AIO::mremap
 */
export function mremap(buffer: ArrayBuffer, length: number, flags = MREMAP_MAYMOVE): ArrayBuffer {
  const mapping = validateMapping(buffer);
  const len = validateInteger(length, 'length', 1, Number.MAX_SAFE_INTEGER);
  const f = validateInteger(flags, 'flags', 0, MREMAP_MAYMOVE);
  const pool = mappingPool('mremap');
  if (pool.mremap === undefined) throw systemError('ENOSYS', 'mremap');
  return pool.mremap(mapping, len, f);
}
