// Native pool: stat of every path of paths.txt, all queued at once, every callback counted.
// argv: PATHS_FILE THREADS MODE   MODE: 'raw' (fields read from the result array) or
// 'stats' (a NativeStats object built per result, as a caller asking for Stats pays).

import { loadNativePool, statsFrom } from '../../packages/native/dist/index.js';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const [file, threads, mode] = process.argv.slice(2);
const paths = readPaths(file);
const pool = loadNativePool({ threads: Number(threads) });
if ('unavailable' in pool) throw new Error(`native pool unavailable: ${pool.unavailable}`);

function statAll() {
  return new Promise((resolve) => {
    let done = 0;
    let errors = 0;
    let bytes = 0;
    const onRaw = (errno, fields, base) => {
      if (errno) errors++;
      else bytes += fields[base + 8];
      if (++done === paths.length) resolve({ n: done, errors, bytes });
    };
    const onStats = (errno, fields, base) => {
      if (errno) errors++;
      else bytes += statsFrom(fields, base).size;
      if (++done === paths.length) resolve({ n: done, errors, bytes });
    };
    const cb = mode === 'stats' ? onStats : onRaw;
    for (const p of paths) pool.submitStat(p, 0, cb);
  });
}

// Untimed: starts the pool's threads.
await new Promise((resolve) => pool.submitStat(paths[0], 0, resolve));
const t0 = performance.now();
const { n, errors } = await statAll();
const ms = msSince(t0);
emit({ n, errors, ms, opsPerSec: n / (ms / 1000), threads: pool.threads });
