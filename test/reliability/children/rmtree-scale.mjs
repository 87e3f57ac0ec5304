// rmtree at scale, in a fresh process (run with --expose-gc). input.how:
// - 'deep': a chain of input.depth directories named 'd', a file in each, made with relative
//   paths (the deepest path is far past PATH_MAX), then removed.
// - 'flat': input.files empty files in one directory, then removed while a sampler records the
//   live heap (after a full GC) and the requests in flight; the heap that holding every name would
//   take (one readdir with types) is measured in the same process, as the yardstick.
// Prints one summary: outcome, what is left, descriptors, counters and the measurements.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { core, input, newFds, openFds, outcomeName, report } from './lib.mjs';

const { how } = input;
const base = mkdtempSync(join(tmpdir(), 'ioaio-rmtree-scale-'));
const root = join(base, 'd');

function makeDeep(depth) {
  const cwd = process.cwd();
  process.chdir(base);
  for (let i = 0; i < depth; i++) {
    mkdirSync('d');
    writeFileSync('f', '');
    process.chdir('d');
  }
  process.chdir(cwd);
}

function makeFlat(files) {
  mkdirSync(root);
  for (let i = 0; i < files; i++) writeFileSync(join(root, `f${i.toString(36)}`), '');
}

function liveHeap() {
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** What holding every name of the directory costs: the yardstick for the bound. */
function heldNamesHeap() {
  const before = liveHeap();
  const held = readdirSync(root, { withFileTypes: true, encoding: 'buffer' });
  const after = liveHeap();
  return held.length > 0 ? after - before : 0;
}

const ctx = core.createAio();
if (how === 'deep') makeDeep(input.depth);
else makeFlat(input.files);
const yardstick = how === 'flat' ? heldNamesHeap() : 0;
const fds = openFds();
const baseline = liveHeap();
let peakHeap = baseline;
let peakRequests = 0;
const sampler =
  how === 'flat'
    ? setInterval(() => {
        peakHeap = Math.max(peakHeap, liveHeap());
        peakRequests = Math.max(peakRequests, ctx.nreqs);
      }, 25)
    : null;
let outcome;
try {
  await ctx.rmtree(root);
  outcome = 'resolved';
} catch (err) {
  outcome = `${outcomeName(err)} ${err.syscall}`;
}
if (sampler !== null) clearInterval(sampler);
const left = readdirSync(base);
const summary = {
  outcome,
  left,
  leaked: newFds(fds),
  nreqs: ctx.nreqs,
  growth: peakHeap - baseline,
  yardstick,
  peakRequests,
};
rmSync(base, { recursive: true, force: true });
report(summary);
