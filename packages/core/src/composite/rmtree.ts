import { constants, type Stats } from 'node:fs';
import { DirStream } from '../catalogue/dir-stream.js';
import type { DirEntry } from '../catalogue/directories.js';
import type { AioContext } from '../context/context.js';
import { systemError } from '../errors.js';
import { type AioGroup, addCleanup, failGroup, type GroupOptions, setFeeder } from '../group.js';
import { composite } from '../operation.js';
import { type PathLike, validatePath } from '../validate.js';
import { joinPath, type PathBytes, stripTrailingSlashes } from './path.js';

/**
 * Perf: requests of one rmtree in flight at once (unlinks, chunk reads, rmdirs); the group's limit,
 * which a caller may change. bench/ (scenario rmtree) tried 8 on maxParallel 4 and 64 on
 * maxParallel 32 beside this on the default context: neither was faster beyond the machine's noise,
 * and 16 keeps the default context's 8 slots fed while holding little.
 */
const kLimit = 16;
/** Directories being read at once: the bound on the directory descriptors one rmtree holds. */
const kMaxOpenDirs = 4;
/** Entries one chunk of a directory holds: with kMaxOpenDirs, the bound on names held from streams. */
const kChunkEntries = 1024;
/**
 * Subdirectory names one directory may hold before its reading pauses: the directory is closed,
 * those are removed, then it is read again from the start (only what is left). Bounds memory in a
 * directory of millions of subdirectories, at the cost of a re-read per pause.
 */
const kMaxHeldSubdirs = 4096;

/**
 * Platform: paths longer than PATH_MAX (4096 bytes) fail with ENAMETOOLONG, and Node has no *at()
 * calls. On Linux, a directory deeper than this many bytes of path is opened (O_DIRECTORY |
 * O_NOFOLLOW) and what lies under it is named through `/proc/self/fd/N/`, so any depth works.
 */
const kAnchorPathBytes = 3072;
const kAnchorFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const kCanAnchor = process.platform === 'linux';

const kNoEntries: DirEntry<Buffer>[] = [];

/** One directory of the tree, from when it is found until its rmdir. */
interface DirTask {
  readonly parent: DirTask | null;
  /** How it is named for its own rmdir. */
  readonly path: PathBytes;
  /** How what lies under it is named: its path, or `/proc/self/fd/N` once anchored. */
  base: PathBytes;
  /** The descriptor that anchors a deep directory, or -1. */
  anchor: number;
  /** Open while this directory is being read (one pass). */
  stream: DirStream | null;
  /** The chunk being issued, from `next` on. */
  chunk: DirEntry<Buffer>[];
  next: number;
  /** Subdirectories found in this pass, not yet handed to the stack. */
  subdirs: Buffer[];
  /** Its own requests not finished (chunk reads, unlinks, probes, the rmdir). */
  inFlight: number;
  /** Subdirectories handed to the stack and not finished. */
  children: number;
  /** The current pass has read all it will: the end, a failed read, or a pause. */
  passRead: boolean;
  /** The pass stopped at kMaxHeldSubdirs: read again once those are removed. */
  paused: boolean;
  /** Something was removed in this pass (worth a re-read on ENOTEMPTY). */
  progress: boolean;
  /** Something in it could not be removed: it is not rmdir'ed, and neither are its parents. */
  failed: boolean;
}

function newTask(parent: DirTask | null, path: PathBytes): DirTask {
  return {
    parent,
    path,
    base: path,
    anchor: -1,
    stream: null,
    chunk: kNoEntries,
    next: 0,
    subdirs: [],
    inFlight: 0,
    children: 0,
    passRead: false,
    paused: false,
    progress: false,
    failed: false,
  };
}

/** The last component of a path whose trailing slashes are stripped. */
function lastComponent(path: PathBytes): string {
  const text = typeof path === 'string' ? path : path.toString('latin1');
  return text.slice(text.lastIndexOf('/') + 1);
}

/**
 * One removal: an explicit stack of directories found and not started (so JS recursion never grows
 * with the tree's depth), at most kMaxOpenDirs of them read at once in chunks, their entries unlinked
 * and their subdirectories pushed, each rmdir'ed once everything under it is gone. All requests go
 * through the group's feeder, at most its limit at once.
 */
