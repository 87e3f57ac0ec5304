import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { traversable } from '../../helpers/shm.js';
import { stepOne } from '../../helpers/step.js';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';
import { makeOutside, mixedDirectory } from '../../helpers/tree.js';
import { until } from '../../helpers/turns.js';
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

test.each([
  ['link/', 'ENOTDIR'],
  ['link//', 'ENOTDIR'],
  ['link/.', 'EINVAL'],
])(
  'a symlink root spelt %s, to a directory outside, is refused (%s) and nothing anywhere is removed',
  async (spelling, code) => {
    const dir = tempDir();
    const outside = makeOutside(dir);
    symlinkSync(outside, join(dir, 'link'));
    const before = listTree(dir);
    const ctx = createAio();
    await expect(ctx.rmtree(`${dir}/${spelling}`)).rejects.toMatchObject({ code, syscall: 'rmdir' });
    expect([listTree(dir), listTree(outside), readlinkSync(join(dir, 'link')), ctx.nreqs]).toEqual([
      before,
      ['deep/', 'deep/keep2', 'keep'],
      outside,
      0,
    ]);
  },
);

test.each([
  ['tree/.', 'string'],
  ['tree/..', 'string'],
  ['tree/./', 'string'],
  ['tree/a/..', 'string'],
  ['tree/.', 'buffer'],
  ['tree/..//', 'buffer'],
])(
  'a root whose last component is . or .. (%s as a %s) rejects with EINVAL and the tree stays whole',
  async (spelling, form) => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'));
    const before = listTree(dir);
    const path = join(dir, 'x').slice(0, -1) + spelling;
    const ctx = createAio();
    await expect(ctx.rmtree(form === 'buffer' ? Buffer.from(path) : path)).rejects.toMatchObject({
      code: 'EINVAL',
      syscall: 'rmdir',
      path,
    });
    expect([listTree(dir), ctx.nreqs]).toEqual([before, 0]);
  },
);

test('the root directory, however many slashes spell it, is refused with EBUSY before any request is queued', async () => {
  // Invariant: a paused context, so even a broken refusal could queue but never run anything.
  const ctx = createAio({ maxParallel: 0 });
  for (const root of ['/', '///']) {
    const req = ctx.rmtree(root);
    try {
      await expect(req).rejects.toMatchObject({ code: 'EBUSY', syscall: 'rmdir', path: root });
      expect([ctx.nready, ctx.nreqs]).toEqual([0, 0]);
    } finally {
      req.cancel();
    }
  }
});

test('a tree of directories with more entries than one chunk, and empty ones, is removed whole', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'beside'), 'stays');
  const tree = join(dir, 'tree');
  for (const sub of ['a', 'b', 'a/c']) {
    mkdirSync(join(tree, sub), { recursive: true });
    for (let i = 0; i < 2_100; i++) writeFileSync(join(tree, sub, `f${i}`), '');
  }
  for (let i = 0; i < 50; i++) mkdirSync(join(tree, 'b', `empty${i}`));
  const ctx = createAio();
  const fds = openFdCount();
  await expect(ctx.rmtree(tree)).resolves.toBeUndefined();
  expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([['beside'], fds, 0]);
});

test('limit(0) on the rmtree group pauses it and raising the limit resumes it', async () => {
  const dir = tempDir();
  makeTree(join(dir, 'tree'));
  const ctx = createAio();
  const req = ctx.rmtree(join(dir, 'tree'));
  req.limit(0);
  // The root's lstat was added before the pause; once it ran, nothing else may start.
  await until(() => ctx.nreqs === 1, 'the lstat to finish');
  const paused = listTree(dir);
  req.limit(4);
  await expect(req).resolves.toBeUndefined();
  expect([paused.length > 0, listTree(dir), ctx.nreqs]).toEqual([true, [], 0]);
});

test('an entry and a subdirectory that vanish while it runs count as removed', async () => {
  const dir = tempDir();
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  writeFileSync(join(tree, 'gone'), '');
  writeFileSync(join(tree, 'sub', 'inner'), '');
  const ctx = createAio({ maxParallel: 0 });
  const req = ctx.rmtree(tree);
  // lstat of the root, then the root's first chunk: both name entries that are then taken away.
  await stepOne(ctx);
  await stepOne(ctx);
  rmSync(join(tree, 'gone'));
  rmSync(join(tree, 'sub'), { recursive: true });
  ctx.maxParallel = 4;
  await expect(req).resolves.toBeUndefined();
  expect([existsSync(tree), ctx.nreqs]).toEqual([false, 0]);
});

test('as uid 65534: a tree it cannot empty, holding symlinks to a directory it could empty, leaves that directory whole', ({
  skip,
}) => {
  if (!canDropPrivileges()) skip('needs root to run the removal as another user');
  const dir = traversable(tempDir());
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  makeTree(tree);
  symlinkSync(outside, join(tree, 'escape'));
  symlinkSync(outside, join(tree, 'a', 'escape2'));
  symlinkSync(outside, join(dir, 'link'));
  // The child owns the tree and the outside directory, except one root-owned directory in the tree.
  execFileSync('chown', ['-R', `${kNobody}:${kNobody}`, tree, outside]);
  mkdirSync(join(tree, 'locked'));
  writeFileSync(join(tree, 'locked', 'pinned'), 'x');
  const outsideBefore = listTree(outside);
  const child = runUnprivileged(`
    const outcome = async (path) => {
      try {
        await core.createAio().rmtree(path);
        return 'resolved';
      } catch (err) {
        return err.code + ' ' + err.syscall;
      }
    };
    const link = ${JSON.stringify(join(dir, 'link'))};
    const results = [];
    for (const path of [link + '/', link + '//', link + '/.', ${JSON.stringify(tree)}]) results.push(await outcome(path));
    console.log(JSON.stringify(results));
  `);
  expect(child.stderr).toBe('');
  expect(child.result).toEqual(['ENOTDIR rmdir', 'ENOTDIR rmdir', 'EINVAL rmdir', 'EACCES unlink']);
  expect([listTree(tree), listTree(outside), outsideBefore]).toEqual([
    ['locked/', 'locked/pinned'],
    ['deep/', 'deep/keep2', 'keep'],
    ['deep/', 'deep/keep2', 'keep'],
  ]);
});
