// ioaio: stat of every path of paths.txt on a fresh context.  argv: PATHS_FILE MAXPARALLEL MODE
// MAXPARALLEL: an integer, or 'default' (the context's own default).
// MODE: 'await' (every request awaited: Promise.all over the requests, as user code writes it)
//       or 'cb' (one shared callback, no promise per request).
import { createAio } from '@ioaio/core';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const [file, depth, mode] = process.argv.slice(2);
const paths = readPaths(file);
const ctx = depth === 'default' ? createAio() : createAio({ maxParallel: Number(depth) });

const byMode = {
  await: async () => {
    const results = await Promise.all(paths.map((p) => ctx.stat(p)));
    return { n: results.length, errors: 0 };
  },
  cb: () =>
    new Promise((resolve) => {
      let done = 0;
      let errors = 0;
      const opts = {
        callback: (err) => {
          if (err) errors++;
          if (++done === paths.length) resolve({ n: done, errors });
        },
      };
      for (const p of paths) ctx.stat(p, opts);
    }),
};
const issue = byMode[mode];
if (!issue) throw new Error(`unknown mode ${mode}`);

await ctx.stat(paths[0]); // untimed: starts the pool's (or libuv's) threads
const t0 = performance.now();
const { n, errors } = await issue();
const ms = msSince(t0);
emit({ n, errors, ms, opsPerSec: n / (ms / 1000), maxParallel: ctx.maxParallel, backend: ctx.backend });
