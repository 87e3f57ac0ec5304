// README "Groups and feeders": a feeder that stats files on demand, at most 16 at a time.
// Usage: node feeder.js FILE...
import { aio } from '@ioaio/core';

const files = process.argv.slice(2);

const grp = aio.group<number>({ priority: -1 });
let total = 0;
grp.limit(16).feed(() => {
  const file = files.pop();
  if (file === undefined) return; // adding nothing removes the feeder
  grp.add(
    aio.stat(file, {
      priority: grp.priority,
      callback: (err, st) => {
        if (!err) total += st.size;
      },
    }),
  );
});
grp.result(0);
const result = await grp; // finishes when no member and no feeder is left
console.log(`bytes in the files: ${total}; the group resolved with ${result}`);
