// Peer: fs.promises.stat in a p-queue({ concurrency: K }).  argv: PATHS_FILE K
import fs from 'node:fs/promises';
import PQueue from 'p-queue';
import { statThroughQueue } from '../lib/queue-run.mjs';
import { readPaths } from '../lib/report.mjs';

const queue = new PQueue({ concurrency: Number(process.argv[3]) });
await statThroughQueue(readPaths(process.argv[2]), queue, (p) => fs.stat(p));
