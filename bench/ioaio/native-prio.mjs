// Native pool: latency of one 1 KiB read at priority 4, idle and right after the stats of
// every path were queued at priority -4; ROUNDS rounds in one long-lived process.
// argv: READ_FILE PATHS_FILE THREADS ROUNDS
import fs from 'node:fs';
import { loadNativePool } from '../../packages/native/dist/index.js';
import { emit, readPaths } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

const kIdleSamples = 5;
const kReadBytes = 1024;
const [readFile, pathsFile, threads, rounds] = process.argv.slice(2);
const paths = readPaths(pathsFile);
const pool = loadNativePool({ threads: Number(threads) });
if ('unavailable' in pool) throw new Error(`native pool unavailable: ${pool.unavailable}`);
const fd = fs.openSync(readFile, 'r');
const buf = Buffer.alloc(kReadBytes);

/** One timed read at priority 4: [latency ms, low-priority callbacks seen before it]. */
const timedRead = (lowsDone) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    pool.submitRead(fd, buf, 0, kReadBytes, 0, 4, (errno) =>
      errno ? reject(new Error(`read failed: ${errno}`)) : resolve([performance.now() - t0, lowsDone()]),
    );
  });

/** Queues the flood at priority -4; resolves when every one of its callbacks ran. */
function flood(counter) {
  return new Promise((resolve) => {
    const cb = () => {
      if (++counter.done === paths.length) resolve();
    };
    for (const p of paths) pool.submitStat(p, -4, cb);
  });
}

await timedRead(() => 0); // untimed: starts the threads
const idle = [];
for (let i = 0; i < kIdleSamples; i++) idle.push((await timedRead(() => 0))[0]);
const loaded = [];
const before = [];
for (let r = 0; r < Number(rounds); r++) {
  const counter = { done: 0 };
  const all = flood(counter);
  const [ms, lowsBefore] = await timedRead(() => counter.done);
  loaded.push(ms);
  before.push(lowsBefore);
  await all;
}
emit({
  idleMs: median(idle),
  loadedMs: median(loaded),
  worstMs: Math.max(...loaded),
  loadedRoundsMs: loaded.map((x) => Math.round(x * 1000) / 1000),
  lowsBefore: Math.max(...before),
  rounds: loaded.length,
});
