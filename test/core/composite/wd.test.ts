import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AioWorkingDirectory, createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';

test('wd resolves with the canonical path of a directory, through symlinks', async () => {
  const dir = realpathSync(tempDir());
  mkdirSync(join(dir, 'real'));
  symlinkSync('real', join(dir, 'link'));
  const ctx = createAio();
  const wd = await ctx.wd(join(dir, 'link', '.', '..', 'link'));
  expect(wd).toBeInstanceOf(AioWorkingDirectory);
  expect(wd.path).toBe(join(dir, 'real'));
  expect([wd.resolve('a/b'), wd.resolve('/etc'), wd.resolve('')]).toEqual([
    join(dir, 'real', 'a/b'),
    '/etc',
    join(dir, 'real'),
  ]);
  expect(ctx.nreqs).toBe(0);
});

test('a Buffer path gives a Buffer path, byte for byte', async () => {
  const dir = realpathSync(tempDir());
  const name = Buffer.from([0x77, 0xff]);
  const path = Buffer.concat([Buffer.from(`${dir}/`), name]);
  mkdirSync(path);
  const wd = await createAio().wd(path);
  expect(wd.path).toEqual(path);
  expect(wd.resolve(Buffer.from('x'))).toEqual(Buffer.concat([path, Buffer.from('/x')]));
});

test('a file rejects with ENOTDIR, a missing path with ENOENT', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'file'), '');
  const ctx = createAio();
  await expect(ctx.wd(join(dir, 'file'))).rejects.toMatchObject({ code: 'ENOTDIR', path: join(dir, 'file') });
  await expect(ctx.wd(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  expect(ctx.nreqs).toBe(0);
});
