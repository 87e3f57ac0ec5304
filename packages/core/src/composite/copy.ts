import { randomBytes } from 'node:crypto';
import { type BigIntStats, constants } from 'node:fs';
import type { AioContext } from '../context/context.js';
import { AbortError, aioError, fsCpError, isAbortError, systemErrorPair } from '../errors.js';
import { FdReservation, withReservation } from '../fd-budget.js';
import { type AioGroup, addCleanup, commitGroup, failGroup, type GroupOptions } from '../group.js';
import { composite } from '../operation.js';
import { type PathLike, validatePath } from '../validate.js';
import { type PathBytes, stripTrailingSlashes } from './path.js';

/** lseek(2) whence values for a copy that keeps holes. */
const kSeekData = 3;
const kSeekHole = 4;

/** The source ended early: it changed while it was copied. */
function shortCopy(copied: number, size: number): Error {
  return aioError('ERR_AIO_SHORT_COPY', `Copied ${copied} of ${size} bytes: the source changed`);
}

/** The validated paths of a copy or a move. */
export interface CopyArgs {
  src: PathBytes;
  dst: PathBytes;
}

/** Platform: O_NONBLOCK, so opening a FIFO with no writer returns at once instead of holding a pool thread. */
const kSourceFlags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
/** The temporary file is always a new one: O_EXCL never opens (or follows a symlink to) anything there. */
const kTempFlags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
/** Readable by its owner alone until the mode is restored. */
const kTempMode = 0o600;
/** New random names tried when a temporary name is taken (EEXIST). */
const kTempAttempts = 8;
/** Longest part of dst's name kept in the temporary name: the whole stays under NAME_MAX (255). */
const kTempBaseBytes = 200;
const kTempSuffix = '.ioaio-tmp';
/** Set-user-ID and set-group-ID: kept only when the owner could be kept too, as `cp -p` does. */
const kSetIdBits = 0o6000;
const kEisdirDetail = 'illegal operation on a directory';

/** Validates copy's and move's paths at the call (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`). */
export function prepareCopy(src: PathLike, dst: PathLike): CopyArgs {
  return { src: validatePath(src, 'src'), dst: validatePath(dst, 'dst') };
}

/** What a file that is not a regular file is, for refusals. */
function describeType(st: BigIntStats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'of an unknown type';
}

/**
 * The refusal of a file that copy or move does not handle (`side` says which
 * of src and dst it is): a directory is `EISDIR` as `fs.copyFile` and
 * `fs.rename` give it; a FIFO, a socket, a device or a link has the code
 * `fs.cp` gives that type (`ERR_FS_CP_FIFO_PIPE`, `ERR_FS_CP_SOCKET`,
 * `ERR_FS_CP_UNKNOWN`).
 */
export function refusal(st: BigIntStats, side: 'src' | 'dst', a: CopyArgs, syscall: string): Error {
  const path = String(side === 'src' ? a.src : a.dst);
  if (st.isDirectory())
    return systemErrorPair('EISDIR', kEisdirDetail, syscall, String(a.src), String(a.dst));
  const reason = `${side} is ${describeType(st)}, not a regular file: ${path}`;
  if (st.isFIFO()) return fsCpError('ERR_FS_CP_FIFO_PIPE', syscall, reason, path);
  if (st.isSocket()) return fsCpError('ERR_FS_CP_SOCKET', syscall, reason, path);
  return fsCpError('ERR_FS_CP_UNKNOWN', syscall, reason, path);
}

/** The refusal of src and dst naming one file (however spelt: links, `./`, bind mounts). */
export function sameFileError(a: CopyArgs, syscall: string): Error {
  const [src, dst] = [String(a.src), String(a.dst)];
  return fsCpError('ERR_FS_CP_EINVAL', syscall, `src and dst are the same file: ${src}`, src, dst);
}

function sameFile(x: BigIntStats, y: BigIntStats): boolean {
  return x.dev === y.dev && x.ino === y.ino;
}

/**
 * Checks dst before anything is written: absent, a regular file or a
 * symlink, and not the same file as src (a symlink is followed for that
 * check only; what it points to is never written). Calls `next` when the
 * copy or move may go on, `fail` with the refusal otherwise.
 */
