// ioaio: N requests queued on a paused context, then resumed and flushed.
// argv: OP N PATHS_FILE [BATCHES=1] [MAXPARALLEL=default]
// OP: nop (queue and dispatch cost alone) or stat (the 100,000 paths cycled).
// One untimed batch of 10,000 first (threads started, code optimised), the
// same for every N; then BATCHES timed batches of N, medians reported.
// Time per request = (queueing + running until flushed) / N, and its two parts.
import { createAio } from '@ioaio/core';
import { emit, readPaths } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

const kWarmRequests = 10_000;
const [op, nArg, file, batchesArg, depth] = process.argv.slice(2);
const n = Number(nArg);
const batches = Number(batchesArg ?? 1);
const paths = readPaths(file);
const resumeTo = depth === undefined || depth === 'default' ? createAio().maxParallel : Number(depth);

let done = 0;
const opts = {
  callback: () => {
    done++;
  },
};
const queue = {
  nop: (ctx, count) => {
    for (let i = 0; i < count; i++) ctx.nop(opts);
  },
  stat: (ctx, count) => {
    for (let i = 0; i < count; i++) ctx.stat(paths[i % paths.length], opts);
  },
}[op];
if (!queue) throw new Error(`unknown op ${op}`);

/** One batch on a fresh paused context; returns [total, queue, run] µs per request. */
async function batch(count) {
  const ctx = createAio({ maxParallel: 0 });
  done = 0;
  const t0 = performance.now();
  queue(ctx, count);
  const t1 = performance.now();
  ctx.maxParallel = resumeTo;
  await ctx.flush();
  const t2 = performance.now();
  if (done !== count) throw new Error(`${done} of ${count} requests delivered`);
  const us = (a, b) => ((b - a) * 1000) / count;
  return [us(t0, t2), us(t0, t1), us(t1, t2)];
}

await batch(kWarmRequests);
const samples = [];
for (let i = 0; i < batches; i++) samples.push(await batch(n));
const col = (j) => median(samples.map((s) => s[j]));
emit({
  op,
  n,
  batches,
  usPerReq: col(0),
  queueUsPerReq: col(1),
  runUsPerReq: col(2),
  ms: (col(0) * n) / 1000,
  maxParallel: resumeTo,
  backend: createAio().backend,
});
