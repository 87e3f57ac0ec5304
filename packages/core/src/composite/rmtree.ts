import { constants, type Stats } from 'node:fs';
import { DirStream } from '../catalogue/dir-stream.js';
import type { DirEntry } from '../catalogue/directories.js';
import { removeAt } from '../catalogue/remove-at.js';
import type { AioContext } from '../context/context.js';
import { systemError } from '../errors.js';
import { closeCountedNow } from '../fd-budget.js';
import { type AioGroup, failGroup, type GroupOptions, setFeeder } from '../group.js';
import { composite } from '../operation.js';
import { type AioRequest, requestFdBudget, stepRequest } from '../request.js';
import { type PathLike, validatePath } from '../validate.js';
import { hasProcFd, kProcFd } from '../working-directory.js';
import { joinPath, type PathBytes, stripTrailingSlashes } from './path.js';

/**
 * Perf: requests of one rmtree in flight at once (unlinks, chunk reads, rmdirs); the group's limit,
 * which a caller may change. bench/ (scenario rmtree) tried 8 on maxParallel 4 and 64 on
 * maxParallel 32 beside this on the default context: neither was faster beyond the machine's noise,
 * and 16 keeps the default context's 8 slots fed while holding little.
 */
const kLimit = 16;
/** Entries one chunk of a directory holds: the bound on names held from its stream. */
const kChunkEntries = 1024;
/**
 * Subdirectory names one directory may hold before its reading pauses: the directory is closed,
 * those are removed, then it is read again from the start (only what is left). Bounds memory in a
 * directory of millions of subdirectories, at the cost of a re-read per pause.
 */
const kMaxHeldSubdirs = 4096;
/**
 * Ancestors of the directory being emptied that keep their descriptor, at most (fewer on a small fd
 * budget). Perf: going back up one level then costs no request; a farther ancestor is reopened
 * through `..` of its child (and checked) when the removal climbs back to it.
 */
const kMaxHeldAncestors = 4;
/** Descriptors a lane needs besides its held ancestors: the directory, its stream, one more. */
const kWorkingFds = 3;
/**
 * Perf: lanes emptying disjoint subtrees at once. One lane waits on every directory's open, read
 * and rmdir in turn; a tree of many small directories is then bound by those round trips.
 */
const kLanes = 4;

/** A subdirectory is opened like this: a symlink or a non-directory swapped in is refused by the kernel. */
const kDownFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** `..` of a directory (a symlink is not possible there; the identity check does the rest). */
const kUpFlags = constants.O_RDONLY | constants.O_DIRECTORY;

const kNoEntries: DirEntry<Buffer>[] = [];

/** One directory of the tree: the one a lane is emptying, and the chain of its ancestors. */
interface Dir {
  readonly parent: Dir | null;
  /** Its name in the parent; the root has none. */
  readonly name: Buffer | null;
  /**
   * Its path, kept only where names cannot go through descriptors (no /proc, decided once per
   * removal): null means "name it as /proc/self/fd/N", which the kernel resolves through
   * descriptor N exactly as `openat(N, name)` would (Node has no *at() calls).
   */
  readonly path: PathBytes | null;
  /** Its descriptor (opened with O_NOFOLLOW below the root), or -1 while it holds none. */
  fd: number;
  /** Who it is (device and inode, from fstat when its descriptor is given up): checked when reopened through `..`. */
  dev: number;
  ino: number;
  /** Subdirectories found by the current pass, not yet entered. */
  subdirs: Buffer[];
  /** Subdirectories handed to another lane and not finished. */
  handedOff: number;
  /** Subdirectories another lane emptied, waiting for their rmdir here. */
  emptied: Buffer[];
  /** The lane waiting here for the subdirectories it handed off, or null. */
  waiter: Lane | null;
  /** Its descriptor is being given up (its identity asked first); cleared if a lane needs it meanwhile. */
  leaving: boolean;
  /** The pass stopped at kMaxHeldSubdirs: read again once those are removed. */
  paused: boolean;
  /** Something was removed since its last pass began (worth another pass on ENOTEMPTY). */
  progress: boolean;
  /** Something in it could not be removed: it is not rmdir'ed, and neither are its parents. */
  failed: boolean;
}

