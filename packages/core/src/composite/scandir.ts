import type { Stats } from 'node:fs';
import {
  type DirEntry,
  READDIR_DENTS,
  READDIR_DIRS_FIRST,
  READDIR_FOUND_UNKNOWN,
} from '../catalogue/directories.js';
import type { AioContext } from '../context/context.js';
import { type AioGroup, failGroup, type GroupOptions } from '../group.js';
import { composite } from '../operation.js';
import {
  type NameEncoding,
  type PathLike,
  validateBoolean,
  validateEncoding,
  validateInteger,
  validatePath,
} from '../validate.js';
import { joinPath, type PathBytes } from './path.js';

/** What scandir resolves with: real directories apart from everything else. */
export interface ScandirResult<N extends PathBytes = string> {
  /** Names of the real subdirectories (never symlinks to directories). */
  dirs: N[];
  /** Names of everything else. */
  nondirs: N[];
}

/** Options of scandir. */
export interface ScandirOptions extends GroupOptions<ScandirResult<PathBytes>> {
  /** Most stat requests in flight when entries must be stat'ed. @default 4 */
  maxreq?: number | undefined;
  /** `'buffer'` gives names as Buffers, byte for byte. @default 'utf8' */
  encoding?: NameEncoding | undefined;
  /**
   * Use the entry types readdir reports. `false` ignores them and classifies
   * entries by stat, as IO::AIO does on file systems without types.
   * @default true
   */
  types?: boolean | undefined;
}

export interface ScandirArgs {
  path: PathBytes;
  maxreq: number;
  encoding: NameEncoding;
  types: boolean;
}

