import * as fs from 'node:fs';
import type { NativeDirents, NativePoolLike } from '../native-pool.js';
import { single } from '../operation.js';
import type { Done, RunningRequest } from '../request.js';
import { type PathLike, validateInteger, validatePath } from '../validate.js';
import { encodingOptions, type NameOptions } from './names.js';
import { direntsResult } from './native-results.js';

/** readdirx: entries are `{ name, type }` instead of names. */
export const READDIR_DENTS = 1;
/** readdirx: likely directories first (real directories when types are known). */
export const READDIR_DIRS_FIRST = 2;
/** readdirx: an order good for stat'ing every entry (accepted; Node gives no inode to sort by). */
export const READDIR_STAT_ORDER = 4;
/** readdirx, output only: some entry's type was unknown. */
export const READDIR_FOUND_UNKNOWN = 128;

/** The type of a directory entry, as readdir reports it. */
export type DirentType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'block' | 'char' | 'unknown';

/** One entry of `readdirx` with `READDIR_DENTS`. */
export interface DirEntry<N extends string | Buffer = string | Buffer> {
  /** The entry's name in its directory (a Buffer with `encoding: 'buffer'`). */
  name: N;
  /** What the entry is, as readdir reports it; `'unknown'` where the file system does not say. */
  type: DirentType;
}

/**
 * What readdirx resolves with: the entries and the flags, with
 * READDIR_FOUND_UNKNOWN added when it applies. `E` is the entries' type,
 * which `aio.readdirx` works out from its flags (see `ReaddirxEntries`).
 */
export interface ReaddirxResult<
  E extends (string | Buffer)[] | DirEntry[] = (string | Buffer)[] | DirEntry[],
> {
  /** Names, or `{ name, type }` entries with `READDIR_DENTS`. */
  entries: E;
  /** The flags given, with `READDIR_FOUND_UNKNOWN` set if some entry's type was unknown. */
  flags: number;
}

/** The type of a `fs.Dirent`. */
export function direntType(dirent: fs.Dirent | fs.Dirent<Buffer>): DirentType {
  if (dirent.isFile()) return 'file';
  if (dirent.isDirectory()) return 'dir';
  if (dirent.isSymbolicLink()) return 'symlink';
  if (dirent.isFIFO()) return 'fifo';
  if (dirent.isSocket()) return 'socket';
  if (dirent.isBlockDevice()) return 'block';
  if (dirent.isCharacterDevice()) return 'char';
  return 'unknown';
}

function hasDot(name: string | Buffer): boolean {
  return typeof name === 'string' ? name.includes('.') : name.includes(0x2e);
}

function startsWithDot(name: string | Buffer): boolean {
  return typeof name === 'string' ? name.startsWith('.') : name[0] === 0x2e;
}

/**
 * How likely a name of unknown type is a directory (lower: more likely),
 * IO::AIO's guess: names beginning with a dot, then names with no dot, the
 * short ones first; then the rest.
 */
export function directoryLikelihood(name: string | Buffer): number {
  if (startsWithDot(name)) return 0;
  if (!hasDot(name)) return 1 + name.length / 1e6;
  return 2;
}

function rank(entry: DirEntry): number {
  if (entry.type === 'dir') return -1;
  if (entry.type === 'unknown') return directoryLikelihood(entry.name);
  return 3;
}

/**
 * What readdirx resolves with, from the entries in the order wanted so far:
 * directories first when asked (a stable sort), then `{ name, type }`
 * entries or just the names, as the flags say.
 */
export function readdirxResult(entries: DirEntry[], flags: number): ReaddirxResult {
  if (flags & READDIR_DIRS_FIRST) entries.sort((x, y) => rank(x) - rank(y));
  if (flags & READDIR_DENTS) return { entries, flags };
  const names: (string | Buffer)[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) names[i] = (entries[i] as DirEntry).name;
  return { entries: names, flags };
}

export interface ReaddirxArgs {
  path: string | Buffer;
  flags: number;
  options: { encoding: 'buffer' | BufferEncoding; withFileTypes: true };
}

/** How the pool decodes the names of one encoding, and what turns them into it; null: node:fs does. */
interface NativeNames {
  decode: 'utf8' | 'latin1';
  toBuffer: boolean;
}
const kNativeNames: Readonly<Record<string, NativeNames>> = {
  utf8: { decode: 'utf8', toBuffer: false },
  'utf-8': { decode: 'utf8', toBuffer: false },
  latin1: { decode: 'latin1', toBuffer: false },
  binary: { decode: 'latin1', toBuffer: false },
  // The raw bytes: latin1 keeps one character per byte, so the Buffer is exact.
  buffer: { decode: 'latin1', toBuffer: true },
};

/** Platform: the pool gives names as UTF-8 or latin1 strings; other encodings run on node:fs. */
function nativeNames(options: { encoding: string }): NativeNames | null {
  return kNativeNames[options.encoding] ?? null;
}

function namesAs(names: string[], how: NativeNames): (string | Buffer)[] {
  return how.toBuffer ? names.map((name) => Buffer.from(name, 'latin1')) : names;
}

