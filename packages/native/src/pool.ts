import { checkDirfd, checkFd, checkInt32, checkPath, kAtFdcwd } from './checks.js';
import { kKindDir, kKindDirLatin1, kKindResult, kKindStat, RequestEngine } from './engine.js';
import { nativeInvalidArgValue } from './errors.js';
import { kF64PerRequest, kI32, kI32PerRequest, kOp, kReaddir } from './ops.js';
import { FdRequests } from './pool-fd.js';
import type {
  DirCallback,
  NativeBinding,
  NativeCounters,
  NativePoolOptions,
  NativeTimes,
  ResultCallback,
  StatCallback,
} from './types.js';

/**
 * IO::AIO's engine on Node: requests run on the addon's own threads, highest priority
 * first, and come back in priority order in chunks. Every `submit*` returns the request's
 * id (for `cancel`) and calls its callback exactly once, on the main thread.
 * @example
 * const pool = loadNativePool();
 * if (!('unavailable' in pool)) pool.submitStat('/etc', 0, (err, f, base) => console.log(err || f[base + 8]));
 */
export class NativePool extends FdRequests {
  readonly #e: RequestEngine;

  /** Made by loadNativePool. */
  constructor(native: NativeBinding, options: NativePoolOptions = {}) {
    super();
    this.#e = new RequestEngine(native, options);
  }

  /** @internal */
  protected get engine(): RequestEngine {
    return this.#e;
  }

  /** Most threads running requests at once (IO::AIO's max_parallel); 0 pauses execution. */
  get threads(): number {
    return this.#e.threads;
  }
  set threads(n: number) {
    this.#e.threads = n;
  }

  /**
   * Idle threads kept (IO::AIO's max_idle) and how long others may idle before they exit
   * (idle_timeout, in milliseconds; 0 keeps them).
   */
  setIdle(maxIdle: number, idleTimeoutMs: number): void {
    this.#e.setIdle(maxIdle, idleTimeoutMs);
  }

  /** The pool's counts now. */
  counters(): NativeCounters {
    return this.#e.counters();
  }

  /**
   * Cancels a request still waiting for a thread: it then completes with ECANCELED
   * (-125) without running. False when it already runs or ran.
   * @see IO::AIO aio_cancel
   */
  cancel(id: number): boolean {
    return this.#e.cancel(id);
  }

  /** Hands the staged requests to the pool now (otherwise done once per tick). */
  flush(): void {
    this.#e.flush();
  }

  /**
   * Stops the threads. Queued requests are dropped without their callbacks; a request
   * already running finishes on its thread and is not delivered. For teardown only.
   */
  close(): void {
    this.#e.close();
  }

