import type { BigIntStats } from 'node:fs';
import { DirStream } from '../catalogue/dir-stream.js';
import type { DirEntry } from '../catalogue/directories.js';
import { composite } from '../catalogue/operation.js';
import type { AioContext } from '../context.js';
import { fsCpError, isAbortError, systemError, systemErrorWithDetail } from '../errors.js';
import { type AioGroup, failGroup, type GroupOptions, setFeeder } from '../group.js';
import {
  type PathLike,
  validateBoolean,
  validateFunction,
  validateInteger,
  validatePath,
} from '../validate.js';
import { type PathBytes, stripTrailingSlashes } from './path.js';

/** Counts handed to `onProgress`. */
export interface CopytreeProgress {
  /** Regular files copied. */
  files: number;
  /** Bytes of the files copied. */
  bytes: number;
  /** Regular files found so far by the directory reads (grows while the tree is read). */
  filesKnown: number;
  /** Bytes of the files whose size is known so far: each file is stat'ed right before its copy. */
  bytesKnown: number;
}

/** What copytree resolves with. */
export interface CopytreeResult {
  /** Regular files copied. */
  files: number;
  /** Directories made (the root included). */
  dirs: number;
  /** Symlinks recreated. */
  symlinks: number;
  /** Entries given to `onError` and left out. */
  skipped: number;
}

/** Options of copytree. */
export interface CopytreeOptions extends GroupOptions<CopytreeResult> {
  /**
   * Most file copies in flight (each holds two descriptors while it runs),
   * and likewise most directories open for reading and most symlink steps.
   * The copy is a group whose limit is 3 × maxreq: `limit(0)` pauses it,
   * raising the limit again resumes it.
   * @default 8
   */
  maxreq?: number | undefined;
  /**
   * Copy what symlinks point to instead of the links (a link to a directory
   * is entered, unless it would loop: `ELOOP`). The root is always followed.
   * @default false
   */
  followSymlinks?: boolean | undefined;
  /**
   * Called with fresh counts at most once per turn of the event loop while
   * the copy runs, and once more with the final counts before it resolves.
   * Given it, each file is stat'ed before its copy (for `bytes`); without it
   * no such stat is made.
   */
  onProgress?: ((progress: CopytreeProgress) => void) | undefined;
  /**
   * Called for an entry that cannot be copied (the source path, a string
   * when `src` was given as a string, else a Buffer); the entry is left out
   * and the copy goes on. Without it the first such error fails the copy
   * and cancels what is in flight; what was made stays (whole files, links,
   * directories whose mode and times may not be restored yet, mode 0700).
   */
  onError?: ((error: NodeJS.ErrnoException, path: PathBytes) => void) | undefined;
}

/** The checked arguments of one copytree. */
export interface CopytreeArgs {
  src: PathBytes;
  dst: PathBytes;
  maxreq: number;
  followSymlinks: boolean;
  onProgress: ((progress: CopytreeProgress) => void) | null;
  onError: ((error: NodeJS.ErrnoException, path: PathBytes) => void) | null;
}

/**
 * Perf: eight copies keep libuv's four threads busy. In bench copytree, 16 copies on a context of
 * depth 16 took 0.9x the time on /usr/include, within the noise of the loaded machine it ran on.
 */
const kDefaultMaxreq = 8;
/** Files found and not yet copied above which no directory is read further: bounds memory on wide trees. */
const kFileBacklog = 4096;
/** Entries one chunk of a directory read holds: a directory of millions is never in memory whole. */
const kChunkEntries = 1024;
/** Made private to us until its contents are in: a read-only source directory can still be filled. */
const kNewDirMode = 0o700;
/** Set-user-ID and set-group-ID: kept only when the owner could be kept too, as `cp -p` does. */
const kSetIdBits = 0o6000;
const kSyscall = 'copytree';
const kRefusals = {
  EEXIST: 'file already exists',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many symbolic links encountered',
} as const;

/**
 * A source directory, from when it is found until its metadata is restored.
 * `src` and `dst` are paths as bytes held as latin1 strings (one character
 * per byte: lossless, and cheap), so names that are not UTF-8 are copied as
 * they are.
 */
