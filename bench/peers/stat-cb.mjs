// Peer: raw fs.stat callbacks, K in flight.  argv: PATHS_FILE K ('all' = every path at once)
import fs from 'node:fs';
import { emit, msSince, readPaths } from '../lib/report.mjs';

const paths = readPaths(process.argv[2]);
const k = process.argv[3] === 'all' ? paths.length : Number(process.argv[3]);
let next = 0;
let done = 0;
let errors = 0;
let t0 = 0;

function onStat(err) {
  if (err) errors++;
  if (++done === paths.length) {
    const ms = msSince(t0);
    emit({ n: done, errors, ms, opsPerSec: done / (ms / 1000) });
  } else if (next < paths.length) fs.stat(paths[next++], onStat);
}

// Untimed: the first request starts libuv's threads.
fs.stat(paths[0], () => {
  t0 = performance.now();
  for (; next < Math.min(k, paths.length); ) fs.stat(paths[next++], onStat);
});
