import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { traversable } from '../../helpers/shm.js';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';
import { mixedDirectory } from '../../helpers/tree.js';
import { canDropPrivileges, kNobody, runUnprivileged } from '../../helpers/unprivileged.js';

/** A small tree: nested directories, files, empty directories, every kind of entry scandir knows. */
function makeTree(root: string): void {
  mkdirSync(root);
  mixedDirectory(root);
  mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(root, 'a', 'empty'));
  for (const d of ['a', 'a/b', 'a/b/c']) writeFileSync(join(root, d, 'f'), d);
  writeFileSync(Buffer.from(`${root}/a/\xff`, 'latin1'), 'not utf-8');
}

test('removes a whole tree and resolves when the final rmdir did', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'beside'), 'stays');
  makeTree(join(dir, 'tree'));
  const ctx = createAio();
  const fds = openFdCount();
  await expect(ctx.rmtree(join(dir, 'tree'))).resolves.toBeUndefined();
  expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([['beside'], fds, 0]);
});

test('a symlink to an outside directory is removed, the directory and its content stay untouched', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'outside', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'outside', 'keep'), 'keep');
  writeFileSync(join(dir, 'outside', 'deep', 'keep2'), 'keep2');
  makeTree(join(dir, 'tree'));
  symlinkSync(join(dir, 'outside'), join(dir, 'tree', 'escape'));
  symlinkSync(join(dir, 'outside'), join(dir, 'tree', 'a', 'b', 'escape2'));
  const outsideBefore = listTree(join(dir, 'outside'));
  await createAio().rmtree(join(dir, 'tree'));
  expect(outsideBefore).toEqual(['deep/', 'deep/keep2', 'keep']);
  expect([listTree(dir), listTree(join(dir, 'outside'))]).toEqual([
    ['outside/', 'outside/deep/', 'outside/deep/keep2', 'outside/keep'],
    outsideBefore,
  ]);
});

test('a symlink as the root rejects with ENOTDIR and removes nothing', async () => {
  const dir = tempDir();
  makeTree(join(dir, 'tree'));
  symlinkSync(join(dir, 'tree'), join(dir, 'link'));
  const before = listTree(dir);
  await expect(createAio().rmtree(join(dir, 'link'))).rejects.toMatchObject({
    code: 'ENOTDIR',
    path: join(dir, 'link'),
  });
  expect(listTree(dir)).toEqual(before);
  expect([lstatSync(join(dir, 'link')).isSymbolicLink(), readlinkSync(join(dir, 'link'))]).toEqual([
    true,
    join(dir, 'tree'),
  ]);
});

test('a file as the root rejects with ENOTDIR, a missing root with ENOENT', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'file'), 'x');
  const ctx = createAio();
  await expect(ctx.rmtree(join(dir, 'file'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  await expect(ctx.rmtree(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT', syscall: 'lstat' });
  expect([listTree(dir), ctx.nreqs]).toEqual([['file'], 0]);
});

test('an entry it cannot remove fails the request; every other entry is still removed (as uid 65534)', ({
  skip,
}) => {
  if (!canDropPrivileges()) skip('needs root to run the removal as another user');
  const dir = traversable(tempDir());
  const tree = join(dir, 'tree');
  makeTree(tree);
  // The child owns the tree, except one root-owned directory it may not empty.
  execFileSync('chown', ['-R', `${kNobody}:${kNobody}`, tree]);
  mkdirSync(join(tree, 'locked'));
  writeFileSync(join(tree, 'locked', 'pinned'), 'x');
  const child = runUnprivileged(`
    let error = null;
    try {
      await core.createAio().rmtree(${JSON.stringify(tree)});
    } catch (err) {
      error = { code: err.code, syscall: err.syscall };
    }
    console.log(JSON.stringify({ error }));
  `);
  expect(child.stderr).toBe('');
  expect(child.result).toEqual({ error: { code: 'EACCES', syscall: 'unlink' } });
  expect(listTree(tree)).toEqual(['locked/', 'locked/pinned']);
  expect(existsSync(tree)).toBe(true);
});

test('an already aborted signal: rejects with AbortError and removes nothing', async () => {
  const dir = tempDir();
  makeTree(join(dir, 'tree'));
  const before = listTree(dir);
  const ctx = createAio();
  const reason = new Error('never mind');
  await expect(ctx.rmtree(join(dir, 'tree'), { signal: AbortSignal.abort(reason) })).rejects.toMatchObject({
    name: 'AbortError',
    cause: reason,
  });
  await ctx.flush();
  expect([listTree(dir), ctx.nreqs]).toEqual([before, 0]);
});

test('aborting the signal while it runs: rejects with AbortError, the tree is partly removed, nothing outside', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'beside'), 'stays');
  makeTree(join(dir, 'tree'));
  const ctx = createAio({ maxParallel: 1 });
  const controller = new AbortController();
  // Abort in the callback of a request queued behind the rmtree's first steps.
  ctx.nop({ priority: -4, callback: () => controller.abort() });
  await expect(ctx.rmtree(join(dir, 'tree'), { signal: controller.signal })).rejects.toMatchObject({
    name: 'AbortError',
  });
  await ctx.flush();
  const left = listTree(dir);
  expect([left.includes('beside'), left.includes('tree/'), ctx.nreqs]).toEqual([true, true, 0]);
});
