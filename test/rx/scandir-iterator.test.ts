import { promises as fsp, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAio, type WalkEntry } from '@ioaio/core';
import { scandirIterator } from '@ioaio/rx';
import { describe, expect, it } from 'vitest';
import { drain, type RxEvent } from '../helpers/events.js';
import { tempDir } from '../helpers/tmp.js';

/** Directories first, as scandirIterator gives them; by path within each kind (readdir's order is the file system's). */
function inScanOrder<P extends string | Buffer>(events: RxEvent<WalkEntry<P>>[]): RxEvent<WalkEntry<P>>[] {
  const key = (e: RxEvent<WalkEntry<P>>) =>
    e[0] === 'next' ? `${e[1].type === 'dir' ? 0 : 1}${e[1].path.toString()}` : '\u{10ffff}';
  return [...events].sort((a, b) => key(a).localeCompare(key(b)));
}

/** A directory with every kind scandir tells apart; returns its path. */
function mixed(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'inner'), '');
  writeFileSync(join(dir, 'file'), '');
  symlinkSync('file', join(dir, 'link-file'));
  symlinkSync('sub', join(dir, 'link-dir'));
  symlinkSync('nowhere', join(dir, 'dangling'));
  return dir;
}

describe('scandirIterator', () => {
  it('yields the entries of one directory: real directories first, symlinks to directories as nondirs', async () => {
    const dir = mixed();
    const events = await drain(scandirIterator(`${dir}//`, { aio: createAio() }));
    expect(events[0]).toEqual(['next', { path: `${dir}/sub`, type: 'dir' }]);
    expect(inScanOrder(events)).toEqual([
      ['next', { path: `${dir}/sub`, type: 'dir' }],
      ['next', { path: `${dir}/dangling`, type: 'nondir' }],
      ['next', { path: `${dir}/file`, type: 'nondir' }],
      ['next', { path: `${dir}/link-dir`, type: 'nondir' }],
      ['next', { path: `${dir}/link-file`, type: 'nondir' }],
      ['complete'],
    ]);
  });

  it('gives Buffer paths with encoding "buffer", also when types come from stat', async () => {
    const dir = mixed();
    const events = await drain(scandirIterator(dir, { aio: createAio(), encoding: 'buffer', types: false }));
    expect(inScanOrder(events)).toEqual([
      ['next', { path: Buffer.from(`${dir}/sub`), type: 'dir' }],
      ['next', { path: Buffer.from(`${dir}/dangling`), type: 'nondir' }],
      ['next', { path: Buffer.from(`${dir}/file`), type: 'nondir' }],
      ['next', { path: Buffer.from(`${dir}/link-dir`), type: 'nondir' }],
      ['next', { path: Buffer.from(`${dir}/link-file`), type: 'nondir' }],
      ['complete'],
    ]);
  });

  it('takes the directory as a file: URL or as bytes in any Uint8Array, and joins paths as the walk does', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'only'), '');
    const ctx = createAio();
    const bytes = new Uint8Array(Buffer.from(`${dir}/`));
    expect({
      url: await drain(scandirIterator(pathToFileURL(`${dir}/`), { aio: ctx })),
      bytes: await drain(scandirIterator(bytes as Buffer, { aio: ctx })),
      bytesAsBuffer: await drain(scandirIterator(bytes as Buffer, { aio: ctx, encoding: 'buffer' })),
    }).toEqual({
      url: [['next', { path: `${dir}/only`, type: 'nondir' }], ['complete']],
      bytes: [['next', { path: `${dir}/only`, type: 'nondir' }], ['complete']],
      bytesAsBuffer: [['next', { path: Buffer.from(`${dir}/only`), type: 'nondir' }], ['complete']],
    });
  });

  it('is cold: nothing is queued before the first next(), and invalid arguments throw at the call', async () => {
    const ctx = createAio();
    const iterator = scandirIterator(mixed(), { aio: ctx });
    expect(ctx.nreqs).toBe(0);
    expect(() => scandirIterator('a\0b', { aio: ctx })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    const first = iterator.next();
    expect(ctx.nreqs).toBeGreaterThan(0);
    expect(await first).toEqual({ done: false, value: expect.objectContaining({ type: 'dir' }) });
    expect(await iterator.return(undefined)).toEqual({ done: true, value: undefined });
    expect(ctx.nreqs).toBe(0);
  });

  it("throws Node's ENOENT error for a missing directory", async () => {
    const missing = join(tempDir(), 'missing');
    const nodeError = await fsp.readdir(missing).catch((err: unknown) => err);
    expect(await drain(scandirIterator(missing, { aio: createAio() }))).toEqual([['error', nodeError]]);
  });
});
