// ioaio: N aio.nop requests through core on a fresh default context.
// argv: N MODE [IN_FLIGHT=all]
// MODE: 'cb' (one shared callback, no promise per request) or 'await' (every request awaited
// through Promise.all, as user code writes it; always all at once).
// IN_FLIGHT (cb only): 'all' (every request issued at once) or a number (that many issued, one more
// per completion, as a feeder does).
import { createAio } from '@ioaio/core';
import { emit, msSince } from '../lib/report.mjs';

const kWarm = 10_000;
const n = Number(process.argv[2]);
const mode = process.argv[3];
const window = process.argv[4] === undefined || process.argv[4] === 'all' ? n : Number(process.argv[4]);
const ctx = createAio();

const byMode = {
  cb: (count) =>
    new Promise((resolve) => {
      let done = 0;
      let issued = Math.min(window, count);
      const opts = {
        callback: () => {
          if (++done === count) resolve(done);
          else if (issued < count) {
            issued++;
            ctx.nop(opts);
          }
        },
      };
      for (let i = 0; i < issued; i++) ctx.nop(opts);
    }),
  await: async (count) => {
    const all = new Array(count);
    for (let i = 0; i < count; i++) all[i] = ctx.nop();
    return (await Promise.all(all)).length;
  },
};
const issue = byMode[mode];
if (!issue) throw new Error(`unknown mode ${mode}`);

await issue(kWarm); // untimed: threads started, code optimised
const t0 = performance.now();
const done = await issue(n);
const ms = msSince(t0);
emit({
  n: done,
  errors: 0,
  ms,
  opsPerSec: done / (ms / 1000),
  inFlight: mode === 'cb' ? window : n,
  backend: ctx.backend,
  maxParallel: ctx.maxParallel,
});
