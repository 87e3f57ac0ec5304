// README "Composite requests": scandir, copy, move, copytree, rmtree, pathsync and walk, on a tree given
// on the command line and a scratch directory.
// Usage: node composites.js TREE WORKDIR
import { join } from 'node:path';
import { aio, type CopytreeProgress } from '@ioaio/core';

const [tree = '.', work = '.'] = process.argv.slice(2);

const { dirs, nondirs } = await aio.scandir(tree, { maxreq: 8 });
console.log(`scandir: dirs ${dirs.sort().join(' ')}; nondirs ${nondirs.sort().join(' ')}`);

const copied = join(work, 'b.bin');
await aio.copy(join(tree, 'a.txt'), copied); // b.bin is its old self or the whole copy, never half
await aio.move(copied, join(work, 'moved.bin')); // rename, or copy + unlink across devices
console.log(`after copy and move: ${(await aio.readdir(work)).sort().join(' ')}`);

let last: CopytreeProgress | undefined;
const result = await aio.copytree(tree, join(work, 'copy'), { onProgress: (p) => (last = p) });
console.log(`copytree: ${JSON.stringify(result)}; last progress ${JSON.stringify(last)}`);
await aio.rmtree(join(work, 'copy')); // never enters a symlink
await aio.pathsync(work); // open, fsync, close

const lines: string[] = [];
const counts = await aio.walk(tree, {
  // a group: limit(0) pauses it, cancel() stops it
  maxreq: 8,
  onEntries: (_dir, entries) => {
    for (const { path, type } of entries) lines.push(`${type} ${path.slice(tree.length)}`);
  },
  onError: (err) => console.error(err.path, err.code),
});
console.log(`walk: ${JSON.stringify(counts)}`);
for (const line of lines.sort()) console.log(line);
