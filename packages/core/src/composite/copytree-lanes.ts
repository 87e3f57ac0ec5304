import type { BigIntStats } from 'node:fs';
import { DirStream } from '../catalogue/dir-stream.js';
import type { DirEntry } from '../catalogue/directories.js';
import { isAbortError } from '../errors.js';
import { failGroup, setFeeder } from '../group.js';
import type { CopytreeRootPaths, CopytreeRoots } from './copytree-checks.js';
import { sameFile } from './copytree-checks.js';
import { copytreeRefusal, intoItselfError, specialError, specialOf } from './copytree-errors.js';
import type { CopytreeArgs, CopytreeResult } from './copytree-options.js';
import { rawBytes, shownPath } from './copytree-paths.js';
import { CopytreeProgressReporter } from './copytree-progress.js';
import { restoreDirMeta } from './copytree-restore.js';
import type { CopytreeSteps } from './copytree-steps.js';
import type { PathBytes } from './path.js';

/** Files found and not yet copied above which no directory is read further: bounds memory on wide trees. */
const kFileBacklog = 4096;
/** Entries one chunk of a directory read holds: a directory of millions is never in memory whole. */
const kChunkEntries = 1024;

/** A source directory, from when it is found until its metadata is restored; paths are raw. */
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

function newDir(parent: DirTask, item: Item, stat: BigIntStats | null): DirTask {
  return { parent, src: item.src, dst: item.dst, stat, left: 1, made: false, stream: null };
}

/**
 * The copy itself, once the roots are checked: three lanes fed by the
 * group's feeder, each at most `maxreq` in flight: file copies (through
 * `aio.copy`, so a file under its final name is always complete), symlink
 * and probe steps, and directory reads (`statDir → makeDir → listDir`, read
 * only while fewer than kFileBacklog files wait). A directory's owner, mode
 * and times are restored once everything under it is done, so the deepest
 * come first.
 *
 * Invariant: every piece of work is queued from inside a member's callback
 * or before the first member finishes, so the group never sees itself idle
 * with work left; the feeder (set with setFeeder) stays while members run.
 * @example new CopytreeLanes(steps, args, paths).start(roots);
 */
export class CopytreeLanes {
  /** The counts the group resolves with. */
  readonly result: CopytreeResult = { files: 0, dirs: 0, symlinks: 0, skipped: 0 };
  readonly #steps: CopytreeSteps;
  readonly #a: CopytreeArgs;
  readonly #paths: CopytreeRootPaths;
  readonly #progress: CopytreeProgressReporter;
  readonly #dirs: DirTask[] = [];
  readonly #files: Item[] = [];
  /** Symlinks to recreate, and entries to stat first (unknown types; links when followed). */
  readonly #links: Item[] = [];
  readonly #probes: Item[] = [];
  /** Directories being read whose next chunk waits for the file backlog to shrink. */
  readonly #reads: DirTask[] = [];
  /** Those with an open stream: closed at once when the copy fails or is cancelled. */
  readonly #open = new Set<DirTask>();
  /** The copy's root: a directory met with the same device and inode is a copy into itself. */
  #target: BigIntStats | null = null;
  #copying = 0;
  #linking = 0;
  #scanning = 0;
  readonly #feed = (): void => this.#feedOne();

  constructor(steps: CopytreeSteps, a: CopytreeArgs, paths: CopytreeRootPaths) {
    this.#steps = steps;
    this.#a = a;
    this.#paths = paths;
    this.#progress = new CopytreeProgressReporter(a.onProgress, steps.group);
  }

