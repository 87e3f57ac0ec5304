import { checkedListing } from '../catalogue/checked-listing.js';
import type { DirEntry } from '../catalogue/directories.js';
import type { AioContext } from '../context/context.js';
import { isAbortError } from '../errors.js';
import { type AioGroup, failGroup, type GroupOptions, setFeeder } from '../group.js';
import { composite } from '../operation.js';
import { stepRequest } from '../request.js';
import {
  type PathLike,
  validateBoolean,
  validateEncoding,
  validateFunction,
  validateInteger,
  validatePath,
} from '../validate.js';
import { type PathBytes, stripTrailingSlashes } from './path.js';

/** One entry of a walk: `'dir'` is a real directory, `'nondir'` everything else (symlinks to directories too). */
export interface WalkEntry<P extends PathBytes = string> {
  /** The entry's path: the root joined with the names down to it. */
  path: P;
  /** `'dir'` or `'nondir'`, as said above. */
  type: 'dir' | 'nondir';
}

/** What a walk resolves with: how many entries of each kind it reported. */
export interface WalkResult {
  /** Directories reported (the root is not counted). */
  dirs: number;
  /** Everything else reported. */
  nondirs: number;
}

/** Options of walk. */
export interface WalkOptions<P extends PathBytes = string> extends GroupOptions<WalkResult> {
  /** Most directory scans in flight. @default 32 */
  maxreq?: number | undefined;
  /** Called once per directory scanned, with its entries (the root itself is not an entry). */
  onEntries?: ((dir: P, entries: WalkEntry<P>[]) => void) | undefined;
  /**
   * Called for a subdirectory that cannot be read; the walk goes on. Without
   * it such an error fails the walk. An unreadable root always fails it.
   */
  onError?(error: NodeJS.ErrnoException, dir: P): void;
  /** Enter symlinks to directories, skipping any directory already entered (same device and inode). @default false */
  followSymlinks?: boolean | undefined;
  /**
   * How paths are handed out. Whatever it is, the walk reads every directory
   * by its raw bytes, so a name that is not valid UTF-8 is entered too;
   * `'utf8'` then reports it with U+FFFD in place of the bad bytes.
   * `'buffer'` gives paths as Buffers, byte for byte; `'latin1'` gives them as
   * strings of one character per byte (lossless like Buffers, and cheaper:
   * `Buffer.from(path, 'latin1')` has the bytes back).
   * @default 'utf8'
   */
  encoding?: WalkEncoding | undefined;
}

/** How a walk hands out paths. */
export type WalkEncoding = 'utf8' | 'buffer' | 'latin1';

export interface WalkArgs {
  root: PathBytes;
  maxreq: number;
  onEntries: ((dir: PathBytes, entries: WalkEntry<PathBytes>[]) => void) | null;
  onError: ((error: NodeJS.ErrnoException, dir: PathBytes) => void) | null;
  followSymlinks: boolean;
  encoding: WalkEncoding;
}

/** Default scans in flight: enough to keep libuv's four threads busy on directory reads. */
export const kDefaultWalkScans = 32;

/**
 * A directory to scan. `raw` is its path as bytes, held as a latin1 string
 * (one character per byte: lossless, and far cheaper than a Buffer per
 * name); `out` is the same path in the walk's output encoding.
 */
interface Dir {
  readonly raw: string;
  readonly out: PathBytes;
  /** Listed as a real directory: a symlink found there now is refused, not followed. */
  readonly nofollow: boolean;
  /** The directory it was listed in (its `..` must be that one), or -1: not checked. */
  readonly parentDev: number;
  readonly parentIno: number;
}

/** Who a listed directory is, for its subdirectories' check; kUnchecked where nothing can be checked. */
interface Identity {
  readonly dev: number;
  readonly ino: number;
}
const kUnchecked: Identity = { dev: -1, ino: -1 };

/** Turns a raw name or path (latin1 string) into the output encoding. */
type Convert = (raw: string) => PathBytes;

const kNonAscii = /[\u0080-\u00ff]/;

/** Perf: converters chosen once per walk, so the per-entry loop has no encoding checks. */
const kConverters: Record<WalkEncoding, Convert> = {
  latin1: (raw) => raw,
  buffer: (raw) => Buffer.from(raw, 'latin1'),
  // Perf: most names are ASCII, where the latin1 and utf8 strings are the same string.
  utf8: (raw) => (kNonAscii.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw),
};

/** `dir + '/' + name` in the output encoding, with no normalisation. */
function joinOut(dir: PathBytes, name: PathBytes): PathBytes {
  if (typeof dir === 'string') return `${dir}/${name as string}`;
  return Buffer.concat([dir, Buffer.of(0x2f), name as Buffer]);
}