function newDir(parent: Dir | null, name: Buffer | null, path: PathBytes | null, fd: number): Dir {
  return {
    parent,
    name,
    path,
    fd,
    dev: -1,
    ino: -1,
    subdirs: [],
    handedOff: 0,
    emptied: [],
    waiter: null,
    leaving: false,
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

/** How the root's path and every name below it read in errors: the path a user gave, joined. */
function shownPath(root: PathBytes, dir: Dir, name: Buffer | null): string {
  const names: Buffer[] = name === null ? [] : [name];
  for (let d: Dir | null = dir; d !== null && d.name !== null; d = d.parent) names.push(d.name);
  let path = root;
  for (let i = names.length - 1; i >= 0; i--) path = joinPath(path, names[i] as Buffer);
  return String(path);
}

/** `name` under `dir`, as the kernel is given it: through the descriptor where it can be. */
function nameIn(dir: Dir, name: Buffer | string): PathBytes {
  return joinPath(self(dir), name);
}

/** The directory itself, as the kernel is given it. */
function self(dir: Dir): PathBytes {
  return dir.path ?? `${kProcFd}/${dir.fd}`;
}

/**
 * One cursor of the removal, depth first through its own subtree as `rm -rf` goes: the directory
 * it is emptying is open, its entries are unlinked many at once through that descriptor, and its
 * subdirectories are entered one by one through it with O_NOFOLLOW, or handed to an idle lane
 * (whose subtree is then its own: it never touches a directory above its top). Climbing back, a
 * parent whose descriptor was given up is reopened through `..` and must be the same directory
 * (device and inode), else the removal stops. JS recursion never grows with the tree's depth.
 */
class Lane {
  readonly #r: TreeRemoval;
  /** The lane's own subtree starts here: the root, or a subdirectory handed to it. */
  top: Dir | null = null;
  /** The directory being emptied, or climbed through; null: the lane is free. */
  cur: Dir | null = null;
  /** The current directory's stream while a pass reads it. */
  stream: DirStream | null = null;
  reading = false;
  chunk: DirEntry<Buffer>[] = kNoEntries;
  next = 0;
  /** Entry requests of the current directory not finished (unlinks, probes, rmdirs of emptied subdirectories). */
  inFlight = 0;
  /** The next directory-level request (open, stat, rmdir…), issued by the feeder; one at a time. */
  step: (() => void) | null = null;

  constructor(removal: TreeRemoval) {
    this.#r = removal;
  }

  /** Adds one request of this lane, if it has one ready; false when it has none now. */
  feed(): boolean {
    for (;;) {
      // Invariant: checked on every turn; issuing a chunk's last entry may set the next step.
      const step = this.step;
      if (step !== null) {
        this.step = null;
        step();
        return true;
      }
      if (this.cur === null) return false;
      // Invariant: a chunk stays current until #issueNext finds it used up (and calls #chunkIssued).
      if (this.chunk !== kNoEntries) {
        if (this.#issueNext(this.cur)) return true;
        continue;
      }
      if (this.stream === null || this.reading) return false;
      this.#readChunk(this.cur, this.stream);
      return true;
    }
  }

  /** Starts a pass over `dir`: it becomes the current directory, its stream opens on its descriptor. */
  enter(dir: Dir): void {
    this.#r.opened(dir);
    this.cur = dir;
    this.stream = new DirStream(self(dir), { encoding: 'buffer', chunkEntries: kChunkEntries });
  }

  #readChunk(dir: Dir, stream: DirStream): void {
    this.reading = true;
    this.#r.add(
      this.#r.aio.readdirChunk(stream, {
        priority: this.#r.priority,
        callback: (err, entries) => this.#chunkRead(dir, err, entries as DirEntry<Buffer>[]),
      }),
    );
  }

  #chunkRead(dir: Dir, err: NodeJS.ErrnoException | null, entries: DirEntry<Buffer>[]): void {
    this.reading = false;
    if (this.#r.stopped) return;
    if (err !== null) {
      // The stream closed itself: this pass ends with what it found.
      this.#r.note(dir, this.#r.relabel(err, dir, null));
      return this.#passRead(dir);
    }
    this.chunk = entries;
    this.next = 0;
    if (entries.length === 0) this.#chunkIssued(dir);
  }

  /** Issues the next entry of the current chunk; false once the chunk is used up. */
  #issueNext(dir: Dir): boolean {
    const chunk = this.chunk;
    while (this.next < chunk.length) {
      const entry = chunk[this.next++] as DirEntry<Buffer>;
      if (entry.type === 'dir') dir.subdirs.push(entry.name);
      else if (entry.type === 'unknown') return this.#probe(dir, entry.name);
      else return this.#unlink(dir, entry.name);
    }
    this.#chunkIssued(dir);
    return false;
  }

  /** The chunk is issued: read on (the feeder does), or pause at kMaxHeldSubdirs, or end the pass. */
  #chunkIssued(dir: Dir): void {
    this.chunk = kNoEntries;
    this.next = 0;
    const stream = this.stream as DirStream;
    if (stream.ended) return this.#passRead(dir);
    if (dir.subdirs.length < kMaxHeldSubdirs) return;
    stream.close();
    dir.paused = true;
    this.#passRead(dir);
  }

  /** The pass has read what it will; once its entries are done, its subdirectories are entered. */
  #passRead(dir: Dir): void {
    this.stream?.close();
    this.stream = null;
    if (this.inFlight === 0) this.#descendOrLeave(dir);
  }

  #unlink(dir: Dir, name: Buffer): true {
    this.inFlight++;
    this.#r.removeAt(dir, name, false, (err) => this.#entryDone(dir, name, err));
    return true;
  }

  /** An entry of unknown type (a file system without d_type): lstat tells a directory from the rest. */
  #probe(dir: Dir, name: Buffer): true {
    this.inFlight++;
    this.#r.add(
      this.#r.aio.lstat(nameIn(dir, name), {
        priority: this.#r.priority,
        callback: (err, st) => {
          if (err !== null || !st.isDirectory()) {
            if (err === null) this.#unlink(dir, name);
            return this.#entryDone(dir, name, err);
          }
          dir.subdirs.push(name);
          this.#entryDone(dir, name, null);
        },
      }),
    );
    return true;
  }

  #entryDone(dir: Dir, name: Buffer, err: NodeJS.ErrnoException | null): void {
    this.inFlight--;
    if (this.#r.stopped) return;
    // An entry that vanished meanwhile is as good as removed.
    if (err === null) dir.progress = true;
    else if (err.code !== 'ENOENT') this.#r.note(dir, this.#r.relabel(err, dir, name));
    if (this.inFlight === 0 && this.stream === null && this.chunk === kNoEntries) this.#descendOrLeave(dir);
  }

  /**
   * Next, in order: rmdir what other lanes emptied here; enter (or hand off) the next
   * subdirectory; wait for handed-off ones; read again after a pause that removed something;
   * else leave.
   */
  #descendOrLeave(dir: Dir): void {
    if (dir.emptied.length > 0) return this.#rmdirEmptied(dir);
    const name = dir.subdirs.pop();
    if (name !== undefined) {
      this.step = () => this.#openChild(dir, name);
      return;
    }
    if (dir.handedOff > 0) {
      dir.waiter = this;
      return;
    }
    if (dir.paused) {
      dir.paused = false;
      if (dir.progress) {
        dir.progress = false;
        return this.enter(dir);
      }
      dir.failed = true;
      this.#r.noteFirst(systemError('ENOTEMPTY', 'rmdir', this.#r.shown(dir, null)));
    }
    this.#leave(dir);
  }

  /** Another lane handed back a subdirectory it finished: this lane goes on if it was waiting for it. */
  wake(dir: Dir): void {
    if (dir.waiter !== this || this.#r.stopped) return;
    dir.waiter = null;
    this.#descendOrLeave(dir);
  }

  /** Subdirectories other lanes emptied: their rmdirs, through this directory's descriptor, all at once. */
  #rmdirEmptied(dir: Dir): void {
    for (const name of dir.emptied.splice(0)) {
      this.inFlight++;
      this.#r.removeAt(dir, name, true, (err) => {
        // A subdirectory filled again meanwhile is entered and read again.
        if (err?.code === 'ENOTEMPTY') dir.subdirs.push(name);
        this.#entryDone(dir, name, err?.code === 'ENOTEMPTY' ? null : err);
      });
    }
  }

  /** Invariant: a subdirectory is opened through its parent's descriptor and never through a symlink. */
  #openChild(dir: Dir, name: Buffer): void {
    this.#r.openDir(nameIn(dir, name), kDownFlags, (err, fd) => {
      if (err === null) {
        const child = newDir(dir, name, dir.path === null ? null : joinPath(dir.path, name), fd);
        if (dir.subdirs.length > 0 && this.#r.handOff(child)) {
          dir.handedOff++;
          return this.#descendOrLeave(dir);
        }
        this.#releaseFar(child);
        return this.enter(child);
      }
      // No longer a directory (a symlink or a file swapped in): an entry like any other, unlinked.
      if (err.code === 'ELOOP' || err.code === 'ENOTDIR') return this.#unlink(dir, name);
      if (err.code === 'ENOENT') dir.progress = true;
      else this.#r.note(dir, this.#r.relabel(err, dir, name));
      this.#descendOrLeave(dir);
    });
  }

  /**
   * Keeps the descriptors of the nearest ancestors only: the one just beyond them is given up.
   * Invariant: never one above this lane's top, which belongs to another lane.
   */
  #releaseFar(child: Dir): void {
    let far: Dir | null = child;
    for (let i = 0; i <= this.#r.heldAncestors; i++) {
      if (far === null || far === this.top) return;
      far = far.parent;
    }
    if (far !== null && far.fd >= 0 && !far.leaving) this.#r.giveUp(far);
  }

  /** Emptied (or given up): its rmdir through its parent, then its descriptor goes. */
  #leave(dir: Dir): void {
    if (dir === this.top && dir.parent !== null) return this.#handBack(dir);
    if (dir.failed) return this.#up(dir, false);
    const parent = dir.parent;
    if (parent === null) {
      this.step = () =>
        this.#r.add(
          this.#r.aio.rmdir(this.#r.root, {
            priority: this.#r.priority,
            callback: (err) => this.#rmdirDone(dir, err),
          }),
        );
      return;
    }
    this.#withParent(dir, parent, () => {
      this.step = () =>
        this.#r.removeAt(parent, dir.name as Buffer, true, (err) => this.#rmdirDone(dir, err));
    });
  }

  /** The top of a handed-off subtree is finished: its parent's lane does the rmdir; this lane is free. */
  #handBack(dir: Dir): void {
    this.#r.release(dir);
    const parent = dir.parent as Dir;
    if (dir.failed) parent.failed = true;
    else parent.emptied.push(dir.name as Buffer);
    parent.handedOff--;
    this.cur = null;
    this.top = null;
    parent.waiter?.wake(parent);
  }

  /** Reopens a parent whose descriptor was given up, through the child's `..`, and checks it is the same. */
  #withParent(dir: Dir, parent: Dir, then: () => void): void {
    if (parent.fd >= 0) {
      // Reached again before its give-up finished: it stays open.
      parent.leaving = false;
      return then();
    }
    this.step = () =>
      this.#r.openDir(nameIn(dir, '..'), kUpFlags, (err, fd) => {
        if (err !== null) return this.#r.abandon(this.#r.relabel(err, parent, null));
        this.#r.identify(fd, (st) => {
          if (st.dev !== parent.dev || st.ino !== parent.ino) {
            this.#r.closeFd(fd);
            // Invariant: the tree was moved under the removal; nothing outside it may be touched.
            return this.#r.abandon(systemError('ENOENT', 'rmdir', this.#r.shown(parent, null)));
          }
          parent.fd = fd;
          this.#r.opened(parent);
          then();
        });
      });
  }

  /** Removed; or ENOTEMPTY after a pass that removed something: entries were missed, read again. */
  #rmdirDone(dir: Dir, err: NodeJS.ErrnoException | null): void {
    if (this.#r.stopped) return;
    if (err?.code === 'ENOTEMPTY' && dir.progress) {
      dir.progress = false;
      return this.enter(dir);
    }
    if (err !== null && (err.code !== 'ENOENT' || dir.parent === null)) {
      this.#r.note(dir, dir.parent === null ? err : this.#r.relabel(err, dir.parent, dir.name));
    }
    this.#up(dir, err === null || (err.code === 'ENOENT' && dir.parent !== null));
  }

  /** A directory is finished: its descriptor goes, and its parent carries on (or the removal settles). */
  #up(dir: Dir, removed: boolean): void {
    const parent = dir.parent;
    if (parent === null) {
      this.#r.release(dir);
      this.cur = null;
      return this.#r.settle();
    }
    if (removed) parent.progress = true;
    else parent.failed = true;
    this.cur = parent;
    const carryOn = (): void => {
      this.#r.release(dir);
      this.#descendOrLeave(parent);
    };
    // A failed directory was not rmdir'ed, so its parent may not be open yet: reopen it first
    // (and one being given up is kept: this lane works in it again).
    this.#withParent(dir, parent, carryOn);
  }

  /** Cancelled: the stream closes now (descriptors are closed by the removal). */
  stop(): void {
    this.step = null;
    this.stream?.close();
    this.stream = null;
  }
}

