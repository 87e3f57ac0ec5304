import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio, type DirEntry, DirStream } from '@ioaio/core';
import { expect, test } from 'vitest';
import { openFdCount, tempDir } from '../../helpers/tmp.js';
import { sortNames } from '../../helpers/tree.js';

/** Reads a stream to its end; returns the size of every chunk and every entry. */
async function readAll(stream: DirStream): Promise<{ sizes: number[]; entries: DirEntry[] }> {
  const ctx = createAio();
  const sizes: number[] = [];
  const entries: DirEntry[] = [];
  while (!stream.ended) {
    const chunk = await ctx.readdirChunk(stream);
    sizes.push(chunk.length);
    entries.push(...chunk);
  }
  return { sizes, entries };
}

test('a directory of 2,500 entries comes in chunks of at most chunkEntries, each entry once, with its type', async () => {
  const dir = tempDir();
  const names: string[] = [];
  for (let i = 0; i < 2_497; i++) {
    writeFileSync(join(dir, `f${i}`), '');
    names.push(`f${i}`);
  }
  mkdirSync(join(dir, 'sub'));
  symlinkSync('sub', join(dir, 'link'));
  writeFileSync(join(dir, 'last'), '');
  const fds = openFdCount();
  const { sizes, entries } = await readAll(new DirStream(dir, { chunkEntries: 1_000 }));
  const byName = new Map(entries.map((e) => [e.name as string, e.type]));
  expect([sizes, byName.size, openFdCount()]).toEqual([[1_000, 1_000, 500], 2_500, fds]);
  expect(sortNames([...byName.keys()])).toEqual(sortNames([...names, 'sub', 'link', 'last']));
  expect([byName.get('sub'), byName.get('link'), byName.get('last'), byName.get('f7')]).toEqual([
    'dir',
    'symlink',
    'file',
    'file',
  ]);
});

test("encoding 'buffer' gives names byte for byte, including names that are not UTF-8", async () => {
  const dir = tempDir();
  const odd = Buffer.from([0x66, 0xff, 0xfe]);
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), odd]), '');
  const { entries } = await readAll(new DirStream(dir, { encoding: 'buffer' }));
  expect(entries).toEqual([{ name: odd, type: 'file' }]);
});

test('an empty directory ends with its first chunk; reading an ended stream gives [] again', async () => {
  const dir = tempDir();
  const ctx = createAio();
  const stream = new DirStream(dir);
  expect([await ctx.readdirChunk(stream), stream.ended, await ctx.readdirChunk(stream)]).toEqual([
    [],
    true,
    [],
  ]);
});

test('a missing directory rejects with opendir ENOENT and the stream has ended', async () => {
  const path = join(tempDir(), 'missing');
  const stream = new DirStream(path);
  await expect(createAio().readdirChunk(stream)).rejects.toMatchObject({
    code: 'ENOENT',
    syscall: 'opendir',
    path,
  });
  expect(stream.ended).toBe(true);
});

test('close() between chunks closes the descriptor at once; the stream then reads as ended', async () => {
  const dir = tempDir();
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, `f${i}`), '');
  const ctx = createAio();
  const fds = openFdCount();
  const stream = new DirStream(dir, { chunkEntries: 4 });
  const first = await ctx.readdirChunk(stream);
  const open = openFdCount();
  stream.close();
  stream.close();
  expect([first.length, open, openFdCount(), stream.ended, await ctx.readdirChunk(stream)]).toEqual([
    4,
    fds + 1,
    fds,
    true,
    [],
  ]);
});

test('a chunk cancelled while it runs closes the directory: its entries cannot be given back', async () => {
  const dir = tempDir();
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, `f${i}`), '');
  const ctx = createAio();
  const fds = openFdCount();
  const stream = new DirStream(dir, { chunkEntries: 4 });
  await ctx.readdirChunk(stream);
  const req = ctx.readdirChunk(stream);
  expect(req.state).toBe('execute');
  req.cancel();
  await expect(req).rejects.toMatchObject({ name: 'AbortError' });
  expect([stream.ended, openFdCount()]).toEqual([true, fds]);
});

test('a chunk cancelled while queued never runs: the stream stays open for the next one', async () => {
  const dir = tempDir();
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, `f${i}`), '');
  const ctx = createAio({ maxParallel: 0 });
  const stream = new DirStream(dir, { chunkEntries: 4 });
  const req = ctx.readdirChunk(stream);
  req.cancel();
  await expect(req).rejects.toMatchObject({ name: 'AbortError' });
  ctx.maxParallel = 1;
  const { sizes } = await readAll(stream);
  expect(sizes).toEqual([4, 4, 2]);
});

test('two chunks of one stream at once: the second rejects with ERR_AIO_DIR_CONCURRENT_READ', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f'), '');
  const ctx = createAio();
  const stream = new DirStream(dir);
  const first = ctx.readdirChunk(stream);
  const second = ctx.readdirChunk(stream);
  await expect(second).rejects.toMatchObject({ code: 'ERR_AIO_DIR_CONCURRENT_READ' });
  await expect(first).resolves.toEqual([{ name: 'f', type: 'file' }]);
});

test('bad arguments throw at the call with Node codes', () => {
  const ctx = createAio();
  expect(() => new DirStream(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  expect(() => new DirStream('/tmp', { chunkEntries: 0 })).toThrow(
    expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
  );
  expect(() => new DirStream('/tmp', { chunkEntries: 65_537 })).toThrow(
    expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
  );
  expect(() => new DirStream('/tmp', { encoding: 'nope' as never })).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
  );
  expect(() => ctx.readdirChunk('/tmp' as never)).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
  );
});
