import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test, vi } from 'vitest';
import { stepOne } from '../../helpers/step.js';
import { tempDir } from '../../helpers/tmp.js';
import { mixedDirectory, sortNames } from '../../helpers/tree.js';

/** The three ways scandir classifies: entry types, stats with a fresh directory, stats with the link-count shortcut. */
const modes = [
  { name: 'entry types', types: true, aged: false },
  { name: 'stat fallback ({ types: false })', types: false, aged: false },
  {
    name: 'stat fallback with the link-count shortcut (directory mtime in the past)',
    types: false,
    aged: true,
  },
] as const;

/** Moves a directory's times a day back, so the link-count shortcut trusts its nlink. */
function age(dir: string): void {
  const past = Date.now() / 1000 - 86_400;
  utimesSync(dir, past, past);
}

describe.each(modes)('scandir by $name', ({ types, aged }) => {
  test('splits real directories from files, symlinks (to files, to directories, dangling) and a FIFO', async () => {
    const dir = tempDir();
    const expected = mixedDirectory(dir);
    if (aged) age(dir);
    const ctx = createAio();
    const result = await ctx.scandir(dir, { types });
    expect({ dirs: sortNames(result.dirs), nondirs: sortNames(result.nondirs) }).toEqual(expected);
    expect(sortNames([...result.dirs, ...result.nondirs])).toEqual(sortNames(readdirSync(dir)));
    expect(ctx.nreqs).toBe(0);
  });

  test('a 5,000-entry directory', async () => {
    const dir = tempDir();
    const dirs: string[] = [];
    const nondirs: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const name = `e${String(i).padStart(4, '0')}${i % 3 === 0 ? '' : '.txt'}`;
      if (i % 10 === 0) {
        mkdirSync(join(dir, name));
        dirs.push(name);
      } else {
        writeFileSync(join(dir, name), '');
        nondirs.push(name);
      }
    }
    if (aged) age(dir);
    const ctx = createAio();
    const result = await ctx.scandir(dir, { types, maxreq: 8 });
    expect({ dirs: sortNames(result.dirs), nondirs: sortNames(result.nondirs) }).toEqual({
      dirs: sortNames(dirs),
      nondirs: sortNames(nondirs),
    });
    expect(sortNames([...result.dirs, ...result.nondirs])).toEqual(sortNames(readdirSync(dir)));
  });

  test("encoding: 'buffer' returns a name that is not UTF-8 byte for byte", async () => {
    const dir = tempDir();
    const fileName = Buffer.from([0x66, 0xff]);
    const dirName = Buffer.from([0x64, 0xfe, 0x80]);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), fileName]), 'bytes');
    mkdirSync(Buffer.concat([Buffer.from(`${dir}/`), dirName]));
    writeFileSync(join(dir, 'plain'), '');
    if (aged) age(dir);
    const ctx = createAio();
    const result = await ctx.scandir(dir, { types, encoding: 'buffer' });
    expect({ dirs: sortNames(result.dirs), nondirs: sortNames(result.nondirs) }).toEqual({
      dirs: [dirName],
      nondirs: sortNames([fileName, Buffer.from('plain')]),
    });
    for (const name of [...result.dirs, ...result.nondirs]) expect(Buffer.isBuffer(name)).toBe(true);
  });

  test('an empty directory', async () => {
    const dir = tempDir();
    if (aged) age(dir);
    await expect(createAio().scandir(dir, { types })).resolves.toEqual({ dirs: [], nondirs: [] });
  });

  test('a missing path rejects with ENOENT, a file with ENOTDIR', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const ctx = createAio();
    await expect(ctx.scandir(join(dir, 'missing'), { types })).rejects.toMatchObject({
      code: 'ENOENT',
      path: join(dir, 'missing'),
    });
    await expect(ctx.scandir(join(dir, 'file'), { types })).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(ctx.nreqs).toBe(0);
  });
});

test('scandir of a Buffer path joins names byte for byte', async () => {
  const dir = tempDir();
  const dirName = Buffer.from([0x64, 0xff]);
  const path = Buffer.concat([Buffer.from(`${dir}/`), dirName]);
  mkdirSync(path);
  mkdirSync(Buffer.concat([path, Buffer.from('/child')]));
  writeFileSync(Buffer.concat([path, Buffer.from('/file')]), '');
  const ctx = createAio();
  for (const types of [true, false]) {
    await expect(ctx.scandir(path, { types })).resolves.toEqual({ dirs: ['child'], nondirs: ['file'] });
  }
});

describe('the stat fallback, one request at a time', () => {
  /** Runs a scandir on a paused context one request at a time; returns its value, the steps and the most queued. */
  async function stepped(dir: string, maxreq: number) {
    const ctx = createAio({ maxParallel: 0 });
    const grp = ctx.scandir(dir, { types: false, maxreq });
    let steps = 0;
    let mostQueued = ctx.nready;
    while (await stepOne(ctx)) {
      steps++;
      mostQueued = Math.max(mostQueued, ctx.nready);
    }
    const { dirs, nondirs } = await grp;
    return { dirs: sortNames(dirs), nondirs: sortNames(nondirs), steps, mostQueued };
  }

  function dirWithOneSubdirectory(): string {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `f${i}.txt`), '');
    return dir;
  }

  const files = sortNames(Array.from({ length: 20 }, (_, i) => `f${i}.txt`));

  test('a directory modified this second is not trusted: every name is stat-ed', async () => {
    const dir = dirWithOneSubdirectory();
    // The clock reads the second of the directory's mtime, whatever the real clock did meanwhile.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Math.floor(statSync(dir).mtimeMs / 1000) * 1000 + 500);
      // stat, readdir, stat again, one `name/.` stat per name, one lstat for the directory found.
      expect(await stepped(dir, 1)).toEqual({
        dirs: ['a'],
        nondirs: files,
        steps: 3 + 21 + 1,
        mostQueued: 1,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  test('the link count shortcut: once nlink - 2 directories are found, the rest are not stat-ed', async () => {
    const dir = dirWithOneSubdirectory();
    age(dir);
    // stat, readdir (likely directories first: 'a'), stat again, a/. and lstat a: the 20 files need no stat.
    expect(await stepped(dir, 1)).toEqual({ dirs: ['a'], nondirs: files, steps: 5, mostQueued: 1 });
  });

  test('never more than maxreq stat requests at once', async () => {
    const dir = dirWithOneSubdirectory();
    const result = await stepped(dir, 3);
    expect({ ...result, steps: 0 }).toEqual({ dirs: ['a'], nondirs: files, steps: 0, mostQueued: 3 });
  });
});
