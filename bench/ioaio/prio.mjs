// ioaio: latency of one 1 KiB read at priority 4, on an idle context and right after the stats of
// every path were queued at priority -4; ROUNDS floods in one long-lived process, so the garbage
// of earlier floods (and its collections) lands on later rounds as it would in a server.
// argv: READ_FILE PATHS_FILE MAXPARALLEL [ROUNDS=1]   MAXPARALLEL: an integer or 'default'
import fs from 'node:fs';
import { createAio } from '@ioaio/core';
import { emit, readPaths } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

const kIdleSamples = 5;
const kReadBytes = 1024;
const [readFile, pathsFile, depth, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 1);
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

let done = 0;
// Perf: one options object for the whole flood, so a request is the only garbage it makes.
const flood = {
  priority: -4,
  callback: () => {
    done++;
  },
};

/** One round: queue the flood, time the read issued right behind it, drain the flood. */
async function loadedRound() {
  done = 0;
  for (const p of paths) ctx.stat(p, flood);
  const [ms, before] = await timedRead(() => done);
  await ctx.flush();
  if (done !== paths.length) throw new Error(`${done} of ${paths.length} stats delivered`);
  return [ms, before];
}

await timedRead(() => 0); // untimed: starts the threads
const idle = [];
for (let i = 0; i < kIdleSamples; i++) idle.push((await timedRead(() => 0))[0]);
const loaded = [];
const before = [];
for (let r = 0; r < rounds; r++) {
  const [ms, statsBefore] = await loadedRound();
  loaded.push(ms);
  before.push(statsBefore);
}
emit({
  idleMs: median(idle),
  loadedMs: median(loaded),
  worstMs: Math.max(...loaded),
  loadedRoundsMs: loaded.map((x) => Math.round(x * 1000) / 1000),
  statsBefore: Math.max(...before),
  rounds,
  maxParallel: ctx.maxParallel,
  backend: ctx.backend,
});