/** The stat fields whose change while reading shows the directory changed. */
function fingerprint(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.nlink}:${st.size}:${st.mtimeMs}`;
}

/** Splits typed entries; used directly when no type was unknown. */
function splitByType(entries: DirEntry[]): ScandirResult<PathBytes> {
  const dirs: PathBytes[] = [];
  const nondirs: PathBytes[] = [];
  for (const entry of entries) (entry.type === 'dir' ? dirs : nondirs).push(entry.name);
  return { dirs, nondirs };
}

/** The state of one classification by stat: the names, the next to stat, what is found so far. */
interface Classification {
  readonly a: ScandirArgs;
  readonly priority: number;
  readonly names: PathBytes[];
  readonly result: ScandirResult<PathBytes>;
  /** The index of the next name to stat. */
  next: number;
  /** Subdirectories still to find, from the link count; -1: unknown. */
  expected: number;
}

/**
 * Classifies names by stat, IO::AIO's way: `name/.` stat'able means a
 * directory or a symlink to one, and an lstat tells which. `expected` is the
 * number of subdirectories the link count promises (-1: unknown); once that
 * many are found the rest are non-directories without a stat.
 */
function classifyByStat(
  aio: AioContext,
  group: AioGroup<ScandirResult<PathBytes>>,
  a: ScandirArgs,
  names: PathBytes[],
  expected: number,
): void {
  const priority = group.priority;
  const c: Classification = { a, priority, names, result: { dirs: [], nondirs: [] }, next: 0, expected };
  const stats = aio.group({ priority, callback: () => group.result(c.result) });
  group.add(stats);
  stats.limit(a.maxreq).feed(() => statNextName(aio, stats, c));
}

/** Feeder step: stats `name/.` of the next name, if any is left. */
function statNextName(aio: AioContext, stats: AioGroup, c: Classification): void {
  if (c.next >= c.names.length) return;
  const name = c.names[c.next++] as PathBytes;
  const path = joinPath(c.a.path, name);
  stats.add(
    aio.stat(joinPath(path, '.'), {
      priority: c.priority,
      callback: (err) => {
        if (err !== null) c.result.nondirs.push(name);
        else lstatCandidate(aio, stats, c, path, name);
      },
    }),
  );
}

/** `name/.` was stat'able: an lstat tells a real directory from a symlink to one. */
function lstatCandidate(
  aio: AioContext,
  stats: AioGroup,
  c: Classification,
  path: PathBytes,
  name: PathBytes,
): void {
  stats.add(
    aio.lstat(path, {
      priority: c.priority,
      callback: (err, st) => recordName(c, name, err === null && st.isDirectory()),
    }),
  );
}

/** Files a classified name; the last promised subdirectory ends the stat'ing. */
function recordName(c: Classification, name: PathBytes, isDir: boolean): void {
  if (!isDir) {
    c.result.nondirs.push(name);
    return;
  }
  c.result.dirs.push(name);
  if (--c.expected !== 0) return;
  // Every subdirectory the link count promised is found: the rest are not directories.
  for (; c.next < c.names.length; c.next++) c.result.nondirs.push(c.names[c.next] as PathBytes);
}

/** The link-count path: stat, read names (likely directories first), stat again, then classify. */
function scanWithoutTypes(aio: AioContext, group: AioGroup<ScandirResult<PathBytes>>, a: ScandirArgs): void {
  group.add(
    aio.stat(a.path, {
      priority: group.priority,
      callback: (err, before) => {
        if (err !== null) return failGroup(group, err);
        readNamesDirsFirst(aio, group, a, before);
      },
    }),
  );
}

/** Second step of the link-count path: the names, likely directories first. */
function readNamesDirsFirst(
  aio: AioContext,
  group: AioGroup<ScandirResult<PathBytes>>,
  a: ScandirArgs,
  before: Stats,
): void {
  const now = Math.floor(Date.now() / 1000);
  group.add(
    aio.readdirx(a.path, READDIR_DIRS_FIRST, {
      priority: group.priority,
      encoding: a.encoding,
      callback: (err, listing) => {
        if (err !== null) return failGroup(group, err);
        restatAndClassify(aio, group, a, listing.entries as PathBytes[], before, now);
      },
    }),
  );
}

/** Last step of the link-count path: stat again, and trust the link count only if nothing changed. */
function restatAndClassify(
  aio: AioContext,
  group: AioGroup<ScandirResult<PathBytes>>,
  a: ScandirArgs,
  names: PathBytes[],
  before: Stats,
  now: number,
): void {
  group.add(
    aio.stat(a.path, {
      priority: group.priority,
      callback: (err, after) => {
        if (err !== null) return failGroup(group, err);
        const expected = expectedSubdirs(before, after, now);
        if (expected === 0) group.result({ dirs: [], nondirs: names });
        else classifyByStat(aio, group, a, names, expected);
      },
    }),
  );
}

/**
 * How many subdirectories the link count promises, or -1 when it cannot be
 * trusted: the directory changed while read, or its mtime is this second
 * (a change within the same second would not show).
 */
function expectedSubdirs(before: Stats, after: Stats, now: number): number {
  const steady = fingerprint(before) === fingerprint(after) && Math.floor(after.mtimeMs / 1000) !== now;
  return steady ? after.nlink - 2 : -1;
}

function startScandir(aio: AioContext, a: ScandirArgs, group: AioGroup<ScandirResult<PathBytes>>): void {
  if (!a.types) {
    scanWithoutTypes(aio, group, a);
    return;
  }
  group.add(
    aio.readdirx(a.path, READDIR_DENTS, {
      priority: group.priority,
      encoding: a.encoding,
      callback: (err, listing) => {
        if (err !== null) return failGroup(group, err);
        const entries = listing.entries as DirEntry[];
        if ((listing.flags & READDIR_FOUND_UNKNOWN) === 0) {
          group.result(splitByType(entries));
          return;
        }
        // Some types unknown: known directories stay directories, the unknown ones are stat'ed.
        const known = entries.filter((e) => e.type !== 'unknown');
        const unknown = entries.filter((e) => e.type === 'unknown').map((e) => e.name);
        const split = splitByType(known);
        const sub = aio.group<ScandirResult<PathBytes>>({
          priority: group.priority,
          callback: (serr, classified) => {
            if (serr !== null) return failGroup(group, serr);
            group.result({
              dirs: [...split.dirs, ...classified.dirs],
              nondirs: [...split.nondirs, ...classified.nondirs],
            });
          },
        });
        group.add(sub);
        classifyByStat(aio, sub, a, unknown, -1);
      },
    }),
  );
}

export const scandirOperation = composite({
  perl: 'aio_scandir',
  syscall: 'scandir',
  optsIndex: 1,
  prepare: (path: PathLike, options?: ScandirOptions): ScandirArgs => ({
    path: validatePath(path),
    maxreq:
      options?.maxreq === undefined || options.maxreq === 0
        ? 4
        : validateInteger(options.maxreq, 'options.maxreq', 1, 1024),
    encoding: validateEncoding(options?.encoding),
    types: options?.types === undefined ? true : validateBoolean(options.types, 'options.types'),
  }),
  start: (aio: AioContext, a: ScandirArgs, group: AioGroup<ScandirResult<PathBytes>>) =>
    startScandir(aio, a, group),
});
