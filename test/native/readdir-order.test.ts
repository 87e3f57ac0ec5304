import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NativeDirents, NativePool } from '../../packages/native/src/index.js';
import { kAt, kReaddir } from '../../packages/native/src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, unavailable } from './native.js';

afterEach(closePools);

type Entry = [name: string, type: number, ino: number];

function listing(p: NativePool, dir: string, flags: number): Promise<Entry[]> {
  return new Promise((resolve, reject) =>
    p.submitReaddirAt(kAt.fdcwd, dir, flags, 0, (e, d?: NativeDirents) =>
      e ? reject(new Error(`readdir ${e}`)) : resolve(d!.names.map((n, i) => [n, d!.types[i]!, d!.inos[i]!])),
    ),
  );
}

/** 150 files, 30 directories and two names of one inode, created in an order unrelated to their names. */
function mixedDir(): string {
  const dir = tempDir();
  for (let i = 0; i < 180; i++) {
    const name = `e${(i * 7919) % 1000}`;
    if (i % 6 === 0) mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), '');
  }
  linkSync(join(dir, 'e919'), join(dir, 'same-inode')); // e919 is the file made for i = 1
  return dir;
}

const byIno = (a: Entry, b: Entry) => a[2] - b[2];
const kDir = 4;

describe.skipIf(unavailable !== undefined)(
  'native readdir order (IO::AIO READDIR_STAT_ORDER, READDIR_DIRS_FIRST)',
  () => {
    it('READDIR_STAT_ORDER gives the unsorted listing sorted by inode (ties in the kernel order)', async () => {
      const dir = mixedDir();
      const p = pool();
      const kernel = await listing(p, dir, 0);
      const ordered = await listing(p, dir, kReaddir.statOrder);
      expect(kernel.length).toBe(181);
      expect(ordered).toEqual([...kernel].sort(byIno));
      expect(ordered).not.toEqual(kernel);
    });

    it('READDIR_DIRS_FIRST puts directories first, keeping the kernel order within each part', async () => {
      const dir = mixedDir();
      const p = pool();
      const kernel = await listing(p, dir, 0);
      const dirsFirst = await listing(p, dir, kReaddir.dirsFirst);
      const both = await listing(p, dir, kReaddir.dirsFirst | kReaddir.statOrder);
      const dirs = kernel.filter((e) => e[1] === kDir);
      const others = kernel.filter((e) => e[1] !== kDir);
      expect(dirs.length).toBe(30);
      expect(dirsFirst).toEqual([...dirs, ...others]);
      expect(both).toEqual([...dirs.sort(byIno), ...others.sort(byIno)]);
    });

    it('an empty directory sorts to an empty listing', async () => {
      const p = pool();
      expect(await listing(p, tempDir(), kReaddir.dirsFirst | kReaddir.statOrder)).toEqual([]);
    });
  },
);
