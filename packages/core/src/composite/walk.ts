import { type DirEntry, READDIR_DENTS, READDIR_FOUND_UNKNOWN } from '../catalogue/directories.js';
import { composite } from '../catalogue/operation.js';
import type { AioContext } from '../context.js';
import { isAbortError } from '../errors.js';
import { type AioGroup, failGroup, type GroupOptions, setFeeder } from '../group.js';
import {
  type PathLike,
  validateBoolean,
  validateEncoding,
  validateFunction,
  validateInteger,
  validatePath,
} from '../validate.js';
import { joinPath, type PathBytes, stripTrailingSlashes } from './path.js';

/** One entry of a walk: `'dir'` is a real directory, `'nondir'` everything else (symlinks to directories too). */
export interface WalkEntry<P extends PathBytes = string> {
  path: P;
  type: 'dir' | 'nondir';
}

/** What a walk resolves with: how many entries of each kind it reported. */
export interface WalkResult {
  dirs: number;
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

function startWalk(aio: AioContext, a: WalkArgs, group: AioGroup<WalkResult>): void {
  const priority = group.priority;
  const counts: WalkResult = { dirs: 0, nondirs: 0 };
  // Paths come out in the encoding asked for, the root's own part included.
  const latin1 = a.encoding === 'latin1';
  const rootBytes = typeof a.root === 'string' ? Buffer.from(a.root) : a.root;
  const root =
    a.encoding === 'buffer' ? rootBytes : latin1 ? rootBytes.toString('latin1') : a.root.toString();
  /** The path node:fs must be given: a latin1 path goes back to its bytes. */
  const fsPath = (path: PathBytes): PathBytes =>
    latin1 && typeof path === 'string' ? Buffer.from(path, 'latin1') : path;
  const base = stripTrailingSlashes(root);
  // Perf: a stack, not a queue: depth-first keeps the pending list short on wide trees.
  const pending: PathBytes[] = [base];
  const seen = new Set<string>();
  let scanned = 0;

  // Only a root of slashes becomes '': the empty path itself stays empty and fails as readdir('') does.
  const readable = (dir: PathBytes): PathBytes => (dir.length === 0 && root.length > 0 ? '/' : fsPath(dir));

  const failed = (dir: PathBytes, err: NodeJS.ErrnoException): void => {
    // A cancelled scan is the walk being stopped, not a directory failing.
    if (isAbortError(err)) return;
    if (a.onError !== null && !(dir === base && scanned === 1)) a.onError(err, dir);
    else failGroup(group, err);
  };

  const report = (dir: PathBytes, entries: WalkEntry<PathBytes>[]): void => {
    for (const entry of entries) {
      if (entry.type === 'dir') {
        counts.dirs++;
        pending.push(entry.path);
      } else {
        counts.nondirs++;
      }
    }
    a.onEntries?.(dir, entries);
    if (pending.length > 0) setFeeder(group, feeder);
  };

  const classify = (dir: PathBytes, listing: DirEntry[]): void => {
    const entries: WalkEntry<PathBytes>[] = new Array(listing.length);
    const links: number[] = [];
    for (let i = 0; i < listing.length; i++) {
      const d = listing[i] as DirEntry;
      entries[i] = { path: joinPath(dir, d.name), type: d.type === 'dir' ? 'dir' : 'nondir' };
      if (a.followSymlinks && d.type === 'symlink') links.push(i);
    }
    if (links.length === 0) {
      report(dir, entries);
      return;
    }
    // Invariant: a cancelled or failed walk reports nothing more; the targets group fails only by cancellation.
    const targets = aio.group({ priority, callback: (err) => err === null && report(dir, entries) });
    group.add(targets);
    for (const i of links) {
      const entry = entries[i] as WalkEntry<PathBytes>;
      targets.add(
        aio.stat(fsPath(entry.path), {
          priority,
          callback: (err, st) => {
            if (err === null && st.isDirectory()) entry.type = 'dir';
          },
        }),
      );
    }
  };

  const scan = (dir: PathBytes): void => {
    scanned++;
    group.add(
      aio.readdirx(readable(dir), READDIR_DENTS, {
        priority,
        encoding: a.encoding,
        callback: (err, listing) => {
          if (err !== null) return failed(dir, err);
          if ((listing.flags & READDIR_FOUND_UNKNOWN) === 0)
            return classify(dir, listing.entries as DirEntry[]);
          // Types missing: scandir's stat-based split decides what is a directory.
          group.add(
            aio.scandir(readable(dir), {
              priority,
              // The names come back as strings or Buffers, as asked; classify takes either.
              encoding: a.encoding as 'utf8',
              callback: (serr, split) => {
                if (serr !== null) return failed(dir, serr);
                classify(dir, [
                  ...split.dirs.map((name): DirEntry => ({ name, type: 'dir' })),
                  ...split.nondirs.map((name): DirEntry => ({ name, type: 'unknown' })),
                ]);
              },
            }),
          );
        },
      }),
    );
  };

  /** With followSymlinks: a directory is entered once, whatever path leads to it. */
  const scanOnce = (dir: PathBytes): void => {
    group.add(
      aio.stat(readable(dir), {
        priority,
        callback: (err, st) => {
          if (err !== null) {
            scanned++;
            return failed(dir, err);
          }
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) return;
          seen.add(key);
          scan(dir);
        },
      }),
    );
  };

  const feeder = (): void => {
    const dir = pending.pop();
    if (dir === undefined) return;
    if (a.followSymlinks) scanOnce(dir);
    else scan(dir);
  };

  group.result(counts);
  group.limit(a.maxreq);
  setFeeder(group, feeder);
}

function walkEncoding(value: unknown): WalkEncoding {
  const encoding = validateEncoding(value);
  return encoding === 'buffer' || encoding === 'latin1' ? encoding : 'utf8';
}

export const walkOperation = composite({
  perl: null,
  syscall: 'scandir',
  optsIndex: 1,
  prepare: <P extends PathBytes = string>(root: PathLike, options?: WalkOptions<P>): WalkArgs => ({
    root: validatePath(root, 'root'),
    maxreq:
      options?.maxreq === undefined
        ? kDefaultWalkScans
        : validateInteger(options.maxreq, 'options.maxreq', 1, 1024),
    onEntries:
      options?.onEntries === undefined
        ? null
        : validateFunction<(dir: PathBytes, entries: WalkEntry<PathBytes>[]) => void>(
            options.onEntries,
            'options.onEntries',
          ),
    onError:
      options?.onError === undefined
        ? null
        : validateFunction<(error: NodeJS.ErrnoException, dir: PathBytes) => void>(
            options.onError,
            'options.onError',
          ),
    followSymlinks: validateBoolean(options?.followSymlinks, 'options.followSymlinks'),
    encoding: walkEncoding(options?.encoding),
  }),
  start: startWalk,
});