class TreeRemoval {
  readonly #aio: AioContext;
  readonly #group: AioGroup<void>;
  readonly #priority: number;
  /** Found, not started: a stack, so the search goes deep first and the stack stays small. */
  readonly #waiting: DirTask[] = [];
  /** Open, wanting their next chunk. */
  readonly #reads: DirTask[] = [];
  /** With entries of a chunk not yet issued. */
  readonly #work: DirTask[] = [];
  /** Emptied, ready for their rmdir. */
  readonly #rmdirs: DirTask[] = [];
  /** Those whose stream is open. */
  readonly #open = new Set<DirTask>();
  /** Those holding an anchor descriptor. */
  readonly #anchors = new Set<DirTask>();
  #firstError: unknown = undefined;
  #stopped = false;

  constructor(aio: AioContext, group: AioGroup<void>) {
    this.#aio = aio;
    this.#group = group;
    this.#priority = group.priority;
  }

  /** refuseDotRoot → lstatRoot → refuseSymlinkRoot → the removal proper. */
  start(path: PathBytes): void {
    const root = stripTrailingSlashes(path);
    if (this.#refuseDotRoot(path, root)) return;
    // Set first, so a caller's limit(0) (a pause) made after the call is kept.
    this.#group.limit(kLimit);
    this.#group.add(
      this.#aio.lstat(root, {
        priority: this.#priority,
        callback: (err, st) => {
          if (!this.#refuseSymlinkRoot(root, err, st)) this.#startRemoval(root);
        },
      }),
    );
  }

  /** Invariant: nothing outside the tree the path names is removed; `.`, `..` and `/` name no such tree. */
  #refuseDotRoot(path: PathBytes, root: PathBytes): boolean {
    const shown = String(path);
    if (root.length === 0 && path.length > 0) {
      failGroup(this.#group, systemError('EBUSY', 'rmdir', shown));
      return true;
    }
    const last = lastComponent(root);
    if (last !== '.' && last !== '..') return false;
    failGroup(this.#group, systemError('EINVAL', 'rmdir', shown));
    return true;
  }

  /** Invariant: a symlink root is never entered (its target lies outside the tree), nor a file. */
  #refuseSymlinkRoot(root: PathBytes, err: NodeJS.ErrnoException | null, st: Stats): boolean {
    if (err === null && st.isDirectory()) return false;
    failGroup(this.#group, err ?? systemError('ENOTDIR', 'rmdir', String(root)));
    return true;
  }

  #startRemoval(root: PathBytes): void {
    this.#group.signal.addEventListener('abort', () => this.#stop(), { once: true });
    this.#waiting.push(newTask(null, root));
    setFeeder(this.#group, () => this.#feed());
  }

  /** Cancelled: no more requests, and every directory left open is closed now. */
  #stop(): void {
    this.#stopped = true;
    for (const task of this.#open) task.stream?.close();
    this.#open.clear();
    for (const task of this.#anchors) this.#releaseAnchor(task);
  }

  /** The feeder: adds one request, or nothing when none can start now. */
  #feed(): void {
    while (!this.#stopped) {
      const emptied = this.#rmdirs.pop();
      if (emptied !== undefined) return this.#rmdir(emptied);
      const reader = this.#reads.pop();
      if (reader !== undefined) return this.#readChunk(reader);
      const worker = this.#work.at(-1);
      if (worker !== undefined) {
        if (this.#issueNext(worker)) return;
        continue;
      }
      const found = this.#open.size < kMaxOpenDirs ? this.#waiting.pop() : undefined;
      if (found === undefined) return;
      return this.#openDir(found);
    }
  }

  /** Starts a pass over a directory: its stream, after anchoring it if it lies too deep to name. */
  #openDir(task: DirTask): void {
    this.#open.add(task);
    if (!kCanAnchor || task.anchor >= 0 || task.path.length <= kAnchorPathBytes) {
      task.stream = new DirStream(task.base, { encoding: 'buffer', chunkEntries: kChunkEntries });
      return this.#readChunk(task);
    }
    task.inFlight++;
    this.#group.add(
      this.#aio.open(task.path, kAnchorFlags, 0, {
        priority: this.#priority,
        callback: (err, fd) => this.#anchored(task, err, fd),
      }),
    );
  }

  #anchored(task: DirTask, err: NodeJS.ErrnoException | null, fd: number): void {
    task.inFlight--;
    if (err === null) {
      task.anchor = fd;
      task.base = `/proc/self/fd/${fd}`;
      this.#anchors.add(task);
    }
    if (this.#stopped) return this.#releaseAnchor(task);
    if (err !== null) {
      this.#note(task, err);
      return this.#passRead(task);
    }
    task.stream = new DirStream(task.base, { encoding: 'buffer', chunkEntries: kChunkEntries });
    this.#reads.push(task);
  }

  /** Closes a directory's anchor; a clean-up, so it runs even when the removal is cancelled. */
  #releaseAnchor(task: DirTask): void {
    if (task.anchor < 0) return;
    const fd = task.anchor;
    task.anchor = -1;
    this.#anchors.delete(task);
    addCleanup(this.#group, this.#aio.close(fd, { priority: this.#priority }));
  }

  #readChunk(task: DirTask): void {
    task.inFlight++;
    this.#group.add(
      this.#aio.readdirChunk(task.stream as DirStream, {
        priority: this.#priority,
        callback: (err, entries) => this.#chunkRead(task, err, entries as DirEntry<Buffer>[]),
      }),
    );
  }

  #chunkRead(task: DirTask, err: NodeJS.ErrnoException | null, entries: DirEntry<Buffer>[]): void {
    task.inFlight--;
    if (this.#stopped) return;
    if (err !== null) {
      // The stream closed itself: this pass ends with what it found.
      this.#note(task, err);
      return this.#passRead(task);
    }
    task.chunk = entries;
    task.next = 0;
    this.#work.push(task);
  }

  /** Issues the next entry of the chunk on top of #work; false once the chunk is used up. */
  #issueNext(task: DirTask): boolean {
    const chunk = task.chunk;
    while (task.next < chunk.length) {
      const entry = chunk[task.next++] as DirEntry<Buffer>;
      if (entry.type === 'dir') task.subdirs.push(entry.name);
      else if (entry.type === 'unknown') return this.#probe(task, entry.name);
      else return this.#unlink(task, entry.name);
    }
    this.#work.pop();
    task.chunk = kNoEntries;
    this.#chunkIssued(task);
    return false;
  }

  /** The chunk is issued: read on, or pause at kMaxHeldSubdirs, or end the pass. */
  #chunkIssued(task: DirTask): void {
    const stream = task.stream as DirStream;
    if (stream.ended) return this.#passRead(task);
    if (task.subdirs.length < kMaxHeldSubdirs) {
      this.#reads.push(task);
      return;
    }
    stream.close();
    task.paused = true;
    this.#passRead(task);
  }

  /** The pass has read what it will: its subdirectories go on the stack. */
  #passRead(task: DirTask): void {
    this.#open.delete(task);
    task.stream = null;
    task.passRead = true;
    for (const name of task.subdirs) this.#waiting.push(newTask(task, joinPath(task.base, name)));
    task.children += task.subdirs.length;
    task.subdirs = [];
    this.#settle(task);
  }

  #unlink(task: DirTask, name: Buffer): true {
    task.inFlight++;
    this.#group.add(
      this.#aio.unlink(joinPath(task.base, name), {
        priority: this.#priority,
        callback: (err) => this.#entryDone(task, err),
      }),
    );
    return true;
  }

  /** An entry of unknown type (a file system without d_type): lstat tells a directory from the rest. */
  #probe(task: DirTask, name: Buffer): true {
    task.inFlight++;
    this.#group.add(
      this.#aio.lstat(joinPath(task.base, name), {
        priority: this.#priority,
        callback: (err, st) => this.#probed(task, name, err, st),
      }),
    );
    return true;
  }

  #probed(task: DirTask, name: Buffer, err: NodeJS.ErrnoException | null, st: Stats): void {
    if (err !== null || !st.isDirectory()) {
      if (err === null) this.#unlink(task, name);
      return this.#entryDone(task, err);
    }
    if (!task.passRead) {
      task.subdirs.push(name);
    } else {
      task.children++;
      this.#waiting.push(newTask(task, joinPath(task.base, name)));
    }
    this.#entryDone(task, null);
  }

  #entryDone(task: DirTask, err: NodeJS.ErrnoException | null): void {
    task.inFlight--;
    if (this.#stopped) return;
    // An entry that vanished meanwhile is as good as removed.
    if (err === null) task.progress = true;
    else if (err.code !== 'ENOENT') this.#note(task, err);
    this.#settle(task);
  }

  #rmdir(task: DirTask): void {
    task.inFlight++;
    this.#group.add(
      this.#aio.rmdir(task.path, { priority: this.#priority, callback: (err) => this.#rmdirDone(task, err) }),
    );
  }

  /** Removed; or ENOTEMPTY after a pass that removed something: entries were missed, read again. */
  #rmdirDone(task: DirTask, err: NodeJS.ErrnoException | null): void {
    task.inFlight--;
    if (this.#stopped) return;
    if (err?.code === 'ENOTEMPTY' && task.progress) {
      task.progress = false;
      task.passRead = false;
      this.#waiting.push(task);
      return;
    }
    if (err !== null) this.#note(task, err);
    this.#settle(this.#finish(task, err === null || err.code === 'ENOENT'));
  }

  /**
   * Moves a directory on once nothing of it is pending: a paused pass is read again, an emptied
   * directory goes to its rmdir, a failed one is finished (and its parent with it, up the chain: a
   * loop, not recursion, so a deep failed tree costs no stack).
   */
  #settle(from: DirTask | null): void {
    let task = from;
    while (task !== null && task.inFlight === 0 && task.children === 0 && task.passRead) {
      if (task.paused && task.progress) {
        task.paused = false;
        task.progress = false;
        task.passRead = false;
        this.#waiting.push(task);
        return;
      }
      if (!task.failed && !task.paused) {
        this.#rmdirs.push(task);
        return;
      }
      task.failed = true;
      // Invariant: a directory given up on always leaves the request an error to reject with.
      this.#firstError ??= systemError('ENOTEMPTY', 'rmdir', String(task.path));
      task = this.#finish(task, false);
    }
  }

  /** A directory is finished (removed, or given up): tells its parent, or settles at the root. */
  #finish(task: DirTask, removed: boolean): DirTask | null {
    this.#releaseAnchor(task);
    const parent = task.parent;
    if (parent === null) {
      if (this.#firstError !== undefined) failGroup(this.#group, this.#firstError);
      return null;
    }
    parent.children--;
    if (removed) parent.progress = true;
    else parent.failed = true;
    return parent;
  }

  /** First failure wins; a subdirectory that vanished meanwhile is as good as removed. */
  #note(task: DirTask, err: NodeJS.ErrnoException): void {
    if (err.code === 'ENOENT' && task.parent !== null) return;
    if (this.#firstError === undefined) this.#firstError = err;
    task.failed = true;
  }
}

/**
 * Removes the tree at `path`: refuses a last component of `.` or `..`
 * (EINVAL, as rmdir(2) does) and `/` (EBUSY), strips trailing slashes, and
 * refuses a root that is a symlink or not a directory (ENOTDIR), so nothing
 * outside the tree the path names is removed. Directories are read in
 * bounded chunks and never entered through a symlink; every entry is
 * attempted, and the first failure, else the final rmdir, settles it.
 *
 * Platform: Node has no openat/unlinkat, so a directory swapped for a
 * symlink by another process between its listing and its removal is a race
 * this cannot close (IO::AIO has the same window).
 */
export const rmtreeOperation = composite({
  perl: 'aio_rmtree',
  syscall: 'rmtree',
  optsIndex: 1,
  prepare: (path: PathLike, _options?: GroupOptions<void>) => validatePath(path),
  start: (aio: AioContext, path: PathBytes, group: AioGroup<void>) => new TreeRemoval(aio, group).start(path),
});
