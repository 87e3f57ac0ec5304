// Peer: fs.promises.rm(DIR, { recursive: true }), Node's own recursive removal.  argv: DIR
import fs from 'node:fs';
import { emit, msSince } from '../lib/report.mjs';

const [dir] = process.argv.slice(2);
const t0 = performance.now();
await fs.promises.rm(dir, { recursive: true });
const ms = msSince(t0);
if (fs.existsSync(dir)) throw new Error(`${dir} is still there`);
emit({ ms });
