// README "@ioaio/rx: the same task three ways": count the entries under a directory that are not real
// directories, with await, with RxJS, and with for await.
// Usage: node three-ways.js DIR
import { aio } from '@ioaio/core';
import { treescan, treescanIterator } from '@ioaio/rx';
import { count } from 'rxjs';

const [root = '.'] = process.argv.slice(2);

// await: the walk resolves with its counts
const { nondirs } = await aio.walk(root, { maxreq: 8 });
console.log(`await: ${nondirs}`);

// RxJS: entries are pushed; unsubscribing cancels the walk
await new Promise<void>((resolve, reject) => {
  treescan(root, { maxreq: 8 })
    .pipe(count((e) => e.type === 'nondir'))
    .subscribe({ next: (n) => console.log(`RxJS: ${n}`), error: reject, complete: resolve });
});

// for await: entries are pulled, with backpressure; break cancels the walk
let n = 0;
for await (const e of treescanIterator(root, { maxreq: 8 })) if (e.type === 'nondir') n++;
console.log(`for await: ${n}`);
