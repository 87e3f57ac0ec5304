// ioaio: core walk of DIR on the default context, entries counted in onEntries.
// argv: DIR [MAXREQ] (default: walk's own default)
import { aio } from '@ioaio/core';
import { emit, msSince } from '../lib/report.mjs';

const [dir, maxreq] = process.argv.slice(2);
let dirs = 0;
let nondirs = 0;
const t0 = performance.now();
const totals = await aio.walk(dir, {
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
emit({ ms, dirs, nondirs });