  /** A request that does nothing: the pool's own overhead. @see IO::AIO aio_nop */
  submitNop(priority: number, cb: ResultCallback): number {
    return this.#e.commit(this.#e.begin(kOp.nop, priority, cb, kKindResult, 0));
  }
  /** stat(2) (statx, as libuv). @see IO::AIO aio_stat */
  submitStat(path: string | Uint8Array, priority: number, cb: StatCallback): number {
    return this.#e.pathRequest(kOp.stat, path, priority, cb, kKindStat);
  }
  /** lstat(2). @see IO::AIO aio_lstat */
  submitLstat(path: string | Uint8Array, priority: number, cb: StatCallback): number {
    return this.#e.pathRequest(kOp.lstat, path, priority, cb, kKindStat);
  }
  /** fstat(2). @see IO::AIO aio_stat */
  submitFstat(fd: number, priority: number, cb: StatCallback): number {
    return this.#e.fdRequest(kOp.fstat, fd, priority, cb, kKindStat);
  }
  /** open(2) with O_CLOEXEC added; the value is the descriptor. @see IO::AIO aio_open */
  submitOpen(
    path: string | Uint8Array,
    flags: number,
    mode: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.#e.pathRequest(kOp.open, path, priority, cb, kKindResult, flags, mode);
  }
  /** close(2). @see IO::AIO aio_close */
  submitClose(fd: number, priority: number, cb: ResultCallback): number {
    return this.#e.fdRequest(kOp.close, fd, priority, cb, kKindResult);
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
    return this.#e.bufferRequest(kOp.read, fd, buffer, offset, length, position, priority, cb);
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
    return this.#e.bufferRequest(kOp.write, fd, buffer, offset, length, position, priority, cb);
  }
  /**
   * The entries of a directory, with d_type and inode numbers; names decoded as UTF-8, or
   * as latin1 (one character per byte: the raw name) with `encoding` 'latin1'.
   * @see IO::AIO aio_readdirx
   */
  submitReaddir(
    path: string | Uint8Array,
    priority: number,
    cb: DirCallback,
    encoding: 'utf8' | 'latin1' = 'utf8',
  ): number {
    return this.#e.pathRequest(kOp.readdir, path, priority, cb, dirKind(encoding));
  }
  /**
   * lseek(2); the value is the new offset. whence is kSeek's: SET 0, CUR 1, END 2, and
   * SEEK_DATA 3 / SEEK_HOLE 4 (the next data or hole at or after offset; ENXIO past the last
   * data), so a copy can keep holes. @see IO::AIO aio_seek
   */
  submitSeek(fd: number, offset: number, whence: number, priority: number, cb: ResultCallback): number {
    return this.#e.fdRequest(kOp.lseek, fd, priority, cb, kKindResult, whence, 0, offset);
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
    return this.#e.fdRequest(kOp.fallocate, fd, priority, cb, kKindResult, mode, 0, offset, length);
  }
  /** renameat2(2) with its flags (RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4). @see IO::AIO aio_rename2 */
  submitRename2(
    from: string | Uint8Array,
    to: string | Uint8Array,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    return this.submitRenameAt2(kAtFdcwd, from, kAtFdcwd, to, flags, priority, cb);
  }
  /**
   * renameat2(2) with a directory descriptor on each side (AT_FDCWD, -100, for a plain
   * path) and renameat2's flags. @see IO::AIO aio_rename2
   */
  submitRenameAt2(
    oldDirfd: number,
    from: string | Uint8Array,
    newDirfd: number,
    to: string | Uint8Array,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const src = checkPath('oldPath', from);
    const dst = checkPath('newPath', to);
    const fromFd = checkDirfd('oldDirfd', oldDirfd);
    const toFd = checkDirfd('newDirfd', newDirfd);
    const f = checkInt32('flags', flags);
    const i = this.#e.begin(kOp.rename2, priority, cb, kKindResult, src.length * 3 + dst.length * 3);
    const at = i * kI32PerRequest;
    this.#e.i32[at + kI32.fd] = fromFd;
    this.#e.i32[at + kI32.int1] = f;
    this.#e.i32[at + kI32.int2] = toFd;
    this.#e.putPath(i, kI32.pathBytes, src);
    this.#e.putPath(i, kI32.path2Bytes, dst);
    return this.#e.commit(i);
  }
  /** sync(2). @see IO::AIO aio_sync */
  submitSync(priority: number, cb: ResultCallback): number {
    return this.#e.commit(this.#e.begin(kOp.sync, priority, cb, kKindResult, 0));
  }
  /** syncfs(2). @see IO::AIO aio_syncfs */
  submitSyncfs(fd: number, priority: number, cb: ResultCallback): number {
    return this.#e.fdRequest(kOp.syncfs, fd, priority, cb, kKindResult);
  }
  /** fsync(2). @see IO::AIO aio_fsync */
  submitFsync(fd: number, priority: number, cb: ResultCallback): number {
    return this.#e.fdRequest(kOp.fsync, fd, priority, cb, kKindResult);
  }
  /** fdatasync(2). @see IO::AIO aio_fdatasync */
  submitFdatasync(fd: number, priority: number, cb: ResultCallback): number {
    return this.#e.fdRequest(kOp.fdatasync, fd, priority, cb, kKindResult);
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
    return this.#e.fdRequest(kOp.syncFileRange, fd, priority, cb, kKindResult, flags, 0, offset, nbytes);
  }
  /** readahead(2). @see IO::AIO aio_readahead */
  submitReadahead(fd: number, offset: number, length: number, priority: number, cb: ResultCallback): number {
    return this.#e.fdRequest(kOp.readahead, fd, priority, cb, kKindResult, 0, 0, offset, length);
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
    return this.#e.fdRequest(
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
    const i = this.#e.pathBegin(kOp.utimensat, path, priority, cb, kKindResult, flags, 0);
    this.#e.putTimes(i, times);
    return this.#e.commit(i);
  }
  /** futimens(2) with nanoseconds. @see IO::AIO aio_utime */
  submitFutime(fd: number, times: NativeTimes, priority: number, cb: ResultCallback): number {
    const i = this.#e.begin(kOp.futimens, priority, cb, kKindResult, 0);
    this.#e.i32[i * kI32PerRequest + kI32.fd] = checkFd('fd', fd);
    this.#e.putTimes(i, times);
    return this.#e.commit(i);
  }
  /** mknod(2). @see IO::AIO aio_mknod */
  submitMknod(
    path: string | Uint8Array,
    mode: number,
    dev: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const i = this.#e.pathBegin(kOp.mknod, path, priority, cb, kKindResult, mode, 0);
    this.#e.f64[i * kF64PerRequest] = dev;
    return this.#e.commit(i);
  }
  /** unlink(2). @see IO::AIO aio_unlink */
  submitUnlink(path: string | Uint8Array, priority: number, cb: ResultCallback): number {
    return this.#e.pathRequest(kOp.unlink, path, priority, cb, kKindResult);
  }
  /** mkdir(2). @see IO::AIO aio_mkdir */
  submitMkdir(path: string | Uint8Array, mode: number, priority: number, cb: ResultCallback): number {
    return this.#e.pathRequest(kOp.mkdir, path, priority, cb, kKindResult, mode);
  }
  /** rmdir(2). @see IO::AIO aio_rmdir */
  submitRmdir(path: string | Uint8Array, priority: number, cb: ResultCallback): number {
    return this.#e.pathRequest(kOp.rmdir, path, priority, cb, kKindResult);
  }
  // ---- the *at() family: IO::AIO's wd as a real directory descriptor ----