export function inspectDestination(
  aio: AioContext,
  group: AioGroup<void>,
  check: { args: CopyArgs; source: BigIntStats; syscall: string },
  next: () => void,
  fail: (error: unknown) => void,
): void {
  const { args, source, syscall } = check;
  const priority = group.priority;
  const followLink = (): void => {
    // Invariant: a link whose target cannot be reached is replaced all the same: nothing is written through it.
    const callback = (err: unknown, target?: BigIntStats): void =>
      err === null && target !== undefined && sameFile(target, source)
        ? fail(sameFileError(args, syscall))
        : next();
    group.add(aio.stat(args.dst, { bigint: true, priority, callback }));
  };
  const callback = (err: NodeJS.ErrnoException | null, st: BigIntStats): void => {
    if (err !== null) return err.code === 'ENOENT' ? next() : fail(err);
    if (st.isSymbolicLink()) return followLink();
    if (!st.isFile()) return fail(refusal(st, 'dst', args, syscall));
    return sameFile(st, source) ? fail(sameFileError(args, syscall)) : next();
  };
  group.add(aio.lstat(args.dst, { bigint: true, priority, callback }));
}

/** Seconds (fractional) from a nanosecond time, without the precision a double of nanoseconds loses. */
function seconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

/** `dir/.<base>.<random>.ioaio-tmp` beside dst, as a string or bytes as dst is. */
function tempPathFor(dst: PathBytes): PathBytes {
  const path = typeof dst === 'string' ? Buffer.from(dst) : dst;
  const stripped = stripTrailingSlashes(path) as Buffer;
  const cut = stripped.lastIndexOf(0x2f) + 1;
  const base = stripped.subarray(cut, cut + kTempBaseBytes);
  const name = `.${randomBytes(6).toString('hex')}${kTempSuffix}`;
  const temp = Buffer.concat([stripped.subarray(0, cut), Buffer.from('.'), base, Buffer.from(name)]);
  return typeof dst === 'string' ? temp.toString() : temp;
}

/**
 * One copy, as named steps: open src without blocking and check it is a
 * regular file, check dst, write a new temporary file beside dst, give it
 * src's times, owner and mode, close it, rename it over dst.
 *
 * Invariant: dst is only ever touched by the final rename, so it is its old
 * self or the complete copy; every failure and cancellation goes through
 * `#fail`, which closes what is open and removes only the temporary file.
 * The rename is the commit point: a cancel that arrives once it is issued
 * is ignored, and the copy settles with the rename's outcome.
 * Closes, the unlink and the creating open are clean-up members, never
 * cancelled: a cancelled creating open could make the file in the pool and
 * have its fd released without anyone removing it.
 *
 * Invariant: the source's open takes both descriptors of the context's
 * budget at once and the temporary file's open spends the second, so a copy
 * never waits for a descriptor while holding one: any number of copies at
 * once cannot deadlock on the budget.
 */
class Copy {
  readonly #aio: AioContext;
  readonly #args: CopyArgs;
  readonly #group: AioGroup<void>;
  readonly #priority: number;
  #source: BigIntStats | null = null;
  #srcFd = -1;
  #tempFd = -1;
  #tempPath: PathBytes | null = null;
  #attempts = 0;
  /** The source's and the temporary file's descriptors, set aside together by the first open. */
  readonly #fds = new FdReservation(2);

  constructor(aio: AioContext, args: CopyArgs, group: AioGroup<void>) {
    this.#aio = aio;
    this.#args = args;
    this.#group = group;
    this.#priority = group.priority;
  }

