import * as fs from 'node:fs';
import { invalidArgType, systemError } from '../errors.js';
import type { NativePoolLike } from '../native-pool.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import {
  type PathLike,
  validateBoolean,
  validateId,
  validateLength,
  validateMode,
  validatePathOrFd,
  validateTime,
} from '../validate.js';
import { nativeStat, nativeTimes, voidResult } from './native-results.js';

/**
 * Options of stat and lstat. `StatOptions` (for `fs.Stats`) leaves `bigint`
 * unset or false; `StatOptions<fs.BigIntStats>` is the type of options with
 * `bigint: true`.
 * @example
 * const options: StatOptions = { priority: 2 };
 * const st = await aio.stat('/etc/passwd', options); // fs.Stats
 */
export interface StatOptions<S extends fs.Stats | fs.BigIntStats = fs.Stats> extends RequestOptions<S> {
  /** Resolve with `fs.BigIntStats` (nanosecond times, 64-bit sizes). @default false */
  bigint?: (S extends fs.BigIntStats ? true : false) | undefined;
}

/** What the stat descriptors accept: either kind of options (the method overloads pick one). */
type AnyStatOptions = StatOptions | StatOptions<fs.BigIntStats>;

/** `{ bigint: true }` gives BigIntStats; the method overloads type that, the catalogue says Stats. */
type StatCallback = (err: NodeJS.ErrnoException | null, stats: fs.Stats | fs.BigIntStats) => void;

const kPlainStat = { bigint: false } as const;
const kBigintStat = { bigint: true } as const;

/** A stat target that asked for `{ bigint: true }`. */
export class BigintTarget {
  constructor(readonly target: string | Buffer | number) {}
}

/**
 * What stat and lstat run with: the path or fd itself, or a
 * {@link BigintTarget}. Perf: the common case stores no wrapper object, which
 * is a fifth of a queued request's memory.
 */
export type StatArgs = string | Buffer | number | BigintTarget;

function prepareStat(target: unknown, options: { bigint?: unknown } | undefined): StatArgs {
  const checked = validatePathOrFd(target);
  return validateBoolean(options?.bigint, 'options.bigint') ? new BigintTarget(checked) : checked;
}

function statWith(a: StatArgs, byPath: typeof fs.stat | typeof fs.lstat, done: Done<fs.Stats>): void {
  const bigint = a instanceof BigintTarget;
  const target = bigint ? a.target : a;
  const options = bigint ? kBigintStat : kPlainStat;
  if (typeof target === 'number') fs.fstat(target, options, done as StatCallback);
  else byPath(target, options, done as StatCallback);
}

/** Platform: Linux names an open descriptor's file as /proc/self/fd/N, so statfs reaches it. */
function fdPath(fd: number): string | null {
  return process.platform === 'linux' ? `/proc/self/fd/${fd}` : null;
}

function bothOrNeither(atime: unknown, mtime: unknown): [number, number] {
  if ((atime === null || atime === undefined) && (mtime === null || mtime === undefined)) {
    const now = Date.now() / 1000;
    return [now, now];
  }
  return [validateTime(atime, 'atime'), validateTime(mtime, 'mtime')];
}

function statNative(pool: NativePoolLike, a: StatArgs, done: Done<fs.Stats>, req: RunningRequest): boolean {
  return nativeStat(pool, a, true, done, req.priority);
}

function lstatNative(pool: NativePoolLike, a: StatArgs, done: Done<fs.Stats>, req: RunningRequest): boolean {
  return nativeStat(pool, a, false, done, req.priority);
}

function utimeNative(
  pool: NativePoolLike,
  a: { target: string | Buffer | number; atime: number; mtime: number },
  done: Done<void>,
  req: RunningRequest,
): boolean {
  const times = nativeTimes(a.atime, a.mtime);
  if (typeof a.target === 'number')
    pool.submitFutime(a.target, times, req.priority, voidResult(done, 'futime'));
  else pool.submitUtime(a.target, times, 0, req.priority, voidResult(done, 'utime', a.target));
  return true;
}

