// ioaio: aio.stat of every path of paths.txt through aio.queue({ concurrency: K }), written as a
// p-queue user writes it (one add per path, a then per task, await onIdle).  argv: PATHS_FILE K
import { createAio } from '@ioaio/core';
import { statThroughQueue } from '../lib/queue-run.mjs';
import { readPaths } from '../lib/report.mjs';

const aio = createAio();
const queue = aio.queue({ concurrency: Number(process.argv[3]) });
await statThroughQueue(readPaths(process.argv[2]), queue, (p) => aio.stat(p), { backend: aio.backend });
