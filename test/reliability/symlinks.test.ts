import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type AioContext, createAio, type WalkEntry } from '@ioaio/core';
import { expect, it } from 'vitest';
import { listTree, tempDir } from '../helpers/tmp.js';

/** Turns a walk may take on these small trees; far more than it needs, and a bound instead of a hang. */
const kMaxTurns = 100_000;

/** Awaits `work`, but gives up after `kMaxTurns` event-loop turns: a walk that loops fails, never hangs. */
async function within<T>(ctx: AioContext, work: PromiseLike<T>): Promise<T> {
  let done = false;
  const settled = Promise.resolve(work).finally(() => {
    done = true;
  });
  for (let turn = 0; !done; turn++) {
    if (turn > kMaxTurns) throw new Error(`did not settle within ${kMaxTurns} turns (nreqs ${ctx.nreqs})`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return settled;
}

/**
 * base/
 *   outside/ { o.txt, back -> ../root/a }
 *   root/
 *     f0, x -> y, y -> x, dangling -> nowhere, file-link -> f0
 *     a/ { f1, up -> .., self -> ., b/ { f2, top -> ../.., side -> ../../c } }
 *     c/ { toB -> ../a/b, out -> ../../outside }
 */
function makeCycles(): { base: string; root: string } {
  const base = tempDir('ioaio-symlinks-');
  const root = join(base, 'root');
  for (const dir of ['outside', 'root/a/b', 'root/c']) mkdirSync(join(base, dir), { recursive: true });
  for (const file of ['outside/o.txt', 'root/f0', 'root/a/f1', 'root/a/b/f2'])
    writeFileSync(join(base, file), file);
  const links: [string, string][] = [
    ['../root/a', 'outside/back'],
    ['y', 'root/x'],
    ['x', 'root/y'],
    ['nowhere', 'root/dangling'],
    ['f0', 'root/file-link'],
    ['..', 'root/a/up'],
    ['.', 'root/a/self'],
    ['../..', 'root/a/b/top'],
    ['../../c', 'root/a/b/side'],
    ['../a/b', 'root/c/toB'],
    ['../../outside', 'root/c/out'],
  ];
  for (const [target, path] of links) symlinkSync(target, join(base, path));
  return { base, root };
}

it('walk with followSymlinks terminates on cycles and enters each real directory exactly once', async () => {
  const { base, root } = makeCycles();
  const ctx = createAio();
  const scanned: [string, string[]][] = [];
  const result = await within(
    ctx,
    ctx.walk(root, {
      followSymlinks: true,
      maxreq: 4,
      onEntries: (dir: string, entries: WalkEntry[]) => {
        scanned.push([realpathSync(dir), entries.map((e) => `${e.type} ${basename(e.path)}`).sort()]);
      },
    }),
  );
  const real = (rel: string) => realpathSync(join(base, rel));
  expect(scanned.sort(([a], [b]) => (a < b ? -1 : 1))).toEqual(
    [
      [real('outside'), ['dir back', 'nondir o.txt']],
      [
        real('root'),
        ['dir a', 'dir c', 'nondir dangling', 'nondir f0', 'nondir file-link', 'nondir x', 'nondir y'],
      ],
      [real('root/a'), ['dir b', 'dir self', 'dir up', 'nondir f1']],
      [real('root/a/b'), ['dir side', 'dir top', 'nondir f2']],
      [real('root/c'), ['dir out', 'dir toB']],
    ].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
  );
  expect(result).toEqual({ dirs: 10, nondirs: 8 });
  expect(ctx.nreqs).toBe(0);
});

it('the default walk never follows a symlink: every entry lies under the root, symlinks are nondirs', async () => {
  const { base, root } = makeCycles();
  const ctx = createAio();
  for (const start of [root, `${root}/`]) {
    const entries: string[] = [];
    const result = await within(
      ctx,
      ctx.walk(start, {
        onEntries: (_dir: string, list: WalkEntry[]) =>
          entries.push(...list.map((e) => `${e.type} ${e.path}`)),
      }),
    );
    expect(entries.every((e) => e.split(' ')[1]?.startsWith(`${root}/`) && !e.includes('//'))).toBe(true);
    expect(entries.map((e) => e.replace(`${root}/`, '')).sort()).toEqual(
      [
        'dir a',
        'dir a/b',
        'dir c',
        'nondir a/b/f2',
        'nondir a/b/side',
        'nondir a/b/top',
        'nondir a/f1',
        'nondir a/self',
        'nondir a/up',
        'nondir c/out',
        'nondir c/toB',
        'nondir dangling',
        'nondir f0',
        'nondir file-link',
        'nondir x',
        'nondir y',
      ].sort(),
    );
    expect(result).toEqual({ dirs: 3, nondirs: 13 });
  }
  expect(listTree(join(base, 'outside'))).toEqual(['back', 'o.txt']);
});

it('a walk of the empty path rejects with ENOENT, as readdir does, and never scans /', async () => {
  const ctx = createAio();
  const reported: string[] = [];
  let walk: ReturnType<AioContext['walk']> | null = null;
  walk = ctx.walk('', {
    onEntries: (dir: string) => {
      // Anything reported here is outside the tree asked for; stop at once.
      reported.push(dir);
      walk?.cancel();
    },
  });
  const outcome = await within(
    ctx,
    walk.then(
      () => 'resolved',
      (err: unknown) => (err as NodeJS.ErrnoException).code,
    ),
  );
  expect({ outcome, reported }).toEqual({ outcome: 'ENOENT', reported: [] });
});

it('rmtree removes symlinks without following them: directories and files outside stay untouched', async () => {
  const base = tempDir('ioaio-symlinks-');
  const root = join(base, 'root');
  mkdirSync(join(base, 'outside/deep'), { recursive: true });
  writeFileSync(join(base, 'outside/deep/keep.txt'), 'keep');
  writeFileSync(join(base, 'outside/file.txt'), 'file');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'sub/own.txt'), 'own');
  // Every way out of the tree: to a directory outside, into it, to a file, to the base, cycles.
  symlinkSync('../outside', join(root, 'to-outside'));
  symlinkSync('../../outside/deep', join(root, 'sub/to-deep'));
  symlinkSync('../outside/file.txt', join(root, 'to-file'));
  symlinkSync('..', join(root, 'to-base'));
  symlinkSync('.', join(root, 'sub/self'));
  symlinkSync(join(base, 'outside'), join(base, 'link-to-outside'));
  const outsideBefore = listTree(join(base, 'outside'));
  const ctx = createAio();

  // A root that is itself a symlink to a directory is never entered.
  const viaLink = await within(
    ctx,
    ctx.rmtree(join(base, 'link-to-outside')).then(
      () => 'resolved',
      (err: unknown) => (err as NodeJS.ErrnoException).code,
    ),
  );
  expect(viaLink).toBe('ENOTDIR');

  await within(ctx, ctx.rmtree(root));
  expect(listTree(base)).toEqual([
    'link-to-outside',
    'outside/',
    'outside/deep/',
    'outside/deep/keep.txt',
    'outside/file.txt',
  ]);
  expect(listTree(join(base, 'outside'))).toEqual(outsideBefore);
  expect(ctx.nreqs).toBe(0);
});
