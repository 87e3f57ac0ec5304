// ioaio: memory of N stats queued on a paused context (maxParallel 0), then
// resumed and flushed.  argv: MODE PATHS_FILE [N=1000000] [MAXPARALLEL=default]
// MODE: cb (one shared options object with one shared callback: one request
// object each, nothing else) or promise (each request then'd with one shared
// handler, as the fs.promises peer does).
import { createAio } from '@ioaio/core';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const [mode, file, nArg, depth] = process.argv.slice(2);
const paths = readPaths(file, Number(nArg ?? 1_000_000));
const ctx = createAio({ maxParallel: 0 });
const resumeTo = depth === undefined || depth === 'default' ? createAio().maxParallel : Number(depth);
const rss = () => process.memoryUsage.rss();

let done = 0;
const count = () => {
  done++;
};
const issue = {
  cb: () => {
    const opts = { callback: count };
    for (const p of paths) ctx.stat(p, opts);
  },
  promise: () => {
    for (const p of paths) ctx.stat(p).then(count, count);
  },
}[mode];
if (!issue) throw new Error(`unknown mode ${mode}`);

const before = rss();
const t0 = performance.now();
issue();
const queueMs = msSince(t0);
const queued = rss();
const nready = ctx.nready;
ctx.maxParallel = resumeTo;
await ctx.flush();
await new Promise(setImmediate); // let the last promise reactions run
const ms = msSince(t0);
if (done !== paths.length) throw new Error(`${done} of ${paths.length} requests delivered`);
emit({
  mode,
  n: paths.length,
  nready,
  ms,
  queueMs,
  queuedBytes: queued - before,
  maxParallel: resumeTo,
  backend: ctx.backend,
});
