import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';

/** Seconds with a millisecond fraction, far from any millisecond boundary. */
export const kAtime = 1_600_000_000.2505;
/** Seconds with a millisecond fraction, far from any millisecond boundary. */
export const kMtime = 1_500_000_000.4565;
/** The times `makeSource` sets, as `kept` reports them. */
export const expectedTimes = { mtimeMs: Math.floor(kMtime * 1000), atimeMs: Math.floor(kAtime * 1000) };

/** Content as a digest: whole-value comparisons without a byte-by-byte diff of 300 KiB. */
export function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A source file bigger than one copy chunk, with its own mode and times; returns its digest. */
export function makeSource(path: string, mode = 0o640): string {
  const data = randomBytes(300 * 1024 + 17);
  writeFileSync(path, data);
  chmodSync(path, mode);
  utimesSync(path, kAtime, kMtime);
  return digest(data);
}

/** What a copy or a move must keep: content, permission bits, times in milliseconds. */
export function kept(path: string): { data: string; mode: number; mtimeMs: number; atimeMs: number } {
  const st = statSync(path);
  return {
    data: digest(readFileSync(path)),
    mode: st.mode & 0o7777,
    mtimeMs: Math.floor(st.mtimeMs),
    atimeMs: Math.floor(st.atimeMs),
  };
}

/** A file's identity and content, to show it was not touched at all (reading it does not change these). */
export function untouched(path: string): { ino: number; mode: number; size: number; data: string } {
  const st = lstatSync(path);
  return { ino: st.ino, mode: st.mode, size: st.size, data: digest(readFileSync(path)) };
}
