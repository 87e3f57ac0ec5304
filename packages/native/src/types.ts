import type { NativeDirents } from './dirents.js';

/** Completion of most requests: `errno` is 0 or a negative errno; `value` the call's result. */
export type ResultCallback = (errno: number, value: number) => void;
/**
 * Completion of stat/lstat/fstat: the fields are `fields[base .. base + 18)`, valid only
 * during this call (build a NativeStats with `statsFrom(fields, base)` to keep them).
 */
export type StatCallback = (errno: number, fields: Float64Array, base: number) => void;
/** Completion of readdir: the entries, or undefined on error. */
export type DirCallback = (errno: number, entries: NativeDirents | undefined) => void;

/**
 * Completion of fiemap: per extent four numbers (logical offset, physical offset, length,
 * FIEMAP_EXTENT_* flags), or undefined on error.
 */
export type ExtentsCallback = (errno: number, extents: Float64Array | undefined) => void;

/** The addon's functions (src/c/binding.c). */
export interface NativeBinding {
  create(
    threads: number,
    inI32: Int32Array,
    inF64: Float64Array,
    outIds: Int32Array,
    outRes: Float64Array,
    outStat: Float64Array,
    onResults: (count: number, extras: Array<Buffer | Float64Array | undefined> | undefined) => void,
  ): object;
  submit(handle: object, count: number, paths: Uint8Array, buffers: ArrayBufferView[]): void;
  cancel(handle: object, id: number): boolean;
  setThreads(handle: object, n: number): void;
  setIdle(handle: object, maxIdle: number, idleTimeoutMs: number): void;
  counters(handle: object, out: Float64Array): void;
  close(handle: object): void;
  /** [the mapping as an ArrayBuffer, its handle for munmap], or a negative errno. */
  mmap(
    length: number,
    prot: number,
    flags: number,
    fd: number,
    offset: number,
  ): [ArrayBuffer, object] | number;
  /** Detaches the buffer and unmaps it: 0 or a negative errno. */
  munmap(buffer: ArrayBuffer, handle: object): number;
  /** Detaches the buffer and returns the moved or resized mapping, or a negative errno. */
  mremap(buffer: ArrayBuffer, handle: object, length: number, flags: number): [ArrayBuffer, object] | number;
  /** mprotect over the whole pages of [offset, offset + length): 0 or a negative errno. */
  mprotect(buffer: ArrayBuffer, offset: number, length: number, prot: number): number;
  layout: { i32PerRequest: number; f64PerRequest: number; statFields: number; chunk: number; types: number };
}

/** Pool settings, IO::AIO's names in brackets. */
export interface NativePoolOptions {
  /** Most threads running requests at once [max_parallel]; 0 pauses execution. @default 4 */
  threads?: number;
  /** Idle threads kept without a timeout [max_idle]. @default 4 */
  maxIdle?: number;
  /** Milliseconds after which idle threads beyond maxIdle exit; 0 keeps them [idle_timeout]. @default 10000 */
  idleTimeoutMs?: number;
}

/** Counts of the pool, IO::AIO's names. */
export interface NativeCounters {
  /** Requests submitted and not yet delivered (staged ones included) [nreqs]. */
  nreqs: number;
  /** Requests waiting for a thread, staged ones included [nready]. */
  nready: number;
  /** Requests running on a thread now. */
  nexecute: number;
  /** Finished requests whose callback has not run yet [npending]. */
  npending: number;
  /** Worker threads alive [nthreads]. */
  nthreads: number;
  /** Of those, idle ones. */
  nidle: number;
}

/** Access and modification times for utime requests, in seconds and nanoseconds. */
export interface NativeTimes {
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
}