  /**
   * openat(2) relative to a directory descriptor (AT_FDCWD, -100, for a plain path), with
   * O_CLOEXEC added; the value is the descriptor. @see IO::AIO aio_open
   */
  submitOpenAt(
    dirfd: number,
    path: string | Uint8Array,
    flags: number,
    mode: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const f = checkInt32('flags', flags);
    const m = checkInt32('mode', mode);
    return this.#e.pathRequest(kOp.open, path, priority, cb, kKindResult, f, m, dirfd);
  }
  /**
   * fstatat(2) (statx, as libuv) relative to a directory descriptor; flags
   * AT_SYMLINK_NOFOLLOW (0x100) makes it an lstat, AT_EMPTY_PATH (0x1000) with path ''
   * stats dirfd itself. @see IO::AIO aio_stat
   */
  submitStatAt(
    dirfd: number,
    path: string | Uint8Array,
    flags: number,
    priority: number,
    cb: StatCallback,
  ): number {
    const f = checkInt32('flags', flags);
    return this.#e.pathRequest(kOp.stat, path, priority, cb, kKindStat, f, 0, dirfd);
  }
  /**
   * unlinkat(2): removes a name relative to a directory descriptor; flags AT_REMOVEDIR
   * (0x200) removes an empty directory instead. @see IO::AIO aio_unlink
   */
  submitUnlinkAt(
    dirfd: number,
    path: string | Uint8Array,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const f = checkInt32('flags', flags);
    return this.#e.pathRequest(kOp.unlink, path, priority, cb, kKindResult, f, 0, dirfd);
  }
  /** mkdirat(2) relative to a directory descriptor. @see IO::AIO aio_mkdir */
  submitMkdirAt(
    dirfd: number,
    path: string | Uint8Array,
    mode: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const m = checkInt32('mode', mode);
    return this.#e.pathRequest(kOp.mkdir, path, priority, cb, kKindResult, m, 0, dirfd);
  }
  /** mknodat(2) relative to a directory descriptor. @see IO::AIO aio_mknod */
  submitMknodAt(
    dirfd: number,
    path: string | Uint8Array,
    mode: number,
    dev: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const m = checkInt32('mode', mode);
    const i = this.#e.pathBegin(kOp.mknod, path, priority, cb, kKindResult, m, 0, dirfd);
    this.#e.f64[i * kF64PerRequest] = dev;
    return this.#e.commit(i);
  }
  /**
   * The entries of a directory named relative to a directory descriptor (openat, then
   * fdopendir), with d_type and inode numbers. `flags` are IO::AIO's readdir flags
   * (kReaddir): READDIR_DIRS_FIRST (2), READDIR_STAT_ORDER (4); 0 keeps the kernel's order.
   * @see IO::AIO aio_readdirx
   */
  submitReaddirAt(
    dirfd: number,
    path: string | Uint8Array,
    flags: number,
    priority: number,
    cb: DirCallback,
    encoding: 'utf8' | 'latin1' = 'utf8',
  ): number {
    // Invariant: only IO::AIO's flags; the checked-listing bits are submitReaddirChecked's.
    const f = checkInt32('flags', flags) & 0xff;
    return this.#e.pathRequest(kOp.readdir, path, priority, cb, dirKind(encoding), f, 0, dirfd);
  }
  /**
   * A listing a tree walk can trust: the last component is opened with O_NOFOLLOW when
   * `nofollow`, and when `parentDev` is not -1 the directory's `..` must be (parentDev,
   * parentIno), the directory the name was listed in, else ENOENT (a component of the path
   * was swapped meanwhile). The listing ends with two extra entries, `.` and `..`, whose
   * inode fields carry the directory's own inode and device: see {@link splitIdentity}.
   */
  submitReaddirChecked(
    path: string | Uint8Array,
    nofollow: boolean,
    parentDev: number,
    parentIno: number,
    priority: number,
    cb: DirCallback,
    encoding: 'utf8' | 'latin1' = 'utf8',
  ): number {
    const flags = kReaddir.identify | (nofollow ? kReaddir.nofollow : 0);
    const i = this.#e.pathBegin(kOp.readdir, path, priority, cb, dirKind(encoding), flags, 0);
    this.#e.f64[i * kF64PerRequest] = parentDev;
    this.#e.f64[i * kF64PerRequest + 1] = parentIno;
    return this.#e.commit(i);
  }
  /**
   * utimensat(2) relative to a directory descriptor, with nanoseconds; flags 0x100
   * (AT_SYMLINK_NOFOLLOW) changes a link itself. @see IO::AIO aio_utime
   */
  submitUtimeAt(
    dirfd: number,
    path: string | Uint8Array,
    times: NativeTimes,
    flags: number,
    priority: number,
    cb: ResultCallback,
  ): number {
    const f = checkInt32('flags', flags);
    const i = this.#e.pathBegin(kOp.utimensat, path, priority, cb, kKindResult, f, 0, dirfd);
    this.#e.putTimes(i, times);
    return this.#e.commit(i);
  }
}

/** How a readdir's names are decoded: UTF-8, or latin1 for the raw bytes. */
function dirKind(encoding: unknown): number {
  if (encoding === 'utf8') return kKindDir;
  if (encoding === 'latin1') return kKindDirLatin1;
  throw nativeInvalidArgValue('encoding', encoding, "must be 'utf8' or 'latin1'");
}
