// README "A group's lifetime": an empty group finishes on the next turn of the event loop, and hold()
// keeps it open while work is prepared.
// Usage: node group-lifetime.js WORKDIR FILE...
import { basename, join } from 'node:path';
import { aio } from '@ioaio/core';

const [work = '.', ...files] = process.argv.slice(2);

// The trap: a turn passes during the await, and the empty group has finished. (An await on a
// request may or may not last a turn: the native pool can deliver within the same one. Two
// setImmediate hops always do, so the trap shows every time here.)
const early = aio.group();
await aio.mkdir(join(work, 'trap'));
await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
try {
  early.add(aio.nop());
  console.log('added after an await');
} catch (err) {
  console.log(`added after an await: ${(err as NodeJS.ErrnoException).code}`);
}

// The answer: hold the group until every member is added.
const dst = join(work, 'held');
const grp = aio.group();
const release = grp.hold();
await aio.mkdir(dst);
for (const f of files) grp.add(aio.copy(f, join(dst, basename(f))));
release(); // idempotent; the group now finishes when its members do
await grp;
const copied = await aio.readdir(dst);
console.log(`copied under a hold: ${copied.sort().join(' ')}`);
