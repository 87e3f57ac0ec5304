// README "Priorities and the scheduler": a context of its own, a priority-4 read queued behind a flood
// of priority -4 stats, pausing and resuming the pool, and flush().
// Usage: node priorities.js FILE
import { createAio } from '@ioaio/core';

const [file = '/etc/passwd'] = process.argv.slice(2);
const hugeList: string[] = Array.from({ length: 10_000 }, () => file);

const ctx = createAio({ maxParallel: 16 }); // its own queue, limits and counters
const fd = await ctx.open(file, 'r');
const buf = Buffer.alloc(4096);
let statsDone = 0;
for (const path of hugeList) ctx.stat(path, { priority: -4, callback: () => statsDone++ });
const n = await ctx.read(fd, 0, 4096, buf, 0, { priority: 4 }); // runs next, not last
console.log(
  `read ${n} bytes while ${hugeList.length - statsDone > 0 ? 'stats were still queued' : 'no stat was left'}`,
);
ctx.maxParallel = 0; // pause: nothing new enters the pool
ctx.maxParallel = 16; // resume
await ctx.flush(); // resolves when ctx.nreqs is 0
await ctx.close(fd);
console.log(`after flush: ${statsDone} stats done, nreqs ${ctx.nreqs}`);
