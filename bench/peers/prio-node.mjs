// Peer: latency of one 1 KiB fs.read on an open fd, idle and right after
// STATS fs.stat calls were queued (libuv runs its queue first in, first out).
// argv: READ_FILE PATHS_FILE
import fs from 'node:fs';
import { emit, readPaths } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

const kIdleSamples = 5;
const kReadBytes = 1024;
const fd = fs.openSync(process.argv[2], 'r');
const paths = readPaths(process.argv[3]);
const buf = Buffer.alloc(kReadBytes);

/** One timed read; resolves with [latency ms, stat callbacks seen before it]. */
const timedRead = (statsDone) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    fs.read(fd, buf, 0, kReadBytes, 0, (err) =>
      err ? reject(err) : resolve([performance.now() - t0, statsDone()]),
    );
  });

await timedRead(() => 0); // untimed: starts libuv's threads
const idle = [];
for (let i = 0; i < kIdleSamples; i++) idle.push((await timedRead(() => 0))[0]);

let done = 0;
const allStats = new Promise((resolve) => {
  const onStat = () => {
    if (++done === paths.length) resolve();
  };
  for (const p of paths) fs.stat(p, onStat);
});
const [loadedMs, statsBefore] = await timedRead(() => done);
await allStats;
emit({ idleMs: median(idle), loadedMs, statsBefore, stats: paths.length });
