// The largest files under a directory: a walk lists the tree, and each file it finds is lstat'ed in a
// group held open until the walk is done.
// Usage: node largest-files.js DIR [COUNT]
import { aio } from '@ioaio/core';

const [root = '.', countArg = '20'] = process.argv.slice(2);
const count = Number(countArg);

interface Sized {
  path: string;
  size: number;
}

/** Largest first; equal sizes by path, so the output is the same on every run. */
function bySizeThenPath(a: Sized, b: Sized): number {
  return b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

// Invariant: `top` is sorted by bySizeThenPath and holds at most `count` entries, so memory stays
// bounded however large the tree.
const top: Sized[] = [];

function keep(entry: Sized): void {
  const smallest = top[top.length - 1];
  if (top.length === count && smallest !== undefined && bySizeThenPath(entry, smallest) >= 0) return;
  top.push(entry);
  top.sort(bySizeThenPath);
  if (top.length > count) top.pop();
}

const stats = aio.group();
const release = stats.hold(); // the walk reports files over many turns; the group must not finish early
await aio.walk(root, {
  onEntries: (_dir, entries) => {
    for (const { path, type } of entries) {
      if (type !== 'nondir') continue;
      const lstat = aio.lstat(path, {
        callback: (err, st) => {
          if (!err && st.isFile()) keep({ path, size: st.size });
        },
      });
      stats.add(lstat);
    }
  },
  onError: (err, dir) => console.error(`${dir}: ${err.code}`),
});
release();
await stats;
for (const { size, path } of top) console.log(`${size}\t${path}`);
