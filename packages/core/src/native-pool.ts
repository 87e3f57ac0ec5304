import { createRequire } from 'node:module';
import { backendUnavailable, invalidArgType, outOfRange } from './errors.js';
import type { Done, RunningRequest } from './request.js';
import { validateInteger } from './validate.js';

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
  submitReaddir(path: P, pri: number, cb: NativeDirCallback, encoding?: 'utf8' | 'latin1'): number;
  submitUnlinkAt(dirfd: number, path: P, flags: number, pri: number, cb: NativeResultCallback): number;
  submitReaddirChecked(
    path: P,
    nofollow: boolean,
    parentDev: number,
    parentIno: number,
    pri: number,
    cb: NativeDirCallback,
    encoding?: 'utf8' | 'latin1',
  ): number;
  submitSeek(fd: number, offset: number, whence: number, pri: number, cb: NativeResultCallback): number;
  submitCopyRange(
    inFd: number,
    inOffset: number,
    outFd: number,
    outOffset: number,
    length: number,
    flags: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
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
  submitFiemap(
    fd: number,
    start: number,
    length: number,
    flags: number,
    count: number,
    pri: number,
    cb: (errno: number, extents: Float64Array | undefined) => void,
  ): number;
  submitCloseReserved(fd: number, pri: number, cb: NativeResultCallback): number;
  submitFcntl(fd: number, cmd: number, arg: number, pri: number, cb: NativeResultCallback): number;
  submitIoctl(fd: number, request: number, arg: number, pri: number, cb: NativeResultCallback): number;
  submitFadvise(
    fd: number,
    offset: number,
    length: number,
    advice: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitSplice(
    inFd: number,
    inOffset: number,
    outFd: number,
    outOffset: number,
    length: number,
    flags: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitTee(
    inFd: number,
    outFd: number,
    length: number,
    flags: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitMlockall(flags: number, pri: number, cb: NativeResultCallback): number;
  submitMunlockall(pri: number, cb: NativeResultCallback): number;
  submitMinFdlimit(n: number, pri: number, cb: NativeResultCallback): number;
  submitMsync(
    buf: ArrayBuffer | ArrayBufferView,
    off: number,
    len: number,
    flags: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitMtouch(
    buf: ArrayBuffer | ArrayBufferView,
    off: number,
    len: number,
    flags: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitMlock(
    buf: ArrayBuffer | ArrayBufferView,
    off: number,
    len: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitMunlock(
    buf: ArrayBuffer | ArrayBufferView,
    off: number,
    len: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  submitMadvise(
    buf: ArrayBuffer | ArrayBufferView,
    off: number,
    len: number,
    advice: number,
    pri: number,
    cb: NativeResultCallback,
  ): number;
  /** mmap(2) on the calling thread; throws the fs-shaped error of a failed call. */
  mmap(length: number, prot: number, flags: number, fd: number, offset: number): ArrayBuffer;
  /** munmap(2) of a buffer `mmap` made, detaching it. */
  munmap(buffer: ArrayBuffer): void;
  /** mprotect(2) of a buffer `mmap` made; absent from pools that lack it. */
  mprotect?(buffer: ArrayBuffer, offset: number, length: number, prot: number): void;
  /** mremap(2) of a buffer `mmap` made: the new mapping (the old buffer is detached); may be absent. */
  mremap?(buffer: ArrayBuffer, length: number, flags: number): ArrayBuffer;
}

interface NativeModule {
  loadNativePool(options?: { threads?: number }): NativePoolLike | { unavailable: string };
}

/** Threads of the process's native pool at start (IO::AIO starts with 4 as well). */
const kDefaultThreads = 4;

let loadedPool: NativePoolLike | null = null;
let unavailableReason: string | null = null;

/** Loads `@ioaio/native` and starts its pool, once per process (per worker thread). */
function load(): void {
  if (loadedPool !== null || unavailableReason !== null) return;
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
  else loadedPool = made;
}

/** The process's native pool, or null when it cannot run here (see {@link nativeUnavailableReason}). */
export function nativePool(): NativePoolLike | null {
  load();
  return loadedPool;
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

function poolOrThrow(): NativePoolLike {
  const p = nativePool();
  if (p === null) throw backendUnavailable(unavailableReason ?? 'unknown');
  return p;
}

/**
 * The process's native pool: IO::AIO's pool controls, shared by every
 * context on the native backend (a worker thread has its own pool). Setting
 * one where the native backend cannot run throws `ERR_AIO_BACKEND_UNAVAILABLE`.
 * @example
 * import { pool } from '@ioaio/core';
 * if (pool.available) pool.threads = 8; // IO::AIO::max_parallel 8
 */
export class NativePoolControls {
  #maxIdle = 4;
  #idleTimeout = 10;

  /** True when the native backend can run in this process. */
  get available(): boolean {
    return nativePool() !== null;
  }

  /** Why it cannot, in one line; null when it can. */
  get unavailableReason(): string | null {
    return nativeUnavailableReason();
  }

  /** Most threads running requests at once; 0 pauses the pool. 0..1024. @see IO::AIO max_parallel */
  get threads(): number {
    return nativePool()?.threads ?? 0;
  }

  set threads(n: number) {
    const p = poolOrThrow();
    p.threads = validateInteger(n, 'threads', 0, 1024);
  }

  /** Idle threads kept without a timeout. @default 4 @see IO::AIO max_idle */
  get maxIdle(): number {
    return this.#maxIdle;
  }

  set maxIdle(n: number) {
    const p = poolOrThrow();
    this.#maxIdle = validateInteger(n, 'maxIdle', 0, 1024);
    p.setIdle(this.#maxIdle, this.#idleTimeout * 1000);
  }

  /** Seconds after which idle threads beyond maxIdle exit; 0 keeps them. @default 10 @see IO::AIO idle_timeout */
  get idleTimeout(): number {
    return this.#idleTimeout;
  }

  set idleTimeout(seconds: number) {
    const p = poolOrThrow();
    if (typeof seconds !== 'number') throw invalidArgType('idleTimeout', 'of type number', seconds);
    if (!(seconds >= 0 && seconds <= 86_400)) throw outOfRange('idleTimeout', '>= 0 && <= 86400', seconds);
    this.#idleTimeout = seconds;
    p.setIdle(this.#maxIdle, seconds * 1000);
  }

  /** Worker threads alive now. @see IO::AIO nthreads */
  get nthreads(): number {
    return nativePool()?.counters().nthreads ?? 0;
  }

  /** Of those, idle ones. */
  get nidle(): number {
    return nativePool()?.counters().nidle ?? 0;
  }
}

/** The controls of this process's native pool; see {@link NativePoolControls}. */
export const pool = new NativePoolControls();
