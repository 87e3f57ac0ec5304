// rmtree against a tree that another process changes while it runs: every name is resolved through a
// directory the removal holds open, never through a path that can be redirected. The changes are made
// at a fixed step of the removal (inside a request's callback or right before a request is made), so
// every run meets the same interleaving.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AioContext, createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';
import { makeOutside } from '../../helpers/tree.js';

/** Runs `change` once, when the first chunk of a directory listing is delivered to rmtree. */
function onFirstListing(ctx: AioContext, change: () => void): void {
  const read = ctx.readdirChunk.bind(ctx);
  let done = false;
  ctx.readdirChunk = ((stream, options) =>
    read(stream, {
      ...options,
      callback: (err, entries) => {
        if (!done) {
          done = true;
          change();
        }
        options?.callback?.(err, entries as never);
      },
    })) as AioContext['readdirChunk'];
}

/** Runs `change` once, right before rmtree opens a directory whose name ends with `name`. */
function beforeOpening(ctx: AioContext, name: string, change: () => void): void {
  const open = ctx.open.bind(ctx);
  let done = false;
  ctx.open = ((path, flags, mode, options) => {
    if (!done && String(path).endsWith(`/${name}`)) {
      done = true;
      change();
    }
    return open(path, flags, mode, options);
  }) as AioContext['open'];
}

test('a subdirectory swapped for a symlink to an outside directory after its listing is not followed: the link is removed, the outside kept', async () => {
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  writeFileSync(join(tree, 'sub', 'f'), 'f');
  writeFileSync(join(tree, 'file'), 'x');
  const ctx = createAio();
  const fds = openFdCount();
  onFirstListing(ctx, () => {
    // The listing said `sub` is a directory; now it is a symlink to outside.
    renameSync(join(tree, 'sub'), join(dir, 'sub-aside'));
    symlinkSync(outside, join(tree, 'sub'));
  });
  await expect(ctx.rmtree(tree)).resolves.toBeUndefined();
  expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([
    ['outside/', 'outside/deep/', 'outside/deep/keep2', 'outside/keep', 'sub-aside/', 'sub-aside/f'],
    fds,
    0,
  ]);
});

test('a directory swapped for a symlink right before it is opened is refused by O_NOFOLLOW and the link unlinked', async () => {
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'a', 'b'), { recursive: true });
  writeFileSync(join(tree, 'a', 'b', 'f'), 'f');
  const ctx = createAio();
  beforeOpening(ctx, 'b', () => {
    renameSync(join(tree, 'a', 'b'), join(dir, 'b-aside'));
    symlinkSync(outside, join(tree, 'a', 'b'));
  });
  await expect(ctx.rmtree(tree)).resolves.toBeUndefined();
  expect(listTree(dir)).toEqual([
    'b-aside/',
    'b-aside/f',
    'outside/',
    'outside/deep/',
    'outside/deep/keep2',
    'outside/keep',
  ]);
});

test('a tree moved out from under the removal while it is deep inside: climbing back through `..` meets another directory, and it stops there touching nothing outside', async () => {
  // d1/d2/…/d7: entering d7, the removal has given up the descriptors of d2 and above (it keeps
  // four ancestors), so it climbs back through `..`. d2 is moved into outside/ meanwhile, and d1
  // gets a new file: the `..` of d2 is then outside/, which must not be taken for d1 (were it, d1's
  // rmdir would fail with ENOTEMPTY and a second pass over "d1" would empty outside/).
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  const chain = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'];
  mkdirSync(join(tree, ...chain), { recursive: true });
  for (let i = 1; i <= chain.length; i++) writeFileSync(join(tree, ...chain.slice(0, i), 'f'), String(i));
  const ctx = createAio();
  const fds = openFdCount();
  beforeOpening(ctx, 'd7', () => {
    renameSync(join(tree, 'd1', 'd2'), join(outside, 'd2'));
    writeFileSync(join(tree, 'd1', 'late'), 'late');
  });
  await expect(ctx.rmtree(tree)).rejects.toMatchObject({
    code: 'ENOENT',
    syscall: 'rmdir',
    path: join(tree, 'd1'),
  });
  expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([
    // d2 itself was emptied (it was part of the tree); its rmdir needs d1, which is gone from reach.
    [
      'outside/',
      'outside/d2/',
      'outside/deep/',
      'outside/deep/keep2',
      'outside/keep',
      'tree/',
      'tree/d1/',
      'tree/d1/late',
    ],
    fds,
    0,
  ]);
});

test.each([2, 3, 4])(
  'on a descriptor budget of %i a nested tree is removed whole (ancestors reopened through `..`)',
  async (maxOpenFds) => {
    const dir = tempDir();
    const tree = join(dir, 'tree');
    for (const path of ['a/b/c/d', 'a/b/e', 'a/f/g', 'h']) mkdirSync(join(tree, path), { recursive: true });
    for (const path of ['a/1', 'a/b/2', 'a/b/c/d/3', 'a/f/g/4', 'h/5']) writeFileSync(join(tree, path), path);
    const ctx = createAio({ maxOpenFds });
    const fds = openFdCount();
    await expect(ctx.rmtree(tree)).resolves.toBeUndefined();
    expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([[], fds, 0]);
  },
);

test('a tree renamed while it is removed is followed to where it went: the removal works through its descriptors', async () => {
  const dir = tempDir();
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'a', 'b'), { recursive: true });
  writeFileSync(join(tree, 'a', 'b', 'f'), 'f');
  writeFileSync(join(tree, 'a', 'g'), 'g');
  const ctx = createAio();
  beforeOpening(ctx, 'b', () => renameSync(join(tree, 'a'), join(tree, 'renamed')));
  await expect(ctx.rmtree(tree)).resolves.toBeUndefined();
  expect(listTree(dir)).toEqual([]);
});

test('with several lanes at once (a root of six subtrees), a directory swapped for a symlink in any of them is refused and the link unlinked', async () => {
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  for (let i = 1; i <= 6; i++) {
    mkdirSync(join(tree, `s${i}`, `inner${i}`), { recursive: true });
    writeFileSync(join(tree, `s${i}`, `inner${i}`, 'f'), String(i));
  }
  const ctx = createAio();
  const fds = openFdCount();
  beforeOpening(ctx, 'inner4', () => {
    renameSync(join(tree, 's4', 'inner4'), join(dir, 'inner4-aside'));
    symlinkSync(outside, join(tree, 's4', 'inner4'));
  });
  await expect(ctx.rmtree(tree)).resolves.toBeUndefined();
  expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([
    ['inner4-aside/', 'inner4-aside/f', 'outside/', 'outside/deep/', 'outside/deep/keep2', 'outside/keep'],
    fds,
    0,
  ]);
});