interface DirTask {
  readonly parent: DirTask | null;
  readonly src: string;
  readonly dst: string;
  /** Its stat, taken before it is read (the read changes its access time). */
  stat: BigIntStats | null;
  /** Unfinished work under it: its own read, then each entry. */
  left: number;
  /** Its copy exists: only then are owner, mode and times restored. */
  made: boolean;
  /** Open while it is being read, chunk by chunk. */
  stream: DirStream | null;
}

/** An entry waiting in one of the lanes. */
interface Item {
  readonly dir: DirTask;
  readonly src: string;
  readonly dst: string;
  /** Known from a stat already taken (followed links, unknown dirent types), else -1. */
  size: number;
}

type Special = 'fifo' | 'socket' | 'block' | 'char';

function seconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

function sameFile(x: BigIntStats, y: BigIntStats): boolean {
  return x.dev === y.dev && x.ino === y.ino;
}

function bytes(raw: string): Buffer {
  return Buffer.from(raw, 'latin1');
}

/** A root as a raw latin1 string, trailing slashes gone (a root of slashes only stays `/`). */
function rawRoot(path: PathBytes): string {
  const raw = (typeof path === 'string' ? Buffer.from(path) : path).toString('latin1');
  const stripped = stripTrailingSlashes(raw) as string;
  return stripped.length === 0 && raw.length > 0 ? '/' : stripped;
}

/** The directory a path that does not exist yet would be made in. */
function parentOf(raw: string): string {
  const cut = raw.lastIndexOf('/');
  if (cut < 0) return '.';
  return cut === 0 ? '/' : raw.slice(0, cut);
}

function specialError(type: Special, path: string): Error {
  if (type === 'fifo') return fsCpError('ERR_FS_CP_FIFO_PIPE', kSyscall, `src is a FIFO pipe: ${path}`, path);
  if (type === 'socket') return fsCpError('ERR_FS_CP_SOCKET', kSyscall, `src is a socket: ${path}`, path);
  return fsCpError('ERR_FS_CP_UNKNOWN', kSyscall, `src is a ${type} device: ${path}`, path);
}

function newDir(parent: DirTask, item: Item, stat: BigIntStats | null): DirTask {
  return { parent, src: item.src, dst: item.dst, stat, left: 1, made: false, stream: null };
}

function specialOf(st: BigIntStats): Special {
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return st.isBlockDevice() ? 'block' : 'char';
}

/**
 * One tree copy. Safety first: `checkRoot` (src a directory), `checkDestination`
 * (dst absent or an empty directory, not src), `refuseDestinationInsideSource`
 * (no ancestor of dst is src, by device and inode, so bind mounts and links
 * are seen through), `makeRoot`. Then three lanes fed by the group's feeder,
 * each at most `maxreq` in flight: file copies (through `aio.copy`, so a
 * file under its final name is always complete), symlink and probe steps,
 * and directory reads (`statDir → makeDir → listDir`, read only while fewer
 * than kFileBacklog files wait). A directory's owner, mode and times are
 * restored once everything under it is done, so the deepest come first.
 *
 * Invariant: every piece of work is queued from inside a member's callback
 * or before the first member finishes, so the group never sees itself idle
 * with work left; the feeder (set with setFeeder) stays while members run.
 */
class TreeCopy {
  readonly #aio: AioContext;
  readonly #a: CopytreeArgs;
  readonly #group: AioGroup<CopytreeResult>;
  readonly #priority: number;
  readonly #result: CopytreeResult = { files: 0, dirs: 0, symlinks: 0, skipped: 0 };
  readonly #progress: CopytreeProgress = { files: 0, bytes: 0, filesKnown: 0, bytesKnown: 0 };
  readonly #dirs: DirTask[] = [];
  readonly #files: Item[] = [];
  /** Symlinks to recreate, and entries to stat first (unknown types; links when followed). */
  readonly #links: Item[] = [];
  readonly #probes: Item[] = [];
  /** Directories being read whose next chunk waits for the file backlog to shrink. */
  readonly #reads: DirTask[] = [];
  /** Those with an open stream: closed at once when the copy fails or is cancelled. */
  readonly #open = new Set<DirTask>();
  readonly #srcRaw: string;
  readonly #dstRaw: string;
  #source: BigIntStats | null = null;
  /** The copy's root: a directory met with the same device and inode is a copy into itself. */
  #target: BigIntStats | null = null;
  #copying = 0;
  #linking = 0;
  #scanning = 0;
  #progressDirty = false;
  #progressQueued = false;
  readonly #feed = (): void => this.#feedOne();