/** The path node:fs is given: the raw bytes; a root of slashes only (now '') is '/'. */
function fsPath(dir: Dir, root: Dir, rootGiven: PathBytes): Buffer {
  if (dir === root && dir.raw.length === 0 && rootGiven.length > 0) return Buffer.from('/');
  return Buffer.from(dir.raw, 'latin1');
}

/**
 * The tree walk: a group whose feeder scans pending directories, at most
 * `maxreq` at once. Steps: `scan` (readdirx, or scandir's stat-based split
 * where types are missing), `classify` (entries, and symlinks stat'ed when
 * they are followed), `report` (counts, onEntries, pending directories),
 * `scheduleMore` (feeder set again while directories are pending) and
 * `failed` (a scan error: the walk fails on the root, or without onError).
 */
class Walk {
  readonly #aio: AioContext;
  readonly #a: WalkArgs;
  readonly #group: AioGroup<WalkResult>;
  readonly #priority: number;
  readonly #convert: Convert;
  readonly #counts: WalkResult = { dirs: 0, nondirs: 0 };
  /** Invariant: the root is scanned first, and failing to read it fails the walk whatever onError says. */
  readonly #root: Dir;
  /** Perf: a stack, not a queue: depth-first keeps the pending list short on wide trees. */
  readonly #pending: Dir[] = [];
  /** Directories entered, by device and inode (followSymlinks only). */
  readonly #seen = new Set<string>();
  readonly #feed = (): void => this.#feedOne();

  constructor(aio: AioContext, a: WalkArgs, group: AioGroup<WalkResult>) {
    this.#aio = aio;
    this.#a = a;
    this.#group = group;
    this.#priority = group.priority;
    this.#convert = kConverters[a.encoding];
    const bytes = typeof a.root === 'string' ? Buffer.from(a.root) : a.root;
    const raw = stripTrailingSlashes(bytes.toString('latin1')) as string;
    // The root's own spelling is kept where it is a string and paths are strings.
    const out =
      a.encoding === 'utf8' && typeof a.root === 'string' ? stripTrailingSlashes(a.root) : this.#convert(raw);
    this.#root = { raw, out, nofollow: false, parentDev: -1, parentIno: -1 };
  }

  start(): void {
    this.#group.result(this.#counts);
    this.#group.limit(this.#a.maxreq);
    this.#pending.push(this.#root);
    this.#scheduleMore();
  }

  /** The feeder: one pending directory, entered once per device and inode when symlinks are followed. */
  #feedOne(): void {
    const dir = this.#pending.pop();
    if (dir === undefined) return;
    if (this.#a.followSymlinks) this.#scanOnce(dir);
    else this.#scan(dir);
  }

  /**
   * Invariant: called whenever directories were added to `#pending`. Setting
   * the feeder again is harmless when it is still set, and needed when the
   * group dropped it after a call that found nothing pending.
   */
  #scheduleMore(): void {
    if (this.#pending.length > 0) setFeeder(this.#group, this.#feed);
  }

