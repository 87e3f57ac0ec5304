// ioaio: `aio.copytree(SRC, DST, { maxreq })` on a fresh context.  argv: SRC DST MAXREQ MAXPARALLEL
// MAXREQ and MAXPARALLEL: integers, or 'default'. Prints the copy's time, the entries under DST and
// copytree's own counts; the scenario removes DST, outside any timing.
import { spawnSync } from 'node:child_process';
import { createAio } from '@ioaio/core';
import { emit, msSince } from '../lib/report.mjs';

const [src, dst, maxreq, depth] = process.argv.slice(2);
const ctx = depth === 'default' ? createAio() : createAio({ maxParallel: Number(depth) });
const options = maxreq === 'default' ? {} : { maxreq: Number(maxreq) };
await ctx.nop(); // untimed: starts the pool's (or libuv's) threads
const t0 = performance.now();
const counts = await ctx.copytree(src, dst, options);
const ms = msSince(t0);
// Counted as the cp -a peer counts them (find: links never followed), root excluded.
const entries = spawnSync('find', [dst, '-printf', '.']).stdout.length - 1;
emit({ ms, entries, ...counts, backend: ctx.backend });