  start(): void {
    this.#group.add(
      this.#aio.open(
        this.#args.src,
        kSourceFlags,
        0,
        withReservation(
          {
            priority: this.#priority,
            callback: (err: NodeJS.ErrnoException | null, fd: number) => {
              if (err !== null) return this.#fail(err);
              this.#srcFd = fd;
              this.#statSource();
            },
          },
          this.#fds,
        ),
      ),
    );
  }

  #statSource(): void {
    this.#group.add(
      this.#aio.stat(this.#srcFd, {
        bigint: true,
        priority: this.#priority,
        callback: (err, st) => (err !== null ? this.#fail(err) : this.#refuseNonRegularSource(st)),
      }),
    );
  }

  #refuseNonRegularSource(st: BigIntStats): void {
    if (!st.isFile()) return this.#fail(refusal(st, 'src', this.#args, 'copyfile'));
    this.#source = st;
    const check = { args: this.#args, source: st, syscall: 'copyfile' };
    inspectDestination(this.#aio, this.#group, check, () => this.#createTemp(), this.#fail);
  }

  #createTemp(): void {
    if (this.#stopIfCancelled()) return;
    const path = tempPathFor(this.#args.dst);
    this.#attempts++;
    addCleanup(
      this.#group,
      this.#aio.open(
        path,
        kTempFlags,
        kTempMode,
        withReservation(
          {
            priority: this.#priority,
            callback: (err: NodeJS.ErrnoException | null, fd: number) => {
              if (err === null) {
                [this.#tempPath, this.#tempFd] = [path, fd];
                return this.#copyData();
              }
              const retry = err.code === 'EEXIST' && this.#attempts < kTempAttempts;
              return retry ? this.#createTemp() : this.#fail(err);
            },
          },
          this.#fds,
        ),
      ),
    );
  }

  #copyData(): void {
    if (this.#aio.backend === 'native') return this.#copyInKernel();
    const size = Number((this.#source as BigIntStats).size);
    // Added to a cancelled group, sendfile is cancelled at once and #fail removes the temporary file.
    this.#group.add(
      this.#aio.sendfile(this.#tempFd, this.#srcFd, 0, size, {
        priority: this.#priority,
        callback: (err, sent) => {
          if (err !== null) return this.#fail(err);
          if (sent !== size) return this.#fail(shortCopy(sent, size));
          this.#dataCopied();
        },
      }),
    );
  }

  #dataCopied(): void {
    this.#close(this.#srcFd);
    this.#srcFd = -1;
    this.#restoreTimes();
  }

  /**
   * Native backend: the data goes file to file in the kernel (shared blocks
   * where the file system can, else copy_file_range). A file with fewer
   * blocks than bytes is copied extent by extent (SEEK_DATA / SEEK_HOLE), so
   * its holes stay holes; then the copy gets the source's length.
   */
  #copyInKernel(): void {
    const st = this.#source as BigIntStats;
    const size = Number(st.size);
    // Perf: a file whose blocks cover its bytes has no hole to keep: one request, no seeks.
    if (Number(st.blocks) * 512 >= size) return this.#copyExtent(0, size, () => this.#dataCopied());
    this.#nextExtent(0, size);
  }

  /**
   * Copies [from, from + length). A short count is asked again for the rest, so a failure that
   * stopped the kernel part way (ENOSPC, EIO) is reported as itself; no progress at all means the
   * source ended early.
   */
  #copyExtent(from: number, length: number, then: () => void): void {
    this.#group.add(
      this.#aio.copyRange(this.#srcFd, from, this.#tempFd, from, length, {
        priority: this.#priority,
        callback: (err, copied) => {
          if (err !== null) return this.#fail(err);
          if (copied === length) return then();
          if (copied === 0) return this.#fail(shortCopy(from, Number(this.#source?.size)));
          this.#copyExtent(from + copied, length - copied, then);
        },
      }),
    );
  }

  /** The next data extent at or after `from`; past the last one, the copy is sized and done. */
  #nextExtent(from: number, size: number): void {
    if (from >= size) return this.#sizeSparseCopy(size);
    const priority = this.#priority;
    this.#group.add(
      this.#aio.seek(this.#srcFd, from, kSeekData, {
        priority,
        callback: (err, data) => {
          if (err?.code === 'ENXIO') return this.#sizeSparseCopy(size); // only a hole is left
          // Platform: a file system without SEEK_DATA: the rest is copied whole, holes written out.
          if (err !== null) return this.#copyExtent(from, size - from, () => this.#sizeSparseCopy(size));
          this.#group.add(
            this.#aio.seek(this.#srcFd, data, kSeekHole, {
              priority,
              callback: (e, hole) => {
                if (e !== null) return this.#fail(e);
                const end = Math.min(hole, size);
                this.#copyExtent(data, end - data, () => this.#nextExtent(end, size));
              },
            }),
          );
        },
      }),
    );
  }

  /** A trailing hole is no extent: the copy is given the source's length. */
  #sizeSparseCopy(size: number): void {
    this.#group.add(
      this.#aio.truncate(this.#tempFd, size, {
        priority: this.#priority,
        callback: (err) => (err !== null ? this.#fail(err) : this.#dataCopied()),
      }),
    );
  }

  #restoreTimes(): void {
    const st = this.#source as BigIntStats;
    this.#group.add(
      this.#aio.utime(this.#tempFd, seconds(st.atimeNs), seconds(st.mtimeNs), {
        priority: this.#priority,
        callback: (err) => (err !== null ? this.#fail(err) : this.#restoreOwner()),
      }),
    );
  }

  #restoreOwner(): void {
    const st = this.#source as BigIntStats;
    this.#group.add(
      this.#aio.chown(this.#tempFd, Number(st.uid), Number(st.gid), {
        priority: this.#priority,
        // Invariant: like IO::AIO, an owner that cannot be kept (EPERM as non-root) is not an error.
        callback: (err) => (isAbortError(err) ? this.#fail(err) : this.#restoreMode(err === null)),
      }),
    );
  }

  #restoreMode(ownerKept: boolean): void {
    const mode = Number((this.#source as BigIntStats).mode) & 0o7777;
    // chmod after chown: chown clears set-id bits, and they are kept only with the owner.
    this.#group.add(
      this.#aio.chmod(this.#tempFd, ownerKept ? mode : mode & ~kSetIdBits, {
        priority: this.#priority,
        callback: (err) => (err !== null ? this.#fail(err) : this.#closeTemp()),
      }),
    );
  }

  #closeTemp(): void {
    const fd = this.#tempFd;
    this.#tempFd = -1;
    // A failed close (a delayed write error) means the copy may not be whole: it fails, dst untouched.
    addCleanup(
      this.#group,
      this.#aio.close(fd, {
        priority: this.#priority,
        callback: (err) => (err !== null ? this.#fail(err) : this.#renameIntoPlace()),
      }),
    );
  }

  #renameIntoPlace(): void {
    if (this.#stopIfCancelled()) return;
    // The commit point: once the rename is issued dst may be replaced at any moment, so a later
    // cancel must not report "aborted"; the copy settles with the rename's real outcome.
    commitGroup(this.#group);
    this.#group.add(
      this.#aio.rename(this.#tempPath as PathBytes, this.#args.dst, {
        priority: this.#priority,
        callback: (err) => {
          if (err !== null) return this.#fail(err);
          this.#tempPath = null;
        },
      }),
    );
  }

  /**
   * Invariant: a step that changes a file is never made once the group is cancelled. A request can
   * start executing while it is made, before the cancelled group it is added to can cancel it.
   */
  #stopIfCancelled(): boolean {
    // The group settles with its own cancellation; this error is never seen.
    if (this.#group.cancelled) this.#fail(new AbortError());
    return this.#group.cancelled;
  }

  #close(fd: number): void {
    addCleanup(this.#group, this.#aio.close(fd, { priority: this.#priority, callback: () => {} }));
  }

  /** The one way out on failure or cancellation: release what is held, remove only the temporary file. */
  readonly #fail = (error: unknown): void => {
    if (this.#srcFd >= 0) this.#close(this.#srcFd);
    if (this.#tempFd >= 0) this.#close(this.#tempFd);
    const temp = this.#tempPath;
    if (temp !== null) {
      addCleanup(this.#group, this.#aio.unlink(temp, { priority: this.#priority, callback: () => {} }));
    }
    this.#srcFd = this.#tempFd = -1;
    this.#tempPath = null;
    this.#fds.release();
    failGroup(this.#group, error);
  };
}

/** `aio.copy(src, dst)`: the {@link Copy} steps in a group. @see IO::AIO aio_copy */
export const copyOperation = composite({
  perl: 'aio_copy',
  syscall: 'copyfile',
  optsIndex: 2,
  prepare: (src: PathLike, dst: PathLike, _options?: GroupOptions<void>): CopyArgs => prepareCopy(src, dst),
  start: (aio: AioContext, a: CopyArgs, group: AioGroup<void>) => new Copy(aio, a, group).start(),
});
