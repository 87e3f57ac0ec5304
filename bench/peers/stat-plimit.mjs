// Peer: fs.promises.stat under p-limit(K).  argv: PATHS_FILE K
import fs from 'node:fs/promises';
import pLimit from 'p-limit';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const paths = readPaths(process.argv[2]);
const limit = pLimit(Number(process.argv[3]));
let errors = 0;
const stat = (p) =>
  fs.stat(p).catch(() => {
    errors++;
  });

await fs.stat(paths[0]); // untimed: starts libuv's threads
const t0 = performance.now();
const results = await Promise.all(paths.map((p) => limit(stat, p)));
const ms = msSince(t0);
emit({ n: results.length, errors, ms, opsPerSec: results.length / (ms / 1000) });
