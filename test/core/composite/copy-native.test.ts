import * as fs from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { kNative } from '../../helpers/backend.js';
import { tempDir } from '../../helpers/tmp.js';

const kMiB = 1024 * 1024;

/** A file of `size` bytes with data only at the given offsets (the rest holes, where the file system has them). */
function sparseFile(path: string, size: number, pieces: [number, string][]): void {
  const fd = fs.openSync(path, 'w');
  try {
    for (const [at, text] of pieces) fs.writeSync(fd, text, at);
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

describe.runIf(kNative)('copy on the native backend', () => {
  test('a sparse file is copied extent by extent: same bytes and length, its holes still holes', async () => {
    const dir = tempDir();
    const src = join(dir, 'sparse');
    const dst = join(dir, 'copy');
    sparseFile(src, 16 * kMiB, [
      [0, 'head'],
      [8 * kMiB, 'middle'],
    ]);
    const before = fs.statSync(src);
    // Platform: a file system that allocates the holes (none here, normally) keeps nothing to compare.
    if (before.blocks * 512 >= before.size) return void console.log('skipped: no sparse files here');
    await createAio().copy(src, dst);
    const after = fs.statSync(dst);
    expect(fs.readFileSync(dst).equals(fs.readFileSync(src))).toBe(true);
    expect([after.size, after.blocks <= before.blocks]).toEqual([16 * kMiB, true]);
  });

  test('a file larger than one kernel copy call arrives whole, and copyRange moves no file position', async () => {
    const dir = tempDir();
    const src = join(dir, 'big');
    const data = Buffer.alloc(3 * kMiB + 17, 'abc');
    fs.writeFileSync(src, data);
    await createAio().copy(src, join(dir, 'out'));
    expect(fs.readFileSync(join(dir, 'out')).equals(data)).toBe(true);
    const inFd = fs.openSync(src, 'r');
    const outFd = fs.openSync(join(dir, 'part'), 'w');
    try {
      const n = await createAio().copyRange(inFd, 5, outFd, 2, 10);
      const positions = [fs.readSync(inFd, Buffer.alloc(1)), fs.writeSync(outFd, 'Z', null)];
      expect([n, positions]).toEqual([10, [1, 1]]);
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(outFd);
    }
    // Written at 2..12 from the source's 5..15; then 'Z' at the output's own position, still 0.
    expect(fs.readFileSync(join(dir, 'part'), 'latin1')).toBe(`Z\0${data.toString('latin1', 5, 15)}`);
  });

  test('sendfile moves the whole length asked for, in as many sendfile(2) calls as it takes', async () => {
    const dir = tempDir();
    const data = Buffer.alloc(5 * kMiB, 'xyz');
    fs.writeFileSync(join(dir, 'in'), data);
    const inFd = fs.openSync(join(dir, 'in'), 'r');
    const outFd = fs.openSync(join(dir, 'out'), 'w');
    try {
      expect(await createAio().sendfile(outFd, inFd, 0, data.length)).toBe(data.length);
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(outFd);
    }
    expect(fs.readFileSync(join(dir, 'out')).equals(data)).toBe(true);
  });
});
