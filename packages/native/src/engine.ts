import { checkDirfd, checkFd, checkPath, checkPriority, checkRange, kAtFdcwd } from './checks.js';
import { decodeDirents } from './dirents.js';
import { nativeInvalidArgType, nativeOutOfRange } from './errors.js';
import { kF64PerRequest, kI32, kI32PerRequest, kStatFields } from './ops.js';
import type {
  DirCallback,
  ExtentsCallback,
  NativeBinding,
  NativeCounters,
  NativePoolOptions,
  NativeTimes,
  ResultCallback,
  StatCallback,
} from './types.js';

const kBatchRequests = 1024; // Perf: one hand-off to C per tick, or per this many requests
const kInitialPathBytes = 256 * 1024;
const kResultSlots = 1024;
/** How a request's result reaches its callback. */
export const kKindResult = 0;
export const kKindStat = 1;
export const kKindDir = 2;
/** A readdir whose names are decoded as latin1 (the raw bytes, one character each). */
export const kKindDirLatin1 = 4;
export const kKindExtents = 3;
const kNoPath = -1;
const kPathMaxBytes = 4096 * 4; // longer paths still go through and fail as the kernel says

/** Per result of a chunk, what does not fit a number: a readdir listing or fiemap extents. */
type Extras = Array<Buffer | Float64Array | undefined> | undefined;

export type AnyCallback = ResultCallback | StatCallback | DirCallback | ExtentsCallback;

/**
 * The staging, id and delivery machinery behind NativePool: requests are written into
 * typed arrays and handed to C once per tick; results come back in chunks. Internal:
 * NativePool is its public face.
 */
export class RequestEngine {
  readonly #native: NativeBinding;
  readonly #handle: object;
  #threads: number;
  readonly i32 = new Int32Array(kBatchRequests * kI32PerRequest);
  readonly f64 = new Float64Array(kBatchRequests * kF64PerRequest);
  #paths = Buffer.allocUnsafe(kInitialPathBytes);
  #pathBytes = 0;
  #staged = 0;
  #buffers: ArrayBufferView[] = [];
  readonly #outIds = new Int32Array(kResultSlots);
  readonly #outRes = new Float64Array(kResultSlots);
  readonly #outStat = new Float64Array(kResultSlots * kStatFields);
  #callbacks: Array<AnyCallback | undefined> = [];
  #kinds = new Uint8Array(1024);
  /** Perf: only reads and writes keep a buffer, so a map, not an array as long as the id space. */
  readonly #keep = new Map<number, ArrayBufferView>();
  readonly #freeIds: number[] = [];
  #nextId = 0;
  #pending = 0;
  #closed = false;
  readonly #counterOut = new Float64Array(6);
  readonly #flush = (): void => this.flush();

