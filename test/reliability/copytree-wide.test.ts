import { linkSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { openFdCount, tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/turns.js';

/** Three chunks of a directory read (1,024 entries each). */
const kChunked = 2100;
/** Well over copytree's file backlog (4,096) plus a chunk: the directory is still open, parked, when the copy pauses. */
const kBeyondBacklog = 8000;

/** One directory of `count` names, hard links to one empty file (fast to make, each a regular file). */
function wideDirectory(root: string, count: number): string {
  const src = join(root, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'f0'), '');
  for (let i = 1; i < count; i++) linkSync(join(src, 'f0'), join(src, `f${i}`));
  return src;
}

test('a wide directory is read in chunks while its files are copied, and copied whole', async () => {
  const root = tempDir();
  const src = wideDirectory(root, kChunked);
  const aio = createAio();
  let chunks = 0;
  const original = aio.readdirChunk;
  Object.defineProperty(aio, 'readdirChunk', {
    value(this: typeof aio, ...params: Parameters<typeof original>) {
      chunks++;
      return original.apply(this, params);
    },
  });
  const result = await aio.copytree(src, join(root, 'dst'), { maxreq: 4 });
  expect(result).toEqual({ files: kChunked, dirs: 1, symlinks: 0, skipped: 0 });
  expect(readdirSync(join(root, 'dst')).sort()).toEqual(readdirSync(src).sort());
  // 1,024 entries a chunk, and the last one finds the end.
  expect(chunks).toBe(Math.ceil(kChunked / 1024));
});

test('a copy paused with limit(0) while a directory is open between chunks, then cancelled, closes it', async () => {
  const root = tempDir();
  const src = wideDirectory(root, kBeyondBacklog);
  const aio = createAio();
  const fds = openFdCount();
  let known = 0;
  const grp = aio.copytree(src, join(root, 'dst'), { maxreq: 1, onProgress: (p) => (known = p.filesKnown) });
  const settled = grp.then(
    () => 'resolved',
    (err: unknown) => (err as Error).name,
  );
  await until(() => known >= 4096, 'the backlog of found files to fill');
  grp.limit(0);
  await until(() => grp.size === 0, 'the members in flight to finish');
  // Paused with nothing in flight: only the directory, parked between chunks, is still open.
  expect(openFdCount()).toBe(fds + 1);
  grp.cancel();
  expect(await settled).toBe('AbortError');
  await aio.flush();
  expect(openFdCount()).toBe(fds);
  expect(readdirSync(join(root, 'dst')).filter((n) => n.endsWith('.ioaio-tmp'))).toEqual([]);
});
