import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { NativeDirents, NativePool, NativePoolOptions } from '../../packages/native/src/index.js';
import { loadNativePool, statsFrom } from '../../packages/native/src/index.js';
import type { NativeStats } from '../../packages/native/src/stats.js';
import { tempDir } from '../helpers/tmp.js';

/** Why the native pool cannot be tested here, or undefined when it can. */
export const unavailable: string | undefined = (() => {
  const probe = loadNativePool({ threads: 0 });
  if ('unavailable' in probe) {
    console.log(`native tests skipped: ${probe.unavailable}`);
    return probe.unavailable;
  }
  probe.close();
  return undefined;
})();

const made: NativePool[] = [];

/** A fresh pool, closed by `closePools` (call it in afterEach). */
export function pool(options?: NativePoolOptions): NativePool {
  const p = loadNativePool(options);
  if ('unavailable' in p) throw new Error(p.unavailable);
  made.push(p);
  return p;
}

/** Closes every pool made by `pool`. */
export function closePools(): void {
  for (const p of made.splice(0)) p.close();
}

/** A stat through the pool as a promise: [errno, stats]. */
export function stat(p: NativePool, path: string, priority = 0): Promise<[number, NativeStats | undefined]> {
  return new Promise((resolve) =>
    p.submitStat(path, priority, (errno, f, base) =>
      resolve([errno, errno ? undefined : statsFrom(f, base)]),
    ),
  );
}

/** Any result-valued request as a promise: [errno, value]. */
export function result(
  submit: (cb: (errno: number, value: number) => void) => void,
): Promise<[number, number]> {
  return new Promise((resolve) => submit((errno, value) => resolve([errno, value])));
}

/** A readdir through the pool as a promise. */
export function readdir(p: NativePool, path: string): Promise<[number, NativeDirents | undefined]> {
  return new Promise((resolve) => p.submitReaddir(path, 0, (errno, d) => resolve([errno, d])));
}

/** Spins the main thread (no event-loop turn, so nothing is delivered) until the condition holds. */
export function spinUntil(condition: () => boolean): void {
  while (!condition()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
}

/** A FIFO in a fresh temporary directory: an open of its read end blocks until a writer comes. */
export function fifo(): string {
  const path = join(tempDir('ioaio-native-fifo-'), 'fifo');
  execFileSync('mkfifo', [path]);
  return path;
}

/** The fields fs.Stats and NativeStats share, as one plain object for whole-value comparison. */
export function statFields(s: object): Record<string, unknown> {
  const keys = ['dev', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'blksize', 'ino', 'size', 'blocks'] as const;
  const times = [
    'atimeMs',
    'mtimeMs',
    'ctimeMs',
    'birthtimeMs',
    'atime',
    'mtime',
    'ctime',
    'birthtime',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const k of [...keys, ...times]) out[k] = (s as Record<string, unknown>)[k];
  return out;
}

/**
 * True when the AddressSanitizer runtime is preloaded (scripts/asan.mjs): it turns mlock,
 * munlock, mlockall and munlockall into no-ops that return 0, so the kernel's view of
 * locked memory cannot be checked then.
 */
export const underSanitizer = /libasan/.test(process.env.LD_PRELOAD ?? '');