/**
 * One removal: up to `lanes` cursors (see {@link Lane}) over disjoint subtrees, every request
 * through the group's feeder, at most its limit at once. On Linux every name below the root is
 * resolved through a directory it holds open; at most (heldAncestors + 3) descriptors per lane.
 */
class TreeRemoval {
  readonly aio: AioContext;
  readonly #group: AioGroup<void>;
  readonly priority: number;
  readonly heldAncestors: number;
  readonly #lanes: Lane[] = [];
  #turn = 0;
  root: PathBytes = '';
  /** Every directory holding a descriptor, so a cancel can close them all. */
  readonly #open = new Set<Dir>();
  #firstError: unknown = undefined;
  stopped = false;

  constructor(aio: AioContext, group: AioGroup<void>) {
    this.aio = aio;
    this.#group = group;
    this.priority = group.priority;
    const budget = requestFdBudget(group);
    const size = budget === null ? Number.POSITIVE_INFINITY : budget.size;
    this.heldAncestors = Math.max(0, Math.min(kMaxHeldAncestors, Math.floor(size / 2) - kWorkingFds));
    const lanes = Math.max(1, Math.min(kLanes, Math.floor(size / (this.heldAncestors + kWorkingFds))));
    for (let i = 0; i < lanes; i++) this.#lanes.push(new Lane(this));
  }

