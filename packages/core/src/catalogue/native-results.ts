import type { Stats } from 'node:fs';
import { errnoError } from '../errors.js';
import type { NativeDirents, NativePoolLike, NativeResultCallback, NativeTimes } from '../native-pool.js';
import type { Done } from '../request.js';
import { statsFrom } from './native-stats.js';

type Path = string | Buffer;

/** How a path appears in an error message and in `err.path`, as node:fs shows it. */
function shown(path: Path): string {
  return typeof path === 'string' ? path : path.toString();
}

/** A completion that settles with `undefined`, or the error node:fs would give. */
export function voidResult(
  done: Done<void>,
  syscall: string,
  path?: Path,
  dest?: Path,
): NativeResultCallback {
  return (errno) => {
    if (errno === 0) done(null);
    else done(errnoError(errno, syscall, path === undefined ? undefined : shown(path), dest && shown(dest)));
  };
}

/** A completion that settles with the call's numeric result (an fd, a byte count, an offset). */
export function numberResult(done: Done<number>, syscall: string, path?: Path): NativeResultCallback {
  return (errno, value) => {
    if (errno === 0) done(null, value);
    else done(errnoError(errno, syscall, path === undefined ? undefined : shown(path)));
  };
}

/** Runs stat, lstat or fstat on the pool; a `{ bigint: true }` stat stays on node:fs. */
export function nativeStat(
  pool: NativePoolLike,
  target: unknown,
  follow: boolean,
  done: Done<Stats>,
  pri: number,
): boolean {
  if (typeof target === 'number') {
    pool.submitFstat(target, pri, (errno, f, base) =>
      errno === 0 ? done(null, statsFrom(f, base)) : done(errnoError(errno, 'fstat')),
    );
    return true;
  }
  if (typeof target !== 'string' && !Buffer.isBuffer(target)) return false;
  const cb = (errno: number, f: Float64Array, base: number): void =>
    errno === 0
      ? done(null, statsFrom(f, base))
      : done(errnoError(errno, follow ? 'stat' : 'lstat', shown(target)));
  if (follow) pool.submitStat(target, pri, cb);
  else pool.submitLstat(target, pri, cb);
  return true;
}

/** Seconds (fractions allowed) as a timespec, truncated as libuv converts them for fs.utimes. */
function timespec(seconds: number): [number, number] {
  let sec = Math.trunc(seconds);
  let nsec = Math.round((seconds - sec) * 1e9);
  if (nsec < 0) {
    sec -= 1;
    nsec += 1e9;
  }
  if (nsec >= 1e9) {
    sec += 1;
    nsec -= 1e9;
  }
  return [sec, nsec];
}

/** The times of a utime request in the pool's form. */
export function nativeTimes(atime: number, mtime: number): NativeTimes {
  const [atimeSec, atimeNsec] = timespec(atime);
  const [mtimeSec, mtimeNsec] = timespec(mtime);
  return { atimeSec, atimeNsec, mtimeSec, mtimeNsec };
}

/** A readdir completion: the listing, or the error node:fs gives (`scandir`). */
export function direntsResult(
  done: Done<NativeDirents>,
  path: Path,
): (errno: number, entries: NativeDirents | undefined) => void {
  return (errno, entries) =>
    errno === 0 ? done(null, entries as NativeDirents) : done(errnoError(errno, 'scandir', shown(path)));
}