  constructor(aio: AioContext, a: CopytreeArgs, group: AioGroup<CopytreeResult>) {
    this.#aio = aio;
    this.#a = a;
    this.#group = group;
    this.#priority = group.priority;
    this.#srcRaw = rawRoot(a.src);
    this.#dstRaw = rawRoot(a.dst);
  }

  start(): void {
    // The group's own signal, which dies with it: nothing to remove. A copy paused with limit(0) and
    // then cancelled has no member whose callback would see the cancellation; this closes its streams.
    this.#group.signal.addEventListener('abort', () => this.#closeStreams(), { once: true });
    this.#group.result(this.#result);
    this.#group.limit(3 * this.#a.maxreq);
    this.#checkRoot();
  }

  // ---- Safety checks, in order, before anything is made ----

  #checkRoot(): void {
    this.#stat(this.#srcRaw, true, (err, st) => {
      if (err !== null) return this.#fatal(err);
      if (!st.isDirectory()) return this.#fatal(systemError('ENOTDIR', kSyscall, this.#shown(this.#srcRaw)));
      this.#source = st;
      this.#checkDestination();
    });
  }

  /** Invariant: dst is absent or an empty directory, so nothing already there is ever replaced. */
  #checkDestination(): void {
    this.#stat(this.#dstRaw, false, (err, st) => {
      if (err?.code === 'ENOENT') return this.#refuseDestinationInsideSource(parentOf(this.#dstRaw), null);
      if (err !== null) return this.#fatal(err);
      if (!st.isDirectory()) return this.#fatal(this.#refusal('EEXIST', this.#dstRaw));
      this.#add(
        this.#aio.readdir(bytes(this.#dstRaw), {
          priority: this.#priority,
          callback: (e, names) => {
            if (e !== null) return this.#fatal(e);
            if (names.length > 0) return this.#fatal(this.#refusal('ENOTEMPTY', this.#dstRaw));
            this.#refuseDestinationInsideSource(this.#dstRaw, st);
          },
        }),
      );
    });
  }

  /**
   * Invariant: a copy into the source itself would read its own output for
   * ever. Climbs from dst (or the directory it will be made in) by `..` to
   * the root, comparing each directory with src by device and inode.
   */
  #refuseDestinationInsideSource(start: string, existing: BigIntStats | null): void {
    const climb = (path: string, st: BigIntStats): void => {
      if (sameFile(st, this.#source as BigIntStats)) return this.#fatal(this.#intoItself());
      const up = `${path}/..`;
      this.#stat(up, true, (err, parent) => {
        if (err !== null) return this.#fatal(err);
        if (sameFile(parent, st)) return this.#makeRoot(existing);
        climb(up, parent);
      });
    };
    this.#stat(start, true, (err, st) => (err !== null ? this.#fatal(err) : climb(start, st)));
  }

  #intoItself(): Error {
    const [src, dst] = [this.#shown(this.#srcRaw), this.#shown(this.#dstRaw)];
    return fsCpError(
      'ERR_FS_CP_EINVAL',
      kSyscall,
      `cannot copy ${src} to a subdirectory of self ${dst}`,
      src,
      dst,
    );
  }

  #makeRoot(existing: BigIntStats | null): void {
    const root: DirTask = {
      parent: null,
      src: this.#srcRaw,
      dst: this.#dstRaw,
      stat: this.#source,
      left: 1,
      made: true,
      stream: null,
    };
    if (existing !== null) {
      this.#target = existing;
      return this.#startLanes(root);
    }
    this.#mkdir(this.#dstRaw, (err) => {
      if (err !== null) return this.#fatal(err);
      this.#stat(this.#dstRaw, false, (e, st) => {
        if (e !== null) return this.#fatal(e);
        this.#target = st;
        this.#startLanes(root);
      });
    });
  }

  #startLanes(root: DirTask): void {
    this.#result.dirs++;
    this.#scanning++;
    this.#listDir(root);
  }

  // ---- The feeder and its lanes ----

  /** Perf: files first, so found files leave memory before more directories are read. */
  #feedOne(): void {
    const max = this.#a.maxreq;
    if (this.#copying < max && this.#files.length > 0) return this.#copyFile(this.#files.pop() as Item);
    if (this.#linking < max && this.#probes.length > 0) return this.#probe(this.#probes.pop() as Item);
    if (this.#linking < max && this.#links.length > 0) return this.#copyLink(this.#links.pop() as Item);
    if (this.#files.length >= kFileBacklog) return;
    // Directories already open are read on before new ones are opened: fewer descriptors held.
    if (this.#reads.length > 0) return this.#readChunk(this.#reads.pop() as DirTask);
    if (this.#scanning < max && this.#dirs.length > 0) {
      this.#scanning++;
      this.#statDir(this.#dirs.pop() as DirTask);
    }
  }

  #scheduleMore(): void {
    setFeeder(this.#group, this.#feed);
  }

  // ---- Directories: statDir → makeDir → listDir → (contents) → restoreDir ----

  #statDir(dir: DirTask): void {
    if (dir.stat !== null) return this.#makeDir(dir);
    this.#stat(dir.src, false, (err, st) => {
      if (err !== null) return this.#scanFailed(dir, err);
      dir.stat = st;
      this.#makeDir(dir);
    });
  }

  #makeDir(dir: DirTask): void {
    // Invariant: the copy's own root met inside the source (a bind mount, a followed link) is never entered.
    if (sameFile(dir.stat as BigIntStats, this.#target as BigIntStats))
      return this.#fatal(this.#intoItself());
    this.#mkdir(dir.dst, (err) => {
      if (err !== null) return this.#scanFailed(dir, err);
      dir.made = true;
      this.#result.dirs++;
      this.#listDir(dir);
    });
  }

  #listDir(dir: DirTask): void {
    dir.stream = new DirStream(bytes(dir.src), { encoding: 'latin1', chunkEntries: kChunkEntries });
    this.#open.add(dir);
    this.#readChunk(dir);
  }

  /** One chunk; the scan's lane slot is held until the last one, so at most maxreq directories are open. */
  #readChunk(dir: DirTask): void {
    const stream = dir.stream as DirStream;
    this.#add(
      this.#aio.readdirChunk(stream, {
        priority: this.#priority,
        callback: (err, entries) => {
          if (err !== null) {
            this.#closeStream(dir);
            return this.#scanFailed(dir, err);
          }
          if (!stream.ended) this.#reads.push(dir);
          this.#sortEntries(dir, entries as DirEntry<string>[]);
          if (!stream.ended) return;
          this.#closeStream(dir);
          this.#scanning--;
          this.#childDone(dir);
        },
      }),
    );
  }

  /** Idempotent; a stream whose chunk is being read closes as that chunk ends. */
  #closeStream(dir: DirTask): void {
    dir.stream?.close();
    dir.stream = null;
    this.#open.delete(dir);
  }

  /** Each entry to its lane (entries of unknown type are stat'ed first); specials go to the error policy at once. */
  #sortEntries(dir: DirTask, entries: DirEntry<string>[]): void {
    dir.left += entries.length;
    const follow = this.#a.followSymlinks;
    for (const { name, type } of entries) {
      const item: Item = { dir, src: `${dir.src}/${name}`, dst: `${dir.dst}/${name}`, size: -1 };
      if (type === 'dir') this.#dirs.push(newDir(dir, item, null));
      else if (type === 'file') this.#fileFound(item);
      else if (type === 'symlink') (follow ? this.#probes : this.#links).push(item);
      else if (type === 'unknown') this.#probes.push(item);
      else this.#entryFailed(specialError(type, this.#shown(item.src)), item.src, dir);
    }
    this.#scheduleMore();
  }

  #scanFailed(dir: DirTask, err: NodeJS.ErrnoException): void {
    this.#scanning--;
    this.#entryFailed(err, dir.src, dir);
  }

  /** Everything under `dir` is done: restore it (if it was made), then tell its parent. */
  #childDone(dir: DirTask): void {
    if (--dir.left > 0) return;
    if (dir.parent === null) this.#emitProgress();
    if (!dir.made) return this.#dirDone(dir);
    this.#restoreOwner(dir.dst, dir.stat as BigIntStats, (err) =>
      err !== null ? this.#entryFailed(err, dir.src, dir.parent) : this.#dirDone(dir),
    );
  }

  #dirDone(dir: DirTask): void {
    if (dir.parent !== null) this.#childDone(dir.parent);
  }

  /** chown (an owner that cannot be kept is no error, as in copy), chmod, then times. */
  #restoreOwner(dst: string, st: BigIntStats, done: (err: NodeJS.ErrnoException | null) => void): void {
    const path = bytes(dst);
    const priority = this.#priority;
    const times = (): void => {
      this.#add(
        this.#aio.utime(path, seconds(st.atimeNs), seconds(st.mtimeNs), { priority, callback: done }),
      );
    };
    const mode = (kept: boolean): void => {
      const bits = Number(st.mode) & (kept ? 0o7777 : 0o7777 & ~kSetIdBits);
      this.#add(
        this.#aio.chmod(path, bits, { priority, callback: (err) => (err !== null ? done(err) : times()) }),
      );
    };
    const callback = (err: NodeJS.ErrnoException | null): void =>
      isAbortError(err) ? done(err) : mode(err === null);
    this.#add(this.#aio.chown(path, Number(st.uid), Number(st.gid), { priority, callback }));
  }

  // ---- Files, links, probes ----

  #fileFound(item: Item): void {
    this.#files.push(item);
    this.#progress.filesKnown++;
    this.#progressChanged();
  }

  /** With onProgress, a stat first for the size; then the atomic copy. */
  #copyFile(item: Item): void {
    this.#copying++;
    if (this.#a.onProgress === null || item.size >= 0) return this.#copyData(item);
    this.#stat(item.src, this.#a.followSymlinks, (err, st) => {
      if (err !== null) return this.#fileFailed(item, err);
      this.#sizeKnown(item, Number(st.size));
      this.#copyData(item);
    });
  }

  #sizeKnown(item: Item, size: number): void {
    item.size = size;
    this.#progress.bytesKnown += size;
    this.#progressChanged();
  }

  #copyData(item: Item): void {
    this.#add(
      this.#aio.copy(bytes(item.src), bytes(item.dst), {
        priority: this.#priority,
        callback: (err) => {
          if (err !== null) return this.#fileFailed(item, err);
          this.#copying--;
          this.#result.files++;
          this.#progress.files++;
          this.#progress.bytes += Math.max(item.size, 0);
          this.#progressChanged();
          this.#childDone(item.dir);
        },
      }),
    );
  }

  #fileFailed(item: Item, err: NodeJS.ErrnoException): void {
    this.#copying--;
    this.#entryFailed(err, item.src, item.dir);
  }

  /** readlink → symlink with the same target bytes; the link is never followed. */
  #copyLink(item: Item): void {
    this.#linking++;
    const priority = this.#priority;
    const failed = (err: NodeJS.ErrnoException): void => {
      this.#linking--;
      this.#entryFailed(err, item.src, item.dir);
    };
    const made = (err: NodeJS.ErrnoException | null): void => {
      if (err !== null) return failed(err);
      this.#linking--;
      this.#result.symlinks++;
      this.#childDone(item.dir);
    };
    this.#add(
      this.#aio.readlink(bytes(item.src), {
        priority,
        encoding: 'buffer',
        callback: (err, target) =>
          err !== null
            ? failed(err)
            : this.#add(this.#aio.symlink(target, bytes(item.dst), { priority, callback: made })),
      }),
    );
  }

  /** An entry whose type the listing did not give, or a link to follow: stat, then to its lane. */
  #probe(item: Item): void {
    this.#linking++;
    this.#stat(item.src, this.#a.followSymlinks, (err, st) => {
      this.#linking--;
      if (err !== null) return this.#entryFailed(err, item.src, item.dir);
      if (st.isDirectory()) return this.#dirFound(item, st);
      if (st.isFile()) {
        this.#fileFound(item);
        this.#sizeKnown(item, Number(st.size));
      } else if (st.isSymbolicLink()) this.#links.push(item);
      else return this.#entryFailed(specialError(specialOf(st), this.#shown(item.src)), item.src, item.dir);
      this.#scheduleMore();
    });
  }

  /** Invariant: a followed link to one of its own ancestors is a loop, refused, never entered. */
  #dirFound(item: Item, st: BigIntStats): void {
    for (let d: DirTask | null = item.dir; d !== null; d = d.parent) {
      if (d.stat !== null && sameFile(d.stat, st)) {
        return this.#entryFailed(this.#refusal('ELOOP', item.src), item.src, item.dir);
      }
    }
    this.#dirs.push(newDir(item.dir, item, st));
    this.#scheduleMore();
  }

  // ---- Errors and progress ----

  /**
   * The error policy: with onError the entry is reported and left out and
   * the copy goes on; without it the copy fails and what is in flight is
   * cancelled (copy removes its temporary file). A cancelled step is the
   * copy being stopped, not an entry failing.
   */
  #entryFailed(err: unknown, src: string, dir: DirTask | null): void {
    if (isAbortError(err) || this.#group.cancelled) return this.#closeStreams();
    const onError = this.#a.onError;
    if (onError === null || dir === null) return this.#fatal(err);
    this.#result.skipped++;
    onError(err as NodeJS.ErrnoException, this.#out(src));
    this.#childDone(dir);
  }

  #fatal(err: unknown): void {
    failGroup(this.#group, err);
    this.#closeStreams();
  }

  /**
   * Invariant: a failed or cancelled copy holds no directory open. Streams
   * parked between chunks have no request to be cancelled, so they are
   * closed here: on failure, on the group's abort, and from the callback of
   * any cancelled member.
   */
  #closeStreams(): void {
    for (const dir of [...this.#open]) this.#closeStream(dir);
    this.#reads.length = 0;
  }

  #progressChanged(): void {
    if (this.#a.onProgress === null) return;
    this.#progressDirty = true;
    if (this.#progressQueued) return;
    this.#progressQueued = true;
    setImmediate(() => {
      this.#progressQueued = false;
      if (this.#group.state === 'execute' && !this.#group.cancelled) this.#emitProgress();
    });
  }

  #emitProgress(): void {
    if (!this.#progressDirty || this.#a.onProgress === null) return;
    this.#progressDirty = false;
    this.#a.onProgress({ ...this.#progress });
  }

  // ---- Small request helpers ----

  #add(req: Parameters<AioGroup<CopytreeResult>['add']>[0]): void {
    this.#group.add(req);
  }

  #stat(
    raw: string,
    follow: boolean,
    callback: (err: NodeJS.ErrnoException | null, st: BigIntStats) => void,
  ): void {
    const options = { bigint: true as const, priority: this.#priority, callback };
    this.#add(follow ? this.#aio.stat(bytes(raw), options) : this.#aio.lstat(bytes(raw), options));
  }

  #mkdir(raw: string, callback: (err: NodeJS.ErrnoException | null) => void): void {
    this.#add(this.#aio.mkdir(bytes(raw), kNewDirMode, { priority: this.#priority, callback }));
  }

  /** A refusal of copytree's own, worded as libuv words the code. */
  #refusal(code: keyof typeof kRefusals, raw: string): Error {
    return systemErrorWithDetail(code, kRefusals[code], kSyscall, this.#shown(raw));
  }

  /** A path for errors: text, with U+FFFD for bytes that are not UTF-8. */
  #shown(raw: string): string {
    return bytes(raw).toString();
  }

  /** A path for onError: a string when src was one, else the bytes. */
  #out(raw: string): PathBytes {
    return typeof this.#a.src === 'string' ? this.#shown(raw) : bytes(raw);
  }
}

function optionalFunction<F extends Function>(value: unknown, name: string): F | null {
  return value === undefined ? null : validateFunction<F>(value, name);
}

function prepareCopytree(src: PathLike, dst: PathLike, options?: CopytreeOptions): CopytreeArgs {
  return {
    src: validatePath(src, 'src'),
    dst: validatePath(dst, 'dst'),
    maxreq:
      options?.maxreq === undefined
        ? kDefaultMaxreq
        : validateInteger(options.maxreq, 'options.maxreq', 1, 1024),
    followSymlinks: validateBoolean(options?.followSymlinks, 'options.followSymlinks'),
    onProgress: optionalFunction(options?.onProgress, 'options.onProgress'),
    onError: optionalFunction(options?.onError, 'options.onError'),
  };
}

/** `aio.copytree(src, dst, options)`: the {@link TreeCopy} steps in a group. */
export const copytreeOperation = composite({
  perl: null,
  syscall: kSyscall,
  optsIndex: 2,
  prepare: prepareCopytree,
  start: (aio: AioContext, a: CopytreeArgs, group: AioGroup<CopytreeResult>) =>
    new TreeCopy(aio, a, group).start(),
});
