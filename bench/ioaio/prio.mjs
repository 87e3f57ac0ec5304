// ioaio: latency of one 1 KiB read at priority 4, on an idle context and right
// after the stats of every path were queued at priority -4.
// argv: READ_FILE PATHS_FILE MAXPARALLEL ('default': the context's own default)
import fs from 'node:fs';
import { createAio } from '@ioaio/core';
import { emit, readPaths } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

const kIdleSamples = 5;
const kReadBytes = 1024;
const [readFile, pathsFile, depth] = process.argv.slice(2);
const paths = readPaths(pathsFile);
const ctx = depth === 'default' ? createAio() : createAio({ maxParallel: Number(depth) });
const fd = fs.openSync(readFile, 'r');
const buf = Buffer.alloc(kReadBytes);

/** One timed read at priority 4; resolves with [latency ms, stat callbacks seen before it]. */
const timedRead = (statsDone) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    ctx.read(fd, 0, kReadBytes, buf, 0, {
      priority: 4,
      callback: (err) => (err ? reject(err) : resolve([performance.now() - t0, statsDone()])),
    });
  });

await timedRead(() => 0); // untimed: starts libuv's threads
const idle = [];
for (let i = 0; i < kIdleSamples; i++) idle.push((await timedRead(() => 0))[0]);

let done = 0;
const flood = {
  priority: -4,
  callback: () => {
    done++;
  },
};
const tq = performance.now();
for (const p of paths) ctx.stat(p, flood);
const queueMs = performance.now() - tq;
const [loadedMs, statsBefore] = await timedRead(() => done);
await ctx.flush();
emit({ idleMs: median(idle), loadedMs, statsBefore, stats: done, queueMs, maxParallel: ctx.maxParallel });
