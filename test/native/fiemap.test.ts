import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NativePool } from '../../packages/native/src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, unavailable } from './native.js';

afterEach(closePools);

const { errno } = osConstants;
const kMiB = 1 << 20;
const kFlagSync = 1;
/** FIEMAP_EXTENT_* bits by the names filefrag prints. */
const kExtentFlags: Record<string, number> = {
  last: 0x1,
  unknown: 0x2,
  delalloc: 0x4,
  encoded: 0x8,
  data_encrypted: 0x80,
  not_aligned: 0x100,
  inline: 0x200,
  tail: 0x400,
  unwritten: 0x800,
  merged: 0x1000,
  shared: 0x2000,
};

type Extent = [logical: number, physical: number, length: number, flags: number];

function fiemap(
  p: NativePool,
  fd: number,
  start: number,
  length: number,
  count: number,
): Promise<[number, Extent[]]> {
  return new Promise((resolve) =>
    p.submitFiemap(fd, start, length, kFlagSync, count, 0, (e, x) => {
      const out: Extent[] = [];
      for (let i = 0; x && i < x.length; i += 4) out.push([x[i]!, x[i + 1]!, x[i + 2]!, x[i + 3]!]);
      resolve([e, out]);
    }),
  );
}

/** A file with 4 KiB of data at 0 and at 1 MiB and a hole between, flushed to disk. */
function sparseFile(): { path: string; fd: number } {
  const path = join(tempDir(), 'sparse');
  const fd = openSync(path, 'w+');
  writeSync(fd, Buffer.alloc(4096, 'a'), 0, 4096, 0);
  writeSync(fd, Buffer.alloc(4096, 'b'), 0, 4096, kMiB);
  fsyncSync(fd);
  return { path, fd };
}

/** The extents filefrag reports (in bytes), the kernel's own view through another tool. */
function filefrag(path: string): Extent[] | undefined {
  let out: string;
  try {
    out = execFileSync('filefrag', ['-v', '-b1', path], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const rows = out.split('\n').filter((l) => /^\s*\d+:/.test(l));
  return rows.map((row) => {
    const cells = row.split(':').map((c) => c.trim());
    const logical = Number(cells[1]!.split('..')[0]);
    const physical = Number(cells[2]!.split('..')[0]);
    const names = (cells.at(-1) ?? '').split(',').filter((n) => n !== '' && n !== 'eof');
    const flags = names.reduce((bits, n) => bits | (kExtentFlags[n] ?? 0), 0);
    return [logical, physical, Number(cells[3]), flags];
  });
}

describe.skipIf(unavailable !== undefined)('native fiemap (FS_IOC_FIEMAP)', () => {
  it('gives the two data extents of a sparse file, as filefrag reads them', async (ctx) => {
    const { path, fd } = sparseFile();
    const p = pool();
    const [e, all] = await fiemap(p, fd, 0, -1, -1);
    closeSync(fd);
    if (e === -errno.EOPNOTSUPP) {
      console.log(`fiemap test skipped: ${path}'s file system has no FIEMAP`);
      ctx.skip();
    }
    expect(e).toBe(0);
    expect(all.map(([logical, , length, flags]) => [logical, length, flags])).toEqual([
      [0, 4096, 0],
      [kMiB, 4096, 1],
    ]);
    expect(all.every(([, physical]) => physical > 0)).toBe(true);
    const other = filefrag(path);
    if (other === undefined) console.log('filefrag missing: physical offsets checked only as non-zero');
    else expect(all).toEqual(other);
  });

  it('honours count and the range: one extent, the second only, none in the hole', async (ctx) => {
    const { fd } = sparseFile();
    const p = pool();
    const [e, whole] = await fiemap(p, fd, 0, -1, -1);
    if (e === -errno.EOPNOTSUPP) {
      closeSync(fd);
      console.log('fiemap test skipped: no FIEMAP on the temporary directory');
      ctx.skip();
    }
    const first = await fiemap(p, fd, 0, -1, 1);
    const second = await fiemap(p, fd, kMiB, 4096, -1);
    const hole = await fiemap(p, fd, 64 * 1024, 64 * 1024, -1);
    closeSync(fd);
    expect({ first, second, hole }).toEqual({
      first: [0, [whole[0]]],
      second: [0, [whole[1]]],
      hole: [0, []],
    });
  });

  it('fails with EBADF on a closed descriptor and refuses bad arguments synchronously', async () => {
    const p = pool();
    const { fd } = sparseFile();
    closeSync(fd);
    const bad = await fiemap(p, fd, 0, -1, -1);
    const codes = [
      () => p.submitFiemap(3, -1, -1, 0, -1, 0, () => {}),
      () => p.submitFiemap(3, 0, -2, 0, -1, 0, () => {}),
      () => p.submitFiemap(3, 0, -1, 0, 0, 0, () => {}),
      () => p.submitFiemap(-1, 0, -1, 0, -1, 0, () => {}),
    ].map((f) => {
      try {
        f();
        return 'no throw';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect({ bad, codes }).toEqual({ bad: [-errno.EBADF, []], codes: Array(4).fill('ERR_OUT_OF_RANGE') });
  });
});
