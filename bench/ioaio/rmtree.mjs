// ioaio: rmtree of DIR.  argv: DIR [MAXPARALLEL] [LIMIT]
// (empty or absent: the default context; the rmtree group's own limit)
import fs from 'node:fs';
import { aio, createAio } from '@ioaio/core';
import { emit, msSince } from '../lib/report.mjs';

const [dir, maxParallel, limit] = process.argv.slice(2);
const ctx = maxParallel ? createAio({ maxParallel: Number(maxParallel) }) : aio;
const t0 = performance.now();
const req = ctx.rmtree(dir);
if (limit) req.limit(Number(limit));
await req;
const ms = msSince(t0);
if (fs.existsSync(dir)) throw new Error(`${dir} is still there`);
emit({ ms, backend: ctx.backend });
