// ioaio: aio.stat of every path of paths.txt through aio.queue({ concurrency: K }), written as a
// p-queue user writes it (one add per path, a then per task, await onIdle).  argv: PATHS_FILE K
import { createAio } from '@ioaio/core';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const paths = readPaths(process.argv[2]);
const aio = createAio();
const queue = aio.queue({ concurrency: Number(process.argv[3]) });
let done = 0;
let errors = 0;
const count = () => {
  done++;
};
const fail = () => {
  errors++;
};

await aio.stat(paths[0]); // untimed: starts libuv's threads
const t0 = performance.now();
for (const p of paths) queue.add(() => aio.stat(p)).then(count, fail);
await queue.onIdle();
await new Promise(setImmediate); // let the last .then reactions run
const ms = msSince(t0);
emit({ n: done + errors, errors, ms, opsPerSec: (done + errors) / (ms / 1000) });
