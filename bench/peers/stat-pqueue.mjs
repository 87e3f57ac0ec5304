// Peer: fs.promises.stat in a p-queue({ concurrency: K }).  argv: PATHS_FILE K
import fs from 'node:fs/promises';
import PQueue from 'p-queue';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const paths = readPaths(process.argv[2]);
const queue = new PQueue({ concurrency: Number(process.argv[3]) });
let done = 0;
let errors = 0;
const count = () => {
  done++;
};
const fail = () => {
  errors++;
};

await fs.stat(paths[0]); // untimed: starts libuv's threads
const t0 = performance.now();
for (const p of paths) queue.add(() => fs.stat(p)).then(count, fail);
await queue.onIdle();
await new Promise(setImmediate); // let the last .then reactions run
const ms = msSince(t0);
emit({ n: done + errors, errors, ms, opsPerSec: (done + errors) / (ms / 1000) });
