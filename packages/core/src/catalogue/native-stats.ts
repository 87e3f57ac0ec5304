import { Stats } from 'node:fs';

/** The writable shape of a Stats object while it is filled in. */
type StatsFields = { -readonly [K in keyof Stats]: Stats[K] };

const kProto = Stats.prototype;
// Platform: Node 22 and later compute atime & co. from atimeMs in prototype getters; Node 20 makes
// them own properties in the constructor, so there they are set here, eagerly, as fs.stat does.
const kDatesOnPrototype = Object.getOwnPropertyDescriptor(kProto, 'atime') !== undefined;

/** Milliseconds as Node computes them from (seconds, nanoseconds), so the values are bit-equal. */
function ms(sec: number, nsec: number): number {
  return sec * 1e3 + nsec / 1e6;
}

/**
 * A `fs.Stats` (same prototype, same fields in the same order as `fs.stat`
 * gives) from the native pool's 18 doubles at `f[base]`: dev, mode, nlink,
 * uid, gid, rdev, blksize, ino, size, blocks, then (s, ns) of atime, mtime,
 * ctime, birthtime. Copied out: the array is reused after the callback.
 */
export function statsFrom(f: Float64Array, base: number): Stats {
  const s = Object.create(kProto) as StatsFields;
  s.dev = f[base] as number;
  s.mode = f[base + 1] as number;
  s.nlink = f[base + 2] as number;
  s.uid = f[base + 3] as number;
  s.gid = f[base + 4] as number;
  s.rdev = f[base + 5] as number;
  s.blksize = f[base + 6] as number;
  s.ino = f[base + 7] as number;
  s.size = f[base + 8] as number;
  s.blocks = f[base + 9] as number;
  s.atimeMs = ms(f[base + 10] as number, f[base + 11] as number);
  s.mtimeMs = ms(f[base + 12] as number, f[base + 13] as number);
  s.ctimeMs = ms(f[base + 14] as number, f[base + 15] as number);
  s.birthtimeMs = ms(f[base + 16] as number, f[base + 17] as number);
  if (!kDatesOnPrototype) {
    s.atime = new Date(Math.round(s.atimeMs));
    s.mtime = new Date(Math.round(s.mtimeMs));
    s.ctime = new Date(Math.round(s.ctimeMs));
    s.birthtime = new Date(Math.round(s.birthtimeMs));
  }
  return s as Stats;
}
