// Peer: memory of N queued stats in Node.  argv: MODE PATHS_FILE [N=1000000]
// MODE: baseline (holds only the paths), cb (fs.stat with one shared callback),
// promise (fs.promises.stat, one shared .then handler: no result is kept, as in cb).
import fs from 'node:fs';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const [mode, file, nArg] = process.argv.slice(2);
const paths = readPaths(file, Number(nArg ?? 1_000_000));
const rss = () => process.memoryUsage.rss();
const before = rss();
let queued = before; // RSS right after the issuing loop

/** Issues every request through `start(path, onDone)`; resolves when all are done. */
const issueAll = (start) =>
  new Promise((resolve) => {
    let done = 0;
    const onDone = () => {
      if (++done === paths.length) resolve();
    };
    for (const p of paths) start(p, onDone);
    queued = rss();
  });

const issue = {
  baseline: async () => {},
  cb: () => issueAll((p, onDone) => fs.stat(p, onDone)),
  promise: () => issueAll((p, onDone) => fs.promises.stat(p).then(onDone, onDone)),
}[mode];
if (!issue) throw new Error(`unknown mode ${mode}`);

const t0 = performance.now();
await issue();
emit({ mode, n: paths.length, ms: msSince(t0), queuedBytes: queued - before });
