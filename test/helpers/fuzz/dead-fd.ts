import { readFileSync } from 'node:fs';

/**
 * The lowest descriptor number that cannot be open: at least the soft RLIMIT_NOFILE (no descriptor
 * is ever numbered that high), and at least 2^20.
 */
export const kDeadFdBase = Math.max(
  2 ** 20,
  Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 2 ** 30),
);
