// Native pool: N no-op requests, every callback counted: the pool's own cost.
// argv: N THREADS IN_FLIGHT   IN_FLIGHT: 'all' (every request queued at once) or a number
// (that many queued, one more submitted per completion, as a feeder does).

import { loadNativePool } from '../../packages/native/dist/index.js';
import { emit, msSince } from '../lib/report.mjs';

const n = Number(process.argv[2]);
const pool = loadNativePool({ threads: Number(process.argv[3]) });
if ('unavailable' in pool) throw new Error(`native pool unavailable: ${pool.unavailable}`);
const inFlight = process.argv[4] === 'all' ? n : Number(process.argv[4]);

function nops(count, window) {
  return new Promise((resolve) => {
    let done = 0;
    let issued = 0;
    const cb = () => {
      if (++done === count) resolve(done);
      else if (issued < count) {
        issued++;
        pool.submitNop(0, cb);
      }
    };
    for (; issued < Math.min(window, count); issued++) pool.submitNop(0, cb);
  });
}

await nops(10_000, 10_000); // untimed: threads started, code warm
const t0 = performance.now();
const done = await nops(n, inFlight);
const ms = msSince(t0);
emit({ n: done, errors: 0, ms, opsPerSec: done / (ms / 1000) });
