import { decodeDirents, type NativeDirents } from './dirents.js';
import { nativeInvalidArgType, nativeOutOfRange, nulInPathError } from './errors.js';
import { kF64PerRequest, kI32, kI32PerRequest, kOp, kStatFields } from './ops.js';

/** Completion of most requests: `errno` is 0 or a negative errno; `value` the call's result. */
export type ResultCallback = (errno: number, value: number) => void;
/**
 * Completion of stat/lstat/fstat: the fields are `fields[base .. base + 18)`, valid only
 * during this call (build a NativeStats with `statsFrom(fields, base)` to keep them).
 */
export type StatCallback = (errno: number, fields: Float64Array, base: number) => void;
/** Completion of readdir: the entries, or undefined on error. */
export type DirCallback = (errno: number, entries: NativeDirents | undefined) => void;

/** The addon's functions (src/c/binding.c). */
export interface NativeBinding {
  create(
    threads: number,
    inI32: Int32Array,
    inF64: Float64Array,
    outIds: Int32Array,
    outRes: Float64Array,
    outStat: Float64Array,
    onResults: (count: number, extras: Array<Buffer | undefined> | undefined) => void,
  ): object;
  submit(handle: object, count: number, paths: Uint8Array, buffers: ArrayBufferView[]): void;
  cancel(handle: object, id: number): boolean;
  setThreads(handle: object, n: number): void;
  setIdle(handle: object, maxIdle: number, idleTimeoutMs: number): void;
  counters(handle: object, out: Float64Array): void;
  close(handle: object): void;
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

const kBatchRequests = 1024; // Perf: one hand-off to C per tick, or per this many requests
const kInitialPathBytes = 256 * 1024;
const kResultSlots = 1024;
const kKindResult = 0;
const kKindStat = 1;
const kKindDir = 2;
const kNoPath = -1;
const kPathMaxBytes = 4096 * 4; // longer paths still go through and fail as the kernel says

type AnyCallback = ResultCallback | StatCallback | DirCallback;

/** A path as the caller gave it, refused when it holds a NUL byte (C would stop reading there). */
function checkPath(name: string, path: unknown): string | Uint8Array {
  if (typeof path === 'string') {
    if (path.includes('\u0000')) throw nulInPathError(name, path);
    return path;
  }
  if (path instanceof Uint8Array) {
    if (path.includes(0)) throw nulInPathError(name, path);
    return path;
  }
  throw nativeInvalidArgType(name, 'of type string or an instance of Buffer', path);
}

function checkPriority(priority: number): number {
  if ((priority | 0) !== priority || priority < -4 || priority > 4)
    throw nativeOutOfRange('priority', 'an integer from -4 to 4', priority);
  return priority + 4;
}

function checkFd(name: string, fd: number): number {
  if ((fd | 0) !== fd || fd < 0) throw nativeOutOfRange(name, '>= 0 and <= 2147483647', fd);
  return fd;
}

function checkRange(buffer: ArrayBufferView, offset: number, length: number): void {
  if (!ArrayBuffer.isView(buffer))
    throw nativeInvalidArgType('buffer', 'an instance of Buffer or TypedArray', buffer);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > buffer.byteLength)
    throw nativeOutOfRange('offset', `>= 0 && <= ${buffer.byteLength}`, offset);
  if (!Number.isSafeInteger(length) || length < 0 || offset + length > buffer.byteLength)
    throw nativeOutOfRange('length', `>= 0 && <= ${buffer.byteLength - offset}`, length);
}

/**
 * IO::AIO's engine on Node: requests run on the addon's own threads, highest priority
 * first, and come back in priority order in chunks. Every `submit*` returns the request's
 * id (for `cancel`) and calls its callback exactly once, on the main thread.
 * @example
 * const pool = loadNativePool();
 * if (!('unavailable' in pool)) pool.submitStat('/etc', 0, (err, f, base) => console.log(err || f[base + 8]));
 */
export class NativePool {
  readonly #native: NativeBinding;
  readonly #handle: object;
  #threads: number;
  readonly #stageI32 = new Int32Array(kBatchRequests * kI32PerRequest);
  readonly #stageF64 = new Float64Array(kBatchRequests * kF64PerRequest);
  #paths = Buffer.allocUnsafe(kInitialPathBytes);
  #pathBytes = 0;
  #staged = 0;
  #buffers: ArrayBufferView[] = [];
  readonly #outIds = new Int32Array(kResultSlots);
  readonly #outRes = new Float64Array(kResultSlots);
  readonly #outStat = new Float64Array(kResultSlots * kStatFields);
  #callbacks: Array<AnyCallback | undefined> = [];
  #kinds = new Uint8Array(1024);
  #keep: Array<ArrayBufferView | undefined> = [];
  readonly #freeIds: number[] = [];
  #nextId = 0;
  #pending = 0;
  #closed = false;
  readonly #counterOut = new Float64Array(6);
  readonly #flush = (): void => this.flush();

