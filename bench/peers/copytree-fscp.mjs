// Peer: `fs.promises.cp(SRC, DST, { recursive: true })`.  argv: SRC DST
// Prints the copy's time and the entries under DST; the scenario removes DST, outside any timing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { emit, msSince } from '../lib/report.mjs';

const [src, dst] = process.argv.slice(2);
const t0 = performance.now();
await fs.promises.cp(src, dst, { recursive: true });
const ms = msSince(t0);
// Counted as the cp -a peer counts them (find: links never followed), root excluded.
const entries = spawnSync('find', [dst, '-printf', '.']).stdout.length - 1;
emit({ ms, entries });
