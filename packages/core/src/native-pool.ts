import { createRequire } from 'node:module';
import type { Done, RunningRequest } from './request.js';

/** Which engine runs a context's requests: the native pool, or `node:fs` on libuv's pool. */
export type BackendName = 'native' | 'fs';

/** Completion of a native request: `errno` 0 or negative; `value` the call's result. */
export type NativeResultCallback = (errno: number, value: number) => void;
/** Completion of a native stat: fields at `fields[base .. base + 18)`, valid during the call only. */
export type NativeStatCallback = (errno: number, fields: Float64Array, base: number) => void;
/** A directory as the pool lists it: names, d_type bytes and inode numbers, kernel order. */
export interface NativeDirents {
  names: string[];
  types: Uint8Array;
  inos: Float64Array;
}
/** Completion of a native readdir. */
export type NativeDirCallback = (errno: number, entries: NativeDirents | undefined) => void;
/** Times of a native utime, seconds and nanoseconds apart. */
export interface NativeTimes {
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
}

type P = string | Uint8Array;

/**
 * What the engine uses of `@ioaio/native`'s pool. Structural, so the core
 * type-checks and runs without that optional package; every method returns
 * the request's id and calls back once, on the main thread.
 */
export interface NativePoolLike {
  threads: number;
  setIdle(maxIdle: number, idleTimeoutMs: number): void;
  counters(): { nthreads: number; nidle: number; nready: number; nexecute: number; npending: number };
  submitNop(pri: number, cb: NativeResultCallback): number;
  submitStat(path: P, pri: number, cb: NativeStatCallback): number;
  submitLstat(path: P, pri: number, cb: NativeStatCallback): number;
  submitFstat(fd: number, pri: number, cb: NativeStatCallback): number;
  submitOpen(path: P, flags: number, mode: number, pri: number, cb: NativeResultCallback): number;
  submitClose(fd: number, pri: number, cb: NativeResultCallback): number;
  submitRead(
    fd: number,
    buf: ArrayBufferView,
    off: number,
    len: number,
    pos: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitWrite(
    fd: number,
    buf: ArrayBufferView,
    off: number,
    len: number,
    pos: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitReaddir(path: P, pri: number, cb: NativeDirCallback): number;
  submitSeek(fd: number, offset: number, whence: number, pri: number, cb: NativeResultCallback): number;
  submitFallocate(
    fd: number,
    mode: number,
    offset: number,
    length: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitRename2(from: P, to: P, flags: number, pri: number, cb: NativeResultCallback): number;
  submitSync(pri: number, cb: NativeResultCallback): number;
  submitSyncfs(fd: number, pri: number, cb: NativeResultCallback): number;
  submitFsync(fd: number, pri: number, cb: NativeResultCallback): number;
  submitFdatasync(fd: number, pri: number, cb: NativeResultCallback): number;
  submitSyncFileRange(
    fd: number,
    offset: number,
    nbytes: number,
    flags: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitReadahead(fd: number, offset: number, length: number, pri: number, cb: NativeResultCallback): number;
  submitSendfile(
    outFd: number,
    inFd: number,
    inOffset: number,
    length: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitUtime(path: P, times: NativeTimes, flags: number, pri: number, cb: NativeResultCallback): number;
  submitFutime(fd: number, times: NativeTimes, pri: number, cb: NativeResultCallback): number;
  submitMknod(path: P, mode: number, dev: number, pri: number, cb: NativeResultCallback): number;
  submitUnlink(path: P, pri: number, cb: NativeResultCallback): number;
  submitMkdir(path: P, mode: number, pri: number, cb: NativeResultCallback): number;
  submitRmdir(path: P, pri: number, cb: NativeResultCallback): number;
}

interface NativeModule {
  loadNativePool(options?: { threads?: number }): NativePoolLike | { unavailable: string };
}

/** Threads of the process's native pool at start (IO::AIO starts with 4 as well). */
export const kDefaultThreads = 4;

let pool: NativePoolLike | null = null;
let unavailableReason: string | null = null;

/** Loads `@ioaio/native` and starts its pool, once per process (per worker thread). */
function load(): void {
  if (pool !== null || unavailableReason !== null) return;
  let native: NativeModule;
  try {
    // Platform: an optional dependency; when it is missing the engine runs on node:fs.
    native = createRequire(import.meta.url)('@ioaio/native') as NativeModule;
  } catch (error) {
    unavailableReason = `@ioaio/native is not installed (${(error as NodeJS.ErrnoException).code ?? 'load failed'})`;
    return;
  }
  const made = native.loadNativePool({ threads: kDefaultThreads });
  if ('unavailable' in made) unavailableReason = made.unavailable;
  else pool = made;
}

/** The process's native pool, or null when it cannot run here (see {@link nativeUnavailableReason}). */
export function nativePool(): NativePoolLike | null {
  load();
  return pool;
}

/** Why the native pool cannot run here, or null when it can. */
export function nativeUnavailableReason(): string | null {
  load();
  return unavailableReason;
}

/**
 * How one operation runs on the native pool: submits it and returns true, or
 * returns false for arguments the pool does not take (the request then runs
 * on `node:fs`, as on that backend).
 */
export type NativeRunner<A, T> = (
  pool: NativePoolLike,
  args: A,
  done: Done<T>,
  req: RunningRequest,
) => boolean;
