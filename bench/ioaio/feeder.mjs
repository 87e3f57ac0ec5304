// ioaio: N stats (the 100,000 paths cycled) through a group fed with
// limit(LIMIT), or all queued at once; the peak RSS comes from the runner.
// argv: MODE PATHS_FILE [N=1000000] [LIMIT=16]
// MODE: baseline (paths loaded, nothing issued), feed (group with a feeder),
// all (every request queued at once, one shared callback).
import { createAio } from '@ioaio/core';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const [mode, file, nArg, limitArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const limit = Number(limitArg ?? 16);
const paths = readPaths(file);
const ctx = createAio();

let done = 0;
let errors = 0;
const opts = {
  callback: (err) => {
    if (err) errors++;
    done++;
  },
};

const run = {
  baseline: async () => {},
  feed: async () => {
    let next = 0;
    const grp = ctx.group();
    grp.limit(limit).feed(() => {
      if (next < n) grp.add(ctx.stat(paths[next++ % paths.length], opts));
    });
    await grp;
  },
  all: async () => {
    for (let i = 0; i < n; i++) ctx.stat(paths[i % paths.length], opts);
    await ctx.flush();
  },
}[mode];
if (!run) throw new Error(`unknown mode ${mode}`);

const t0 = performance.now();
await run();
const ms = msSince(t0);
if (mode !== 'baseline' && done !== n) throw new Error(`${done} of ${n} requests delivered`);
emit({ mode, n: mode === 'baseline' ? 0 : done, errors, ms, limit });