  /** The root is made (or found empty): read it, and everything under it follows. */
  start(roots: CopytreeRoots): void {
    const { src, dst } = this.#paths;
    const root: DirTask = { parent: null, src, dst, stat: roots.source, left: 1, made: true, stream: null };
    this.#target = roots.target;
    this.result.dirs++;
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
    setFeeder(this.#steps.group, this.#feed);
  }

  // ---- Directories: statDir → makeDir → listDir → (contents) → restoreDirMeta ----

  #statDir(dir: DirTask): void {
    if (dir.stat !== null) return this.#makeDir(dir);
    this.#steps.stat(dir.src, false, (err, st) => {
      if (err !== null) return this.#scanFailed(dir, err);
      dir.stat = st;
      this.#makeDir(dir);
    });
  }

  #makeDir(dir: DirTask): void {
    // Invariant: the copy's own root met inside the source (a bind mount, a followed link) is never entered.
    if (sameFile(dir.stat as BigIntStats, this.#target as BigIntStats))
      return this.fatal(intoItselfError(this.#paths.src, this.#paths.dst));
    this.#steps.mkdir(dir.dst, (err) => {
      if (err !== null) return this.#scanFailed(dir, err);
      dir.made = true;
      this.result.dirs++;
      this.#listDir(dir);
    });
  }

  #listDir(dir: DirTask): void {
    dir.stream = new DirStream(rawBytes(dir.src), { encoding: 'latin1', chunkEntries: kChunkEntries });
    this.#open.add(dir);
    this.#readChunk(dir);
  }

  /** One chunk; the scan's lane slot is held until the last one, so at most maxreq directories are open. */
  #readChunk(dir: DirTask): void {
    const stream = dir.stream as DirStream;
    this.#steps.add(
      this.#steps.aio.readdirChunk(stream, {
        priority: this.#steps.priority,
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
      else this.#entryFailed(specialError(type, item.src), item.src, dir);
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
    if (dir.parent === null) this.#progress.emit();
    if (!dir.made) return this.#dirDone(dir);
    restoreDirMeta(this.#steps, dir.dst, dir.stat as BigIntStats, (err) =>
      err !== null ? this.#entryFailed(err, dir.src, dir.parent) : this.#dirDone(dir),
    );
  }

  #dirDone(dir: DirTask): void {
    if (dir.parent !== null) this.#childDone(dir.parent);
  }

  // ---- Files, links, probes ----

  #fileFound(item: Item): void {
    this.#files.push(item);
    this.#progress.counts.filesKnown++;
    this.#progress.changed();
  }

  /** With onProgress, a stat first for the size; then the atomic copy. */
  #copyFile(item: Item): void {
    this.#copying++;
    if (this.#a.onProgress === null || item.size >= 0) return this.#copyData(item);
    this.#steps.stat(item.src, this.#a.followSymlinks, (err, st) => {
      if (err !== null) return this.#fileFailed(item, err);
      this.#sizeKnown(item, Number(st.size));
      this.#copyData(item);
    });
  }

  #sizeKnown(item: Item, size: number): void {
    item.size = size;
    this.#progress.counts.bytesKnown += size;
    this.#progress.changed();
  }

  #copyData(item: Item): void {
    this.#steps.add(
      this.#steps.aio.copy(rawBytes(item.src), rawBytes(item.dst), {
        priority: this.#steps.priority,
        callback: (err) => {
          if (err !== null) return this.#fileFailed(item, err);
          this.#copying--;
          this.result.files++;
          this.#progress.counts.files++;
          this.#progress.counts.bytes += Math.max(item.size, 0);
          this.#progress.changed();
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
    const { aio, priority } = this.#steps;
    const failed = (err: NodeJS.ErrnoException): void => {
      this.#linking--;
      this.#entryFailed(err, item.src, item.dir);
    };
    const made = (err: NodeJS.ErrnoException | null): void => {
      if (err !== null) return failed(err);
      this.#linking--;
      this.result.symlinks++;
      this.#childDone(item.dir);
    };
    this.#steps.add(
      aio.readlink(rawBytes(item.src), {
        priority,
        encoding: 'buffer',
        callback: (err, target) =>
          err !== null
            ? failed(err)
            : this.#steps.add(aio.symlink(target, rawBytes(item.dst), { priority, callback: made })),
      }),
    );
  }

  /** An entry whose type the listing did not give, or a link to follow: stat, then to its lane. */
  #probe(item: Item): void {
    this.#linking++;
    this.#steps.stat(item.src, this.#a.followSymlinks, (err, st) => {
      this.#linking--;
      if (err !== null) return this.#entryFailed(err, item.src, item.dir);
      if (st.isDirectory()) return this.#dirFound(item, st);
      if (st.isFile()) {
        this.#fileFound(item);
        this.#sizeKnown(item, Number(st.size));
      } else if (st.isSymbolicLink()) this.#links.push(item);
      else return this.#entryFailed(specialError(specialOf(st), item.src), item.src, item.dir);
      this.#scheduleMore();
    });
  }

  /** Invariant: a followed link to one of its own ancestors is a loop, refused, never entered. */
  #dirFound(item: Item, st: BigIntStats): void {
    for (let d: DirTask | null = item.dir; d !== null; d = d.parent) {
      if (d.stat !== null && sameFile(d.stat, st)) {
        return this.#entryFailed(copytreeRefusal('ELOOP', item.src), item.src, item.dir);
      }
    }
    this.#dirs.push(newDir(item.dir, item, st));
    this.#scheduleMore();
  }

  // ---- Errors ----

  /**
   * The error policy: with onError the entry is reported and left out and
   * the copy goes on; without it the copy fails and what is in flight is
   * cancelled (copy removes its temporary file). A cancelled step is the
   * copy being stopped, not an entry failing.
   */
  #entryFailed(err: unknown, src: string, dir: DirTask | null): void {
    if (isAbortError(err) || this.#steps.group.cancelled) return this.closeStreams();
    const onError = this.#a.onError;
    if (onError === null || dir === null) return this.fatal(err);
    this.result.skipped++;
    onError(err as NodeJS.ErrnoException, this.#out(src));
    this.#childDone(dir);
  }

  /** Fails the copy (cancelling what is in flight) and closes every open directory. */
  fatal(err: unknown): void {
    failGroup(this.#steps.group, err);
    this.closeStreams();
  }

  /**
   * Invariant: a failed or cancelled copy holds no directory open. Streams
   * parked between chunks have no request to be cancelled, so they are
   * closed here: on failure, on the group's abort, and from the callback of
   * any cancelled member.
   */
  closeStreams(): void {
    for (const dir of [...this.#open]) this.#closeStream(dir);
    this.#reads.length = 0;
  }

  /** A path for onError: a string when src was one, else the bytes. */
  #out(raw: string): PathBytes {
    return typeof this.#a.src === 'string' ? shownPath(raw) : rawBytes(raw);
  }
}
