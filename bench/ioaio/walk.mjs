// ioaio: core walk of DIR, entries counted in onEntries.
// argv: DIR [MAXREQ] [MAXPARALLEL] (empty or absent: walk's default maxreq, the default context)
import { aio, createAio } from '@ioaio/core';
import { emit, msSince } from '../lib/report.mjs';

const [dir, maxreq, maxParallel] = process.argv.slice(2);
const ctx = maxParallel ? createAio({ maxParallel: Number(maxParallel) }) : aio;
let dirs = 0;
let nondirs = 0;
const t0 = performance.now();
const totals = await ctx.walk(dir, {
  ...(maxreq ? { maxreq: Number(maxreq) } : {}),
  onEntries: (_dir, entries) => {
    for (const e of entries) {
      if (e.type === 'dir') dirs++;
      else nondirs++;
    }
  },
});
const ms = msSince(t0);
if (totals.dirs !== dirs || totals.nondirs !== nondirs) {
  throw new Error(
    `walk resolved ${JSON.stringify(totals)} but onEntries saw ${dirs} dirs, ${nondirs} non-dirs`,
  );
}
emit({ ms, dirs, nondirs, backend: ctx.backend });
