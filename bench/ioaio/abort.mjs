// ioaio: N requests queued on a paused context (maxParallel 0), all sharing
// one AbortSignal, then aborted through it. Times both phases in one process.
// argv: KIND PATHS_FILE [N=1000000]
// KIND: nop, or stat (of the first path of PATHS_FILE).
import { createAio } from '@ioaio/core';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const [kind, file, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const path = readPaths(file)[0];
const ctx = createAio({ maxParallel: 0 });
const controller = new AbortController();
const options = { signal: controller.signal };

const issue = {
  nop: () => ctx.nop(options),
  stat: () => ctx.stat(path, options),
}[kind];
if (!issue) throw new Error(`unknown kind ${kind}`);

const t0 = performance.now();
for (let i = 0; i < n; i++) issue();
const queueMs = msSince(t0);
if (ctx.nready !== n) throw new Error(`${ctx.nready} of ${n} requests queued`);

const t1 = performance.now();
controller.abort(new Error('enough'));
const abortMs = msSince(t1);
// Invariant: a queued request is done as soon as it is cancelled; nothing is left to wait for.
if (ctx.nreqs !== 0) throw new Error(`${ctx.nreqs} requests left after the abort`);

emit({ kind, n, queueMs, abortMs, ratio: abortMs / queueMs });