  /** Made by loadNativePool. */
  constructor(native: NativeBinding, options: NativePoolOptions = {}) {
    this.#native = native;
    this.#threads = options.threads ?? 4;
    this.#handle = native.create(
      this.#threads,
      this.#stageI32,
      this.#stageF64,
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
    this.#native.submit(this.#handle, count, this.#paths, buffers);
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
    this.#keep = [];
  }

  // ---- requests ----

  /** A request that does nothing: the pool's own overhead. @see IO::AIO aio_nop */
  submitNop(priority: number, cb: ResultCallback): number {
    return this.#commit(this.#begin(kOp.nop, priority, cb, kKindResult, 0));
  }
  /** stat(2) (statx, as libuv). @see IO::AIO aio_stat */
  submitStat(path: string | Uint8Array, priority: number, cb: StatCallback): number {
    return this.#pathRequest(kOp.stat, path, priority, cb, kKindStat);
  }
  /** lstat(2). @see IO::AIO aio_lstat */
  submitLstat(path: string | Uint8Array, priority: number, cb: StatCallback): number {
    return this.#pathRequest(kOp.lstat, path, priority, cb, kKindStat);
  }
  /** fstat(2). @see IO::AIO aio_stat */
  submitFstat(fd: number, priority: number, cb: StatCallback): number {
    return this.#fdRequest(kOp.fstat, fd, priority, cb, kKindStat);
  }
  /** open(2) with O_CLOEXEC added; the value is the descriptor. @see IO::AIO aio_open */
  submitOpen(
    path: string | Uint8Array,
    flags: number,
    mode: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#pathRequest(kOp.open, path, priority, cb, kKindResult, flags, mode);
  }
  /** close(2). @see IO::AIO aio_close */
  submitClose(fd: number, priority: number, cb: ResultCallback): number {
    return this.#fdRequest(kOp.close, fd, priority, cb, kKindResult);
  }
  /**
   * read(2), or pread(2) when position >= 0, into buffer[offset, offset + length); the
   * buffer is kept alive until the callback. The value is the bytes read. @see IO::AIO aio_read
   */
  submitRead(
    fd: number,
    buffer: ArrayBufferView,
    offset: number,
    length: number,
    position: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#bufferRequest(kOp.read, fd, buffer, offset, length, position, priority, cb);
  }
  /** write(2), or pwrite(2) when position >= 0. @see IO::AIO aio_write */
  submitWrite(
    fd: number,
    buffer: ArrayBufferView,
    offset: number,
    length: number,
    position: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#bufferRequest(kOp.write, fd, buffer, offset, length, position, priority, cb);
  }
  /** The entries of a directory, with d_type and inode numbers. @see IO::AIO aio_readdirx */
  submitReaddir(path: string | Uint8Array, priority: number, cb: DirCallback): number {
    return this.#pathRequest(kOp.readdir, path, priority, cb, kKindDir);
  }
  /** lseek(2); the value is the new offset. @see IO::AIO aio_seek */
  submitSeek(fd: number, offset: number, whence: number, priority: number, cb: ResultCallback): number {
    return this.#fdRequest(kOp.lseek, fd, priority, cb, kKindResult, whence, 0, offset);
  }
  /** fallocate(2) with its mode bits. @see IO::AIO aio_allocate */
  submitFallocate(
    fd: number,
    mode: number,
    offset: number,
    length: number,
    priority: number,
    cb: ResultCallback,
  ) {
    return this.#fdRequest(kOp.fallocate, fd, priority, cb, kKindResult, mode, 0, offset, length);
  }
  /** renameat2(2) with its flags (RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4). @see IO::AIO aio_rename2 */
  submitRename2(
    from: string | Uint8Array,
    to: string | Uint8Array,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const src = checkPath('oldPath', from);
    const dst = checkPath('newPath', to);
    const i = this.#begin(kOp.rename2, priority, cb, kKindResult, src.length * 3 + dst.length * 3);
    this.#stageI32[i * kI32PerRequest + kI32.int1] = flags;
    this.#putPath(i, kI32.pathBytes, src);
    this.#putPath(i, kI32.path2Bytes, dst);
    return this.#commit(i);
  }
  /** sync(2). @see IO::AIO aio_sync */
  submitSync(priority: number, cb: ResultCallback): number {
    return this.#commit(this.#begin(kOp.sync, priority, cb, kKindResult, 0));
  }
  /** syncfs(2). @see IO::AIO aio_syncfs */
  submitSyncfs(fd: number, priority: number, cb: ResultCallback): number {
    return this.#fdRequest(kOp.syncfs, fd, priority, cb, kKindResult);
  }
  /** fsync(2). @see IO::AIO aio_fsync */
  submitFsync(fd: number, priority: number, cb: ResultCallback): number {
    return this.#fdRequest(kOp.fsync, fd, priority, cb, kKindResult);
  }
  /** fdatasync(2). @see IO::AIO aio_fdatasync */
  submitFdatasync(fd: number, priority: number, cb: ResultCallback): number {
    return this.#fdRequest(kOp.fdatasync, fd, priority, cb, kKindResult);
  }
  /** sync_file_range(2). @see IO::AIO aio_sync_file_range */
  submitSyncFileRange(
    fd: number,
    offset: number,
    nbytes: number,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ) {
    return this.#fdRequest(kOp.syncFileRange, fd, priority, cb, kKindResult, flags, 0, offset, nbytes);
  }
  /** readahead(2). @see IO::AIO aio_readahead */
  submitReadahead(fd: number, offset: number, length: number, priority: number, cb: ResultCallback): number {
    return this.#fdRequest(kOp.readahead, fd, priority, cb, kKindResult, 0, 0, offset, length);
  }
  /**
   * sendfile(2) from inFd (at inOffset, or its own offset when inOffset < 0) to outFd;
   * the value is the bytes sent. @see IO::AIO aio_sendfile
   */
  submitSendfile(
    outFd: number,
    inFd: number,
    inOffset: number,
    length: number,
    priority: number,
    cb: ResultCallback,
  ) {
    return this.#fdRequest(
      kOp.sendfile,
      outFd,
      priority,
      cb,
      kKindResult,
      0,
      checkFd('inFd', inFd),
      inOffset,
      length,
    );
  }
  /**
   * utimensat(2) with nanoseconds; flags 0x100 (AT_SYMLINK_NOFOLLOW) changes a link itself.
   * @see IO::AIO aio_utime
   */
  submitUtime(
    path: string | Uint8Array,
    times: NativeTimes,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ) {
    const i = this.#pathBegin(kOp.utimensat, path, priority, cb, kKindResult, flags, 0);
    this.#putTimes(i, times);
    return this.#commit(i);
  }
  /** futimens(2) with nanoseconds. @see IO::AIO aio_utime */
  submitFutime(fd: number, times: NativeTimes, priority: number, cb: ResultCallback): number {
    const i = this.#begin(kOp.futimens, priority, cb, kKindResult, 0);
    this.#stageI32[i * kI32PerRequest + kI32.fd] = checkFd('fd', fd);
    this.#putTimes(i, times);
    return this.#commit(i);
  }
  /** mknod(2). @see IO::AIO aio_mknod */
  submitMknod(
    path: string | Uint8Array,
    mode: number,
    dev: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const i = this.#pathBegin(kOp.mknod, path, priority, cb, kKindResult, mode, 0);
    this.#stageF64[i * kF64PerRequest] = dev;
    return this.#commit(i);
  }
  /** unlink(2). @see IO::AIO aio_unlink */
  submitUnlink(path: string | Uint8Array, priority: number, cb: ResultCallback): number {
    return this.#pathRequest(kOp.unlink, path, priority, cb, kKindResult);
  }
  /** mkdir(2). @see IO::AIO aio_mkdir */
  submitMkdir(path: string | Uint8Array, mode: number, priority: number, cb: ResultCallback): number {
    return this.#pathRequest(kOp.mkdir, path, priority, cb, kKindResult, mode);
  }
  /** rmdir(2). @see IO::AIO aio_rmdir */
  submitRmdir(path: string | Uint8Array, priority: number, cb: ResultCallback): number {
    return this.#pathRequest(kOp.rmdir, path, priority, cb, kKindResult);
  }

  // ---- staging ----

  #pathRequest(
    type: number,
    path: unknown,
    pri: number,
    cb: AnyCallback,
    kind: number,
    int1 = 0,
    int2 = 0,
  ): number {
    return this.#commit(this.#pathBegin(type, path, pri, cb, kind, int1, int2));
  }

  #pathBegin(
    type: number,
    path: unknown,
    pri: number,
    cb: AnyCallback,
    kind: number,
    int1: number,
    int2: number,
  ) {
    const p = checkPath('path', path);
    const i = this.#begin(type, pri, cb, kind, p.length * 3);
    const at = i * kI32PerRequest;
    this.#stageI32[at + kI32.int1] = int1;
    this.#stageI32[at + kI32.int2] = int2;
    this.#putPath(i, kI32.pathBytes, p);
    return i;
  }

  #fdRequest(
    type: number,
    fd: number,
    pri: number,
    cb: AnyCallback,
    kind: number,
    int1 = 0,
    int2 = 0,
    n0 = 0,
    n1 = 0,
  ) {
    const i = this.#begin(type, pri, cb, kind, 0);
    const at = i * kI32PerRequest;
    this.#stageI32[at + kI32.fd] = checkFd('fd', fd);
    this.#stageI32[at + kI32.int1] = int1;
    this.#stageI32[at + kI32.int2] = int2;
    this.#stageF64[i * kF64PerRequest] = n0;
    this.#stageF64[i * kF64PerRequest + 1] = n1;
    return this.#commit(i);
  }

  #bufferRequest(
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
    const i = this.#begin(type, pri, cb, kKindResult, 0);
    this.#stageI32[i * kI32PerRequest + kI32.fd] = checkFd('fd', fd);
    this.#stageI32[i * kI32PerRequest + kI32.buffer] = this.#buffers.length;
    this.#buffers.push(buffer);
    const f = i * kF64PerRequest;
    this.#stageF64[f] = offset; // Invariant: C sees the view's own start (byteOffset included)
    this.#stageF64[f + 1] = length;
    this.#stageF64[f + 2] = position >= 0 ? position : -1;
    this.#keep[this.#stageI32[i * kI32PerRequest] as number] = buffer;
    return this.#commit(i);
  }

  #putTimes(i: number, t: NativeTimes): void {
    const f = i * kF64PerRequest;
    this.#stageF64[f] = t.atimeSec;
    this.#stageF64[f + 1] = t.atimeNsec;
    this.#stageF64[f + 2] = t.mtimeSec;
    this.#stageF64[f + 3] = t.mtimeNsec;
  }

  /**
   * Opens staging record i for a new request. Invariant: the batch has room for it and for
   * `pathBytesMax` more path bytes (it flushes first otherwise), so nothing later flushes
   * half a record.
   */
  #begin(type: number, priority: number, cb: AnyCallback, kind: number, pathBytesMax: number): number {
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
    const s = this.#stageI32;
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

  #putPath(i: number, slot: number, path: string | Uint8Array): void {
    let n: number;
    if (typeof path === 'string') {
      n = this.#paths.write(path, this.#pathBytes, 'utf8');
    } else {
      this.#paths.set(path, this.#pathBytes);
      n = path.length;
    }
    this.#pathBytes += n;
    this.#stageI32[i * kI32PerRequest + slot] = n;
  }

  #commit(i: number): number {
    const id = this.#stageI32[i * kI32PerRequest] as number;
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
  readonly #deliver = (count: number, extras: Array<Buffer | undefined> | undefined): void => {
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

  #deliverOne(i: number, extras: Array<Buffer | undefined> | undefined): void {
    const id = this.#outIds[i] as number;
    const result = this.#outRes[i] as number;
    const cb = this.#callbacks[id];
    const kind = this.#kinds[id];
    this.#callbacks[id] = undefined;
    this.#keep[id] = undefined;
    this.#freeIds.push(id);
    this.#pending--;
    if (cb === undefined) return;
    const errno = Math.min(result, 0);
    if (kind === kKindStat) (cb as StatCallback)(errno, this.#outStat, i * kStatFields);
    else if (kind === kKindDir)
      (cb as DirCallback)(errno, errno ? undefined : decodeDirents(extras?.[i] as Buffer));
    else (cb as ResultCallback)(errno, errno ? 0 : result);
  }
}

/** Access and modification times for utime requests, in seconds and nanoseconds. */
export interface NativeTimes {
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
}

function rethrow(error: unknown): never {
  throw error;
}
