import { constants } from 'node:fs';
import { kStatFields } from './ops.js';

const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFSOCK, S_IFBLK, S_IFCHR } = constants;

/** Milliseconds as Node computes them from (seconds, nanoseconds), so values are bit-equal. */
const toMs = (sec: number, nsec: number): number => sec * 1e3 + nsec / 1e6;
/** A Date as fs.Stats builds it: the milliseconds rounded, not truncated. */
const toDate = (ms: number): Date => new Date(Math.round(ms));

/**
 * A stat result with the fields and methods of fs.Stats (numbers, not bigints), plus the
 * nanosecond parts IO::AIO exposes as st_xtimensec. Dates are built on first access.
 * @see IO::AIO aio_stat
 */
export class NativeStats {
  dev: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  blksize: number;
  ino: number;
  size: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  /** Nanoseconds within the second of each time (IO::AIO's st_atimensec and friends). */
  atimeNsec: number;
  mtimeNsec: number;
  ctimeNsec: number;
  birthtimeNsec: number;

  /** Copies one result out of the addon's array (valid only during the callback that gave it). */
  constructor(f: Float64Array, base: number) {
    this.dev = f[base] as number;
    this.mode = f[base + 1] as number;
    this.nlink = f[base + 2] as number;
    this.uid = f[base + 3] as number;
    this.gid = f[base + 4] as number;
    this.rdev = f[base + 5] as number;
    this.blksize = f[base + 6] as number;
    this.ino = f[base + 7] as number;
    this.size = f[base + 8] as number;
    this.blocks = f[base + 9] as number;
    this.atimeNsec = f[base + 11] as number;
    this.mtimeNsec = f[base + 13] as number;
    this.ctimeNsec = f[base + 15] as number;
    this.birthtimeNsec = f[base + 17] as number;
    this.atimeMs = toMs(f[base + 10] as number, this.atimeNsec);
    this.mtimeMs = toMs(f[base + 12] as number, this.mtimeNsec);
    this.ctimeMs = toMs(f[base + 14] as number, this.ctimeNsec);
    this.birthtimeMs = toMs(f[base + 16] as number, this.birthtimeNsec);
  }

  get atime(): Date {
    return toDate(this.atimeMs);
  }
  get mtime(): Date {
    return toDate(this.mtimeMs);
  }
  get ctime(): Date {
    return toDate(this.ctimeMs);
  }
  get birthtime(): Date {
    return toDate(this.birthtimeMs);
  }
  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === S_IFLNK;
  }
  isFIFO(): boolean {
    return (this.mode & S_IFMT) === S_IFIFO;
  }
  isSocket(): boolean {
    return (this.mode & S_IFMT) === S_IFSOCK;
  }
  isBlockDevice(): boolean {
    return (this.mode & S_IFMT) === S_IFBLK;
  }
  isCharacterDevice(): boolean {
    return (this.mode & S_IFMT) === S_IFCHR;
  }
}

/**
 * Builds a NativeStats from a stat callback's (fields, base): the one allocation a stat
 * costs, made only when the caller asks for it.
 * @example pool.submitStat(p, 0, (err, f, base) => { if (!err) use(statsFrom(f, base)); });
 */
export function statsFrom(fields: Float64Array, base: number): NativeStats {
  return new NativeStats(fields, base);
}

/** Doubles per result in the stat array. */
export const kStatStride = kStatFields;