function readdirNative(
  pool: NativePoolLike,
  a: { path: string | Buffer; options: { encoding: string } },
  done: Done<string[]>,
  req: RunningRequest,
): boolean {
  const how = nativeNames(a.options);
  if (how === null) return false;
  const listed: Done<NativeDirents> = (err, d) =>
    err === null ? done(null, namesAs((d as NativeDirents).names, how) as string[]) : done(err);
  pool.submitReaddir(a.path, req.priority, direntsResult(listed, a.path), how.decode);
  return true;
}

/** The entry type of a d_type value the native pool reports. */
export function nativeDirentType(dt: number): DirentType {
  return kTypes[dt] ?? 'unknown';
}

const kTypes: readonly DirentType[] = (() => {
  const types = new Array<DirentType>(16).fill('unknown');
  types[1] = 'fifo';
  types[2] = 'char';
  types[4] = 'dir';
  types[6] = 'block';
  types[8] = 'file';
  types[10] = 'symlink';
  types[12] = 'socket';
  return types;
})();

/** The entries of a native listing, in inode order when asked (IO::AIO's READDIR_STAT_ORDER). */
function direntsOf(
  d: NativeDirents,
  flags: number,
  toBuffer: boolean,
): { entries: DirEntry[]; flags: number } {
  const n = d.names.length;
  let order: number[] | null = null;
  if (flags & READDIR_STAT_ORDER) {
    order = Array.from({ length: n }, (_, i) => i);
    order.sort((x, y) => (d.inos[x] as number) - (d.inos[y] as number));
  }
  const entries: DirEntry[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = order === null ? k : (order[k] as number);
    const type = nativeDirentType(d.types[i] as number);
    if (type === 'unknown') flags |= READDIR_FOUND_UNKNOWN;
    const name = d.names[i] as string;
    entries[k] = { name: toBuffer ? Buffer.from(name, 'latin1') : name, type };
  }
  return { entries, flags };
}

function readdirxNative(
  pool: NativePoolLike,
  a: ReaddirxArgs,
  done: Done<ReaddirxResult>,
  req: RunningRequest,
): boolean {
  const how = nativeNames(a.options);
  if (how === null) return false;
  const listed: Done<NativeDirents> = (err, d) => {
    if (err !== null) return done(err);
    const { entries, flags } = direntsOf(d as NativeDirents, a.flags, how.toBuffer);
    done(null, readdirxResult(entries, flags));
  };
  pool.submitReaddir(a.path, req.priority, direntsResult(listed, a.path), how.decode);
  return true;
}

/** Requests on directories. */
export const directoryOperations = {
  /**
   * Resolves with the names in a directory, without `.` and `..`.
   * @example const names = await aio.readdir('/etc');
   * @see IO::AIO aio_readdir
   */
  readdir: single({
    perl: 'aio_readdir',
    syscall: 'scandir',
    optsIndex: 1,
    prepare: (path: PathLike, options?: NameOptions<(string | Buffer)[]>) => ({
      path: validatePath(path),
      options: encodingOptions(options),
    }),
    run: (a, done: Done<string[]>) =>
      fs.readdir(
        a.path,
        a.options as fs.ObjectEncodingOptions,
        done as (err: Error | null, names: unknown) => void,
      ),
    native: readdirNative,
  }),

  /**
   * readdir with flags: `READDIR_DENTS` gives `{ name, type }` entries,
   * `READDIR_DIRS_FIRST` puts directories (or likely ones) first; the flags
   * come back with `READDIR_FOUND_UNKNOWN` set if some type was unknown.
   * The entries' type follows the flags when they are a literal: with
   * `READDIR_DENTS` they are `DirEntry`s. TypeScript types flags joined with
   * `|` as a plain `number`, which gives names or entries (narrow with
   * `typeof e === 'string'`, or pass the sum: `3` for dents and dirs first).
   * @example
   * const { entries } = await aio.readdirx(dir, READDIR_DENTS);
   * for (const e of entries) if (e.type === 'dir') console.log(e.name);
   * @see IO::AIO aio_readdirx
   */
  readdirx: single({
    perl: 'aio_readdirx',
    syscall: 'scandir',
    optsIndex: 2,
    prepare: (path: PathLike, flags: number, options?: NameOptions<ReaddirxResult>): ReaddirxArgs => ({
      path: validatePath(path),
      flags: validateInteger(flags, 'flags', 0, 0xff) & ~READDIR_FOUND_UNKNOWN,
      options: { encoding: encodingOptions(options).encoding, withFileTypes: true },
    }),
    run: (a: ReaddirxArgs, done: Done<ReaddirxResult>) =>
      fs.readdir(a.path, a.options as { withFileTypes: true }, (err, dirents) => {
        if (err !== null) return done(err);
        let flags = a.flags;
        // Perf: plain loops, one object per entry; the walk reads every entry of a tree through here.
        const entries: DirEntry[] = new Array(dirents.length);
        for (let i = 0; i < dirents.length; i++) {
          const d = dirents[i] as fs.Dirent;
          const type = direntType(d);
          if (type === 'unknown') flags |= READDIR_FOUND_UNKNOWN;
          entries[i] = { name: d.name, type };
        }
        done(null, readdirxResult(entries, flags));
      }),
    native: readdirxNative,
  }),
};