  /** Made by NativePool. */
  constructor(native: NativeBinding, options: NativePoolOptions = {}) {
    this.#native = native;
    this.#threads = options.threads ?? 4;
    this.#handle = native.create(
      this.#threads,
      this.i32,
      this.f64,
      this.#outIds,
      this.#outRes,
      this.#outStat,
      this.#deliver,
    );
    if (options.maxIdle !== undefined || options.idleTimeoutMs !== undefined)
      this.setIdle(options.maxIdle ?? 4, options.idleTimeoutMs ?? 10_000);
  }

  /** Most threads running requests at once (IO::AIO's max_parallel); 0 pauses execution. */
  get threads(): number {
    return this.#threads;
  }
  set threads(n: number) {
    if ((n | 0) !== n || n < 0 || n > 1024) throw nativeOutOfRange('threads', 'an integer from 0 to 1024', n);
    this.flush();
    this.#threads = n;
    this.#native.setThreads(this.#handle, n);
  }

  /**
   * Idle threads kept (IO::AIO's max_idle) and how long others may idle before they exit
   * (idle_timeout, in milliseconds; 0 keeps them).
   */
  setIdle(maxIdle: number, idleTimeoutMs: number): void {
    if ((maxIdle | 0) !== maxIdle || maxIdle < 0)
      throw nativeOutOfRange('maxIdle', 'an integer >= 0', maxIdle);
    if (!(idleTimeoutMs >= 0)) throw nativeOutOfRange('idleTimeoutMs', '>= 0', idleTimeoutMs);
    this.#native.setIdle(this.#handle, maxIdle, idleTimeoutMs);
  }

  /** The pool's counts now. */
  counters(): NativeCounters {
    const c = this.#counterOut;
    this.#native.counters(this.#handle, c);
    return {
      nreqs: this.#pending,
      nready: (c[0] as number) + this.#staged,
      nexecute: c[1] as number,
      npending: c[2] as number,
      nthreads: c[3] as number,
      nidle: c[4] as number,
    };
  }

  /**
   * Cancels a request still waiting for a thread: it then completes with ECANCELED
   * (-125) without running. False when it already runs or ran.
   * @see IO::AIO aio_cancel
   */
  cancel(id: number): boolean {
    if (this.#closed) return false;
    this.flush();
    return this.#native.cancel(this.#handle, id);
  }

  /** Hands the staged requests to the pool now (otherwise done once per tick). */
  flush(): void {
    if (this.#staged === 0 || this.#closed) return;
    const count = this.#staged;
    const buffers = this.#buffers;
    this.#staged = 0;
    this.#pathBytes = 0;
    this.#buffers = [];
    try {
      this.#native.submit(this.#handle, count, this.#paths, buffers);
    } catch (error) {
      const { code, errno } = error as { code?: unknown; errno?: unknown };
      if (code !== 'ERR_IOAIO_NATIVE_REFUSED' || typeof errno !== 'number') throw error;
      this.#failBatch(count, errno);
    }
  }

  /**
   * C queued nothing of the batch (out of memory): each of its requests completes with
   * `errno`, on a later tick, so no callback runs inside the submit call.
   */
  #failBatch(count: number, errno: number): void {
    const ids = Array.from({ length: count }, (_, i) => this.i32[i * kI32PerRequest] as number);
    process.nextTick(() => {
      for (const id of ids) this.#complete(id, errno);
    });
  }

  #complete(id: number, errno: number): void {
    const cb = this.#callbacks[id];
    const kind = this.#kinds[id];
    this.#release(id);
    if (cb === undefined) return;
    if (kind === kKindStat) (cb as StatCallback)(errno, this.#outStat, 0);
    else if (kind === kKindDir || kind === kKindDirLatin1) (cb as DirCallback)(errno, undefined);
    else if (kind === kKindExtents) (cb as ExtentsCallback)(errno, undefined);
    else (cb as ResultCallback)(errno, 0);
  }

  #release(id: number): void {
    this.#callbacks[id] = undefined;
    if (this.#keep.size !== 0) this.#keep.delete(id);
    this.#freeIds.push(id);
    this.#pending--;
  }

  /**
   * Stops the threads. Queued requests are dropped without their callbacks; a request
   * already running finishes on its thread and is not delivered. For teardown only.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close(this.#handle);
    this.#callbacks = [];
    this.#keep.clear();
  }

  // ---- staging ----

  pathRequest(
    type: number,
    path: unknown,
    pri: number,
    cb: AnyCallback,
    kind: number,
    int1 = 0,
    int2 = 0,
    dirfd = kAtFdcwd,
  ): number {
    return this.commit(this.pathBegin(type, path, pri, cb, kind, int1, int2, dirfd));
  }

  /** Stages a path request run by an *at() call on `dirfd` (AT_FDCWD: a plain path). */
  pathBegin(
    type: number,
    path: unknown,
    pri: number,
    cb: AnyCallback,
    kind: number,
    int1: number,
    int2: number,
    dirfd = kAtFdcwd,
  ) {
    const p = checkPath('path', path);
    const fd = checkDirfd('dirfd', dirfd);
    const i = this.begin(type, pri, cb, kind, p.length * 3);
    const at = i * kI32PerRequest;
    this.i32[at + kI32.fd] = fd;
    this.i32[at + kI32.int1] = int1;
    this.i32[at + kI32.int2] = int2;
    this.putPath(i, kI32.pathBytes, p);
    return i;
  }

  fdRequest(
    type: number,
    fd: number,
    pri: number,
    cb: AnyCallback,
    kind: number,
    int1 = 0,
    int2 = 0,
    n0 = 0,
    n1 = 0,
    n2 = 0,
  ) {
    const i = this.begin(type, pri, cb, kind, 0);
    const at = i * kI32PerRequest;
    this.i32[at + kI32.fd] = checkFd('fd', fd);
    this.i32[at + kI32.int1] = int1;
    this.i32[at + kI32.int2] = int2;
    this.f64[i * kF64PerRequest] = n0;
    this.f64[i * kF64PerRequest + 1] = n1;
    this.f64[i * kF64PerRequest + 2] = n2;
    return this.commit(i);
  }

  bufferRequest(
    type: number,
    fd: number,
    buffer: ArrayBufferView,
    offset: number,
    length: number,
    position: number,
    pri: number,
    cb: ResultCallback,
  ): number {
    checkRange(buffer, offset, length);
    const i = this.begin(type, pri, cb, kKindResult, 0);
    this.i32[i * kI32PerRequest + kI32.fd] = checkFd('fd', fd);
    this.#stageBuffer(i, buffer, offset, length);
    this.f64[i * kF64PerRequest + 2] = position >= 0 ? position : -1;
    return this.commit(i);
  }

  /** A request on [offset, offset + length) of caller memory (msync, mlock...), kept alive until delivery. */
  memoryRequest(
    type: number,
    view: Uint8Array,
    offset: number,
    length: number,
    int1: number,
    pri: number,
    cb: ResultCallback,
  ): number {
    checkRange(view, offset, length);
    const i = this.begin(type, pri, cb, kKindResult, 0);
    this.i32[i * kI32PerRequest + kI32.int1] = int1;
    this.#stageBuffer(i, view, offset, length);
    return this.commit(i);
  }

  #stageBuffer(i: number, buffer: ArrayBufferView, offset: number, length: number): void {
    this.i32[i * kI32PerRequest + kI32.buffer] = this.#buffers.length;
    this.#buffers.push(buffer);
    const f = i * kF64PerRequest;
    this.f64[f] = offset; // Invariant: C sees the view's own start (byteOffset included)
    this.f64[f + 1] = length;
    this.#keep.set(this.i32[i * kI32PerRequest] as number, buffer);
  }

  /** The addon, for the calls that are not requests (mmap, munmap). */
  get binding(): NativeBinding {
    return this.#native;
  }

  putTimes(i: number, t: NativeTimes): void {
    const f = i * kF64PerRequest;
    this.f64[f] = t.atimeSec;
    this.f64[f + 1] = t.atimeNsec;
    this.f64[f + 2] = t.mtimeSec;
    this.f64[f + 3] = t.mtimeNsec;
  }

  /**
   * Opens staging record i for a new request. Invariant: the batch has room for it and for
   * `pathBytesMax` more path bytes (it flushes first otherwise), so nothing later flushes
   * half a record.
   */
  begin(type: number, priority: number, cb: AnyCallback, kind: number, pathBytesMax: number): number {
    const pri = checkPriority(priority);
    if (typeof cb !== 'function') throw nativeInvalidArgType('cb', 'of type function', cb);
    if (this.#closed)
      throw Object.assign(new Error('the native pool is closed'), { code: 'ERR_IOAIO_NATIVE_CLOSED' });
    if (this.#staged === kBatchRequests || this.#pathBytes + pathBytesMax > this.#paths.length) this.flush();
    if (pathBytesMax > this.#paths.length)
      this.#paths = Buffer.allocUnsafe(Math.max(pathBytesMax, kPathMaxBytes));
    const i = this.#staged;
    const id = this.#takeId();
    this.#callbacks[id] = cb;
    this.#kinds[id] = kind;
    const at = i * kI32PerRequest;
    const s = this.i32;
    s[at + kI32.id] = id;
    s[at + kI32.type] = type;
    s[at + kI32.priority] = pri;
    s[at + kI32.fd] = -1;
    s[at + kI32.int1] = 0;
    s[at + kI32.int2] = 0;
    s[at + kI32.pathBytes] = kNoPath;
    s[at + kI32.path2Bytes] = kNoPath;
    s[at + kI32.buffer] = -1;
    return i;
  }

  putPath(i: number, slot: number, path: string | Uint8Array): void {
    let n: number;
    if (typeof path === 'string') {
      n = this.#paths.write(path, this.#pathBytes, 'utf8');
    } else {
      this.#paths.set(path, this.#pathBytes);
      n = path.length;
    }
    this.#pathBytes += n;
    this.i32[i * kI32PerRequest + slot] = n;
  }

  commit(i: number): number {
    const id = this.i32[i * kI32PerRequest] as number;
    this.#pending++;
    if (this.#staged++ === 0) queueMicrotask(this.#flush);
    return id;
  }

  #takeId(): number {
    const reused = this.#freeIds.pop();
    if (reused !== undefined) return reused;
    const id = this.#nextId++;
    if (id >= this.#kinds.length) {
      const grown = new Uint8Array(this.#kinds.length * 2);
      grown.set(this.#kinds);
      this.#kinds = grown;
    }
    return id;
  }

  // ---- delivery ----

  /**
   * Called by the addon with one chunk of results, highest priority first. A callback
   * that throws does not lose the rest of the chunk: the first error is rethrown on
   * the next tick, after every callback of the chunk ran.
   */
  readonly #deliver = (count: number, extras: Extras): void => {
    let failed = false;
    let failure: unknown;
    for (let i = 0; i < count; i++) {
      try {
        this.#deliverOne(i, extras);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
    if (failed) process.nextTick(rethrow, failure);
  };

  #deliverOne(i: number, extras: Extras): void {
    const id = this.#outIds[i] as number;
    const result = this.#outRes[i] as number;
    const cb = this.#callbacks[id];
    const kind = this.#kinds[id];
    this.#release(id);
    if (cb === undefined) return;
    const errno = Math.min(result, 0);
    if (kind === kKindStat) (cb as StatCallback)(errno, this.#outStat, i * kStatFields);
    else if (kind === kKindDir || kind === kKindDirLatin1) {
      const encoding = kind === kKindDir ? 'utf8' : 'latin1';
      (cb as DirCallback)(errno, errno ? undefined : decodeDirents(extras?.[i] as Buffer, encoding));
    } else if (kind === kKindExtents)
      (cb as ExtentsCallback)(errno, errno ? undefined : (extras?.[i] as Float64Array));
    else (cb as ResultCallback)(errno, errno ? 0 : result);
  }
}

function rethrow(error: unknown): never {
  throw error;
}