/** Requests on metadata, each on a path or an open descriptor. */
export const metadataOperations = {
  /**
   * Resolves with `fs.Stats` (or `fs.BigIntStats` with `{ bigint: true }`)
   * of a path, following symlinks, or of an open fd.
   * @example const st = await aio.stat('/etc/passwd');
   * @see IO::AIO aio_stat
   */
  stat: single({
    perl: 'aio_stat',
    syscall: 'stat',
    optsIndex: 1,
    prepare: (target: PathLike | number, options?: AnyStatOptions) => prepareStat(target, options),
    run: (a: StatArgs, done: Done<fs.Stats>) => statWith(a, fs.stat, done),
    native: statNative,
  }),

  /**
   * As stat, but a symlink is described itself rather than followed.
   * @see IO::AIO aio_lstat
   */
  lstat: single({
    perl: 'aio_lstat',
    syscall: 'lstat',
    optsIndex: 1,
    prepare: (target: PathLike | number, options?: AnyStatOptions) => prepareStat(target, options),
    run: (a: StatArgs, done: Done<fs.Stats>) => statWith(a, fs.lstat, done),
    native: lstatNative,
  }),

  /**
   * Resolves with `fs.StatsFs` of the file system holding a path or fd.
   * @see IO::AIO aio_statvfs
   */
  statvfs: single({
    perl: 'aio_statvfs',
    syscall: 'statfs',
    optsIndex: 1,
    prepare: (target: PathLike | number, _options?: RequestOptions<fs.StatsFs>) => validatePathOrFd(target),
    run: (target, done: Done<fs.StatsFs>) => {
      if (typeof target !== 'number') return fs.statfs(target, done);
      const path = fdPath(target);
      if (path === null) return later(done, systemError('ENOSYS', 'fstatfs'));
      // Platform: /proc/self/fd/N is missing exactly when N is not open; say so as fstatfs(2) would.
      fs.statfs(path, (err, st) => done(err?.code === 'ENOENT' ? systemError('EBADF', 'fstatfs') : err, st));
    },
  }),

  /**
   * Sets access and modification times, in seconds (fractions allowed) or
   * as Dates; both `null` means now.
   * @see IO::AIO aio_utime
   */
  utime: single({
    perl: 'aio_utime',
    syscall: 'utime',
    optsIndex: 3,
    prepare: (
      target: PathLike | number,
      atime: number | Date | null,
      mtime: number | Date | null,
      _options?: RequestOptions<void>,
    ) => {
      const [a, m] = bothOrNeither(atime, mtime);
      return { target: validatePathOrFd(target), atime: a, mtime: m };
    },
    run: (a, done: Done<void>) =>
      typeof a.target === 'number'
        ? fs.futimes(a.target, a.atime, a.mtime, done)
        : fs.utimes(a.target, a.atime, a.mtime, done),
    native: utimeNative,
  }),

  /**
   * Changes owner and group; `null` (or -1) keeps the current one.
   * @see IO::AIO aio_chown
   */
  chown: single({
    perl: 'aio_chown',
    syscall: 'chown',
    optsIndex: 3,
    prepare: (
      target: PathLike | number,
      uid: number | null,
      gid: number | null,
      _options?: RequestOptions<void>,
    ) => ({ target: validatePathOrFd(target), uid: validateId(uid, 'uid'), gid: validateId(gid, 'gid') }),
    run: (a, done: Done<void>) =>
      typeof a.target === 'number'
        ? fs.fchown(a.target, a.uid, a.gid, done)
        : fs.chown(a.target, a.uid, a.gid, done),
  }),

  /**
   * Changes permission bits.
   * @see IO::AIO aio_chmod
   */
  chmod: single({
    perl: 'aio_chmod',
    syscall: 'chmod',
    optsIndex: 2,
    prepare: (target: PathLike | number, mode: number | string, _options?: RequestOptions<void>) => {
      if (mode === undefined || mode === null)
        throw invalidArgType('mode', 'of type number or an octal string', mode);
      return { target: validatePathOrFd(target), mode: validateMode(mode, 'mode', 0) };
    },
    run: (a, done: Done<void>) =>
      typeof a.target === 'number' ? fs.fchmod(a.target, a.mode, done) : fs.chmod(a.target, a.mode, done),
  }),

  /**
   * Truncates (or extends with zeros) a file to `length` bytes.
   * @see IO::AIO aio_truncate
   */
  truncate: single({
    perl: 'aio_truncate',
    syscall: 'truncate',
    optsIndex: 2,
    prepare: (target: PathLike | number, length: number, _options?: RequestOptions<void>) => ({
      target: validatePathOrFd(target),
      length: validateLength(length, 'length'),
    }),
    run: (a, done: Done<void>) =>
      typeof a.target === 'number'
        ? fs.ftruncate(a.target, a.length, done)
        : fs.truncate(a.target, a.length, done),
  }),
};
