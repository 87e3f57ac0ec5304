// Native pool: N no-op requests, all queued, every callback counted: the pool's own cost.
// argv: N THREADS

import { loadNativePool } from '../../packages/native/dist/index.js';
import { emit, msSince } from '../lib/report.mjs';

const n = Number(process.argv[2]);
const pool = loadNativePool({ threads: Number(process.argv[3]) });
if ('unavailable' in pool) throw new Error(`native pool unavailable: ${pool.unavailable}`);

function nops(count) {
  return new Promise((resolve) => {
    let done = 0;
    const cb = () => {
      if (++done === count) resolve(done);
    };
    for (let i = 0; i < count; i++) pool.submitNop(0, cb);
  });
}

await nops(10_000); // untimed: threads started, code warm
const t0 = performance.now();
const done = await nops(n);
const ms = msSince(t0);
emit({ n: done, errors: 0, ms, opsPerSec: done / (ms / 1000) });