  /** refuseDotRoot → lstatRoot → refuseSymlinkRoot → openRoot → the lanes. */
  start(path: PathBytes): void {
    const root = stripTrailingSlashes(path);
    if (this.#refuseDotRoot(path, root)) return;
    this.root = root;
    // Set first, so a caller's limit(0) (a pause) made after the call is kept.
    this.#group.limit(kLimit);
    this.#group.signal.addEventListener('abort', () => this.#stop(), { once: true });
    const first = this.#lanes[0] as Lane;
    first.step = () => this.#lstatRoot(first, root);
    setFeeder(this.#group, () => this.#feed());
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

  #lstatRoot(lane: Lane, root: PathBytes): void {
    // The lane is busy from here on (cur is set once the root is open).
    this.add(
      this.aio.lstat(root, {
        priority: this.priority,
        callback: (err, st) => {
          if (!this.#refuseSymlinkRoot(root, err, st)) lane.step = () => this.#openRoot(lane, root);
        },
      }),
    );
  }

  /** Invariant: a symlink root is never entered (its target lies outside the tree), nor a file. */
  #refuseSymlinkRoot(root: PathBytes, err: NodeJS.ErrnoException | null, st: Stats): boolean {
    if (err === null && st.isDirectory()) return false;
    failGroup(this.#group, err ?? systemError('ENOTDIR', 'rmdir', String(root)));
    return true;
  }

  /** The root is opened with O_NOFOLLOW too: a symlink swapped in after the lstat is refused. */
  #openRoot(lane: Lane, root: PathBytes): void {
    this.openDir(root, kDownFlags, (err, fd) => {
      if (err === null) {
        // The root's path is kept only where names cannot go through descriptors.
        const dir = newDir(null, null, hasProcFd() ? null : root, fd);
        lane.top = dir;
        return lane.enter(dir);
      }
      const swapped = err.code === 'ELOOP' || err.code === 'ENOTDIR';
      failGroup(this.#group, swapped ? systemError('ENOTDIR', 'rmdir', String(root)) : err);
    });
  }

  /** The feeder: one request from the next lane that has one ready, or nothing. */
  #feed(): void {
    const lanes = this.#lanes;
    for (let i = 0; i < lanes.length && !this.stopped; i++) {
      const lane = lanes[(this.#turn + i) % lanes.length] as Lane;
      if (lane.step === null && lane.cur === null) continue;
      if (lane.feed()) {
        this.#turn = (this.#turn + i + 1) % lanes.length;
        return;
      }
    }
  }

  /** A free lane takes over the subtree at `child` (already open); false when every lane is busy. */
  handOff(child: Dir): boolean {
    const lane = this.#lanes.find((l) => l.cur === null && l.step === null);
    if (lane === undefined) return false;
    lane.top = child;
    lane.enter(child);
    return true;
  }

  add(req: AioRequest<unknown>): void {
    this.#group.add(req);
  }

  /** unlink or rmdir `name` in `dir`, through its descriptor (unlinkat on the native pool). */
  removeAt(
    dir: Dir,
    name: Buffer,
    isDir: boolean,
    callback: (err: NodeJS.ErrnoException | null) => void,
  ): void {
    const args = { dirfd: dir.fd, name, dir: isDir, path: nameIn(dir, name) };
    this.add(stepRequest(this.#group, removeAt, args, this.priority, callback));
  }

  openDir(
    path: PathBytes,
    flags: number,
    then: (err: NodeJS.ErrnoException | null, fd: number) => void,
  ): void {
    this.add(
      this.aio.open(path, flags, 0, {
        priority: this.priority,
        callback: (err, fd) => {
          if (err === null && this.stopped) return this.closeFd(fd);
          if (!this.stopped) then(err, fd);
        },
      }),
    );
  }

  /** Its device and inode, from a descriptor just opened: who the directory is. */
  identify(fd: number, then: (st: Stats) => void): void {
    this.add(
      this.aio.stat(fd, {
        priority: this.priority,
        callback: (err, st) => {
          if (err === null && !this.stopped) return then(st);
          this.closeFd(fd);
          if (err !== null) this.abandon(err);
        },
      }),
    );
  }

  opened(dir: Dir): void {
    this.#open.add(dir);
  }

  /**
   * Gives up an ancestor's descriptor, learning first who it is (fstat), so that reaching it
   * again through `..` can be checked. Off the lane's path: the lane goes on meanwhile.
   */
  giveUp(dir: Dir): void {
    dir.leaving = true;
    this.add(
      this.aio.stat(dir.fd, {
        priority: this.priority,
        callback: (err, st) => {
          // Invariant: closed only once its identity is known (or the removal stopped), and only if
          // no lane reached it again meanwhile; never while this stat may still be using it.
          const leaving = dir.leaving;
          dir.leaving = false;
          if (err === null) {
            dir.dev = st.dev;
            dir.ino = st.ino;
          }
          if (leaving || this.stopped) this.release(dir);
          if (err !== null && !this.stopped) this.abandon(err);
        },
      }),
    );
  }

  /** Closes a directory's descriptor; a clean-up, so it runs even when the removal is cancelled. */
  release(dir: Dir): void {
    // A directory being given up is closed by that step, once its stat is done with the descriptor.
    if (dir.fd < 0 || dir.leaving) return;
    const fd = dir.fd;
    dir.fd = -1;
    this.#open.delete(dir);
    this.closeFd(fd);
  }

  /**
   * Perf: a directory's descriptor is closed at once, on this thread: close(2) of a directory
   * waits on no I/O (as DirStream's close), and a queued close per directory cost a round trip
   * through the pool each. Its unit of the fd budget goes back with it.
   */
  closeFd(fd: number): void {
    closeCountedNow(fd);
  }

  /** The root is finished: the removal settles with the first failure, or resolves. */
  settle(): void {
    if (this.#firstError !== undefined) failGroup(this.#group, this.#firstError);
  }

  /** Cancelled: no more requests, and every descriptor and stream still open is closed now. */
  #stop(): void {
    this.stopped = true;
    for (const lane of this.#lanes) lane.stop();
    for (const dir of this.#open) this.release(dir);
  }

  /** The removal cannot go on safely (the tree moved, a parent cannot be reopened): it stops here. */
  abandon(err: unknown): void {
    this.noteFirst(err);
    this.#stop();
    failGroup(this.#group, this.#firstError);
  }

  shown(dir: Dir, name: Buffer | null): string {
    return shownPath(this.root, dir, name);
  }

  /** An error about a name under an open directory, told with the path a user knows. */
  relabel(err: NodeJS.ErrnoException, dir: Dir, name: Buffer | null): NodeJS.ErrnoException {
    const given = err.path;
    if (given === undefined || !given.startsWith(`${kProcFd}/`)) return err;
    const shown = this.shown(dir, name);
    err.message = err.message.replace(given, shown);
    err.path = shown;
    return err;
  }

  /** First failure wins. */
  noteFirst(err: unknown): void {
    if (this.#firstError === undefined) this.#firstError = err;
  }

  note(dir: Dir, err: NodeJS.ErrnoException): void {
    this.noteFirst(err);
    dir.failed = true;
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
 * Every name below the root is resolved through a directory the removal
 * holds open (on Linux), so another process that swaps a directory for a
 * symlink, or moves part of the tree away, cannot redirect it outside the
 * tree: a symlink is refused by O_NOFOLLOW and unlinked, a moved directory
 * is followed, and a parent reached again through `..` that is not the
 * directory it left stops the removal with ENOENT. Only the root's own
 * path is resolved by name (its final rmdir too), as with `rm -rf`.
 */
export const rmtreeOperation = composite({
  perl: 'aio_rmtree',
  syscall: 'rmtree',
  optsIndex: 1,
  prepare: (path: PathLike, _options?: GroupOptions<void>) => validatePath(path),
  start: (aio: AioContext, path: PathBytes, group: AioGroup<void>) => new TreeRemoval(aio, group).start(path),
});