  #scanOnce(dir: Dir): void {
    this.#group.add(
      this.#aio.stat(fsPath(dir, this.#root, this.#a.root), {
        priority: this.#priority,
        callback: (err, st) => {
          if (err !== null) return this.#failed(dir, err);
          const key = `${st.dev}:${st.ino}`;
          if (this.#seen.has(key)) return;
          this.#seen.add(key);
          this.#scan(dir);
        },
      }),
    );
  }

  /**
   * Invariant: a directory is read only if it is the one that was listed (checkedListing: no
   * symlink followed in its place, its `..` the directory it was listed in), so a tree changed
   * under the walk cannot lead it outside.
   */
  #scan(dir: Dir): void {
    const args = {
      path: fsPath(dir, this.#root, this.#a.root),
      nofollow: dir.nofollow,
      parentDev: dir.parentDev,
      parentIno: dir.parentIno,
    };
    this.#group.add(
      stepRequest(this.#group, checkedListing, args, this.#priority, (err, listing) => {
        if (err !== null) return this.#failed(dir, err);
        if (!listing.unknown) return this.#classify(dir, listing.entries, listing);
        this.#scanWithoutTypes(dir);
      }),
    );
  }

  /** Types missing: scandir's stat-based split decides what is a directory. */
  #scanWithoutTypes(dir: Dir): void {
    this.#group.add(
      this.#aio.scandir(fsPath(dir, this.#root, this.#a.root), {
        priority: this.#priority,
        encoding: 'latin1',
        callback: (err, split) => {
          if (err !== null) return this.#failed(dir, err);
          // Invariant: asked for latin1, the names come back as strings.
          const entries: DirEntry<string>[] = [];
          for (const name of split.dirs as string[]) entries.push({ name, type: 'dir' });
          for (const name of split.nondirs as string[]) entries.push({ name, type: 'unknown' });
          this.#classify(dir, entries, kUnchecked);
        },
      }),
    );
  }

  #classify(dir: Dir, listing: DirEntry<string>[], own: Identity): void {
    const convert = this.#convert;
    const entries: WalkEntry<PathBytes>[] = new Array(listing.length);
    const links: number[] = [];
    for (let i = 0; i < listing.length; i++) {
      const d = listing[i] as DirEntry<string>;
      entries[i] = { path: joinOut(dir.out, convert(d.name)), type: d.type === 'dir' ? 'dir' : 'nondir' };
      if (d.type === 'symlink' && this.#a.followSymlinks) links.push(i);
    }
    if (links.length === 0) this.#report(dir, listing, entries, own);
    else this.#resolveLinks(dir, listing, entries, links, own);
  }

  /** followSymlinks: a symlink whose target is a directory is reported, and entered, as one. */
  #resolveLinks(
    dir: Dir,
    listing: DirEntry<string>[],
    entries: WalkEntry<PathBytes>[],
    links: number[],
    own: Identity,
  ): void {
    const priority = this.#priority;
    // Invariant: a cancelled or failed walk reports nothing more; the targets group fails only by cancellation.
    const targets = this.#aio.group({
      priority,
      callback: (err) => err === null && this.#report(dir, listing, entries, own),
    });
    this.#group.add(targets);
    for (const i of links) {
      const entry = entries[i] as WalkEntry<PathBytes>;
      const raw = `${dir.raw}/${(listing[i] as DirEntry<string>).name}`;
      const callback = (err: Error | null, st: { isDirectory(): boolean }): void => {
        if (err === null && st.isDirectory()) entry.type = 'dir';
      };
      targets.add(this.#aio.stat(Buffer.from(raw, 'latin1'), { priority, callback }));
    }
  }

  #report(dir: Dir, listing: DirEntry<string>[], entries: WalkEntry<PathBytes>[], own: Identity): void {
    const counts = this.#counts;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as WalkEntry<PathBytes>;
      if (entry.type === 'nondir') {
        counts.nondirs++;
        continue;
      }
      counts.dirs++;
      const listed = listing[i] as DirEntry<string>;
      // A symlink entered by followSymlinks leads elsewhere by design: its `..` is not checked.
      const real = listed.type === 'dir';
      this.#pending.push({
        raw: `${dir.raw}/${listed.name}`,
        out: entry.path,
        nofollow: real,
        parentDev: real ? own.dev : -1,
        parentIno: real ? own.ino : -1,
      });
    }
    this.#a.onEntries?.(dir.out, entries);
    this.#scheduleMore();
  }

  #failed(dir: Dir, err: NodeJS.ErrnoException): void {
    // A cancelled scan is the walk being stopped, not a directory failing.
    if (isAbortError(err)) return;
    if (this.#a.onError !== null && dir !== this.#root) this.#a.onError(err, dir.out);
    else failGroup(this.#group, err);
  }
}

function walkEncoding(value: unknown): WalkEncoding {
  const encoding = validateEncoding(value);
  return encoding === 'buffer' || encoding === 'latin1' ? encoding : 'utf8';
}

function optionalFunction<F extends Function>(value: unknown, name: string): F | null {
  return value === undefined ? null : validateFunction<F>(value, name);
}

function prepareWalk<P extends PathBytes = string>(root: PathLike, options?: WalkOptions<P>): WalkArgs {
  return {
    root: validatePath(root, 'root'),
    maxreq:
      options?.maxreq === undefined
        ? kDefaultWalkScans
        : validateInteger(options.maxreq, 'options.maxreq', 1, 1024),
    onEntries: optionalFunction(options?.onEntries, 'options.onEntries'),
    onError: optionalFunction(options?.onError, 'options.onError'),
    followSymlinks: validateBoolean(options?.followSymlinks, 'options.followSymlinks'),
    encoding: walkEncoding(options?.encoding),
  };
}

export const walkOperation = composite({
  perl: null,
  syscall: 'scandir',
  optsIndex: 1,
  prepare: prepareWalk,
  start: (aio: AioContext, a: WalkArgs, group: AioGroup<WalkResult>) => new Walk(aio, a, group).start(),
});
