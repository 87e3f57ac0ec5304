// Child side: shared helpers for peer scripts (load the fixture, print the result line).
import fs from 'node:fs';

/**
 * Reads a newline-separated path list, optionally repeated up to `n` entries.
 * @param {string} file
 * @param {number} [n] wanted length; the list repeats to reach it
 * @returns {string[]}
 */
export function readPaths(file, n) {
  const list = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  if (n === undefined) return list;
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = list[i % list.length];
  return out;
}

/**
 * Prints the one JSON result line the parent parses, with the child's own
 * peak RSS as a fallback for machines without GNU time.
 * @param {Record<string, unknown>} result
 */
export function emit(result) {
  process.stdout.write(`${JSON.stringify({ ...result, selfMaxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

/**
 * Milliseconds since `t0` (a `performance.now()` value), rounded to microseconds.
 * @param {number} t0
 * @returns {number}
 */
export const msSince = (t0) => Math.round((performance.now() - t0) * 1000) / 1000;
