import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NativePool } from '../../packages/native/src/index.js';
import { kCopyRange, kSeek } from '../../packages/native/src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, fifo, pool, result, unavailable } from './native.js';

afterEach(closePools);

const { errno } = osConstants;
const kKiB = 1024;
const kMiB = 1024 * kKiB;

/** A 3 MiB file: 64 KiB of data at 0 and at 1 MiB, holes elsewhere (the tail too). */
function sparseSource(): { path: string; fd: number } {
  const path = join(tempDir(), 'sparse');
  const fd = openSync(path, 'w+');
  writeSync(fd, Buffer.alloc(64 * kKiB, 'a'), 0, 64 * kKiB, 0);
  writeSync(fd, Buffer.alloc(64 * kKiB, 'b'), 0, 64 * kKiB, kMiB);
  ftruncateSync(fd, 3 * kMiB);
  return { path, fd };
}

const seek = (p: NativePool, fd: number, offset: number, whence: number) =>
  result((cb) => p.submitSeek(fd, offset, whence, 0, cb));

/**
 * A copy that keeps holes, as a caller of the pool writes it: SEEK_DATA finds the next
 * data, SEEK_HOLE its end, copyRange copies that segment at the same offset; the size is
 * set at the end. Returns the segments copied.
 */
async function copyKeepingHoles(p: NativePool, src: number, dst: number): Promise<number[][]> {
  const size = fstatSync(src).size;
  const segments: number[][] = [];
  for (let at = 0; at < size; ) {
    const [eData, data] = await seek(p, src, at, kSeek.data);
    if (eData === -errno.ENXIO) break; // no data after `at`: the rest is a hole
    const [, hole] = await seek(p, src, data, kSeek.hole);
    const [e, copied] = await result((cb) => p.submitCopyRange(src, data, dst, data, hole - data, 0, 0, cb));
    segments.push([data, hole, e, copied]);
    at = hole;
  }
  ftruncateSync(dst, size);
  return segments;
}

describe.skipIf(unavailable !== undefined)('native copy_file_range and SEEK_DATA/SEEK_HOLE', () => {
  it('a sparse file copied segment by segment keeps its holes (st_blocks) and its bytes', async () => {
    const src = sparseSource();
    const dstPath = join(tempDir(), 'copy');
    const dst = openSync(dstPath, 'w+');
    const p = pool();
    const segments = await copyKeepingHoles(p, src.fd, dst);
    const [s, d] = [fstatSync(src.fd), fstatSync(dst)];
    closeSync(src.fd);
    closeSync(dst);
    expect(segments).toEqual([
      [0, 64 * kKiB, 0, 64 * kKiB],
      [kMiB, kMiB + 64 * kKiB, 0, 64 * kKiB],
    ]);
    expect([d.size, d.blocks]).toEqual([s.size, s.blocks]);
    expect(readFileSync(dstPath).equals(readFileSync(src.path))).toBe(true);
  });

  it('copies at the descriptors’ own offsets with -1, advancing them, and stops at end of file', async () => {
    const dir = tempDir();
    const srcFd = openSync(join(dir, 'src'), 'w+');
    writeSync(srcFd, 'hello copy range');
    const dstFd = openSync(join(dir, 'dst'), 'w+');
    writeSync(dstFd, '>>');
    const p = pool();
    const fromSix = await seek(p, srcFd, 6, kSeek.set);
    const copied = await result((cb) => p.submitCopyRange(srcFd, -1, dstFd, -1, 100, 0, 0, cb));
    const offsets = [await seek(p, srcFd, 0, kSeek.cur), await seek(p, dstFd, 0, kSeek.cur)];
    closeSync(srcFd);
    closeSync(dstFd);
    expect({ fromSix, copied, offsets, dst: readFileSync(join(dir, 'dst'), 'utf8') }).toEqual({
      fromSix: [0, 6],
      copied: [0, 10],
      offsets: [
        [0, 16],
        [0, 12],
      ],
      dst: '>>copy range',
    });
  });

  it('with the clone flag on a file system without reflinks, falls back and still copies the bytes', async () => {
    const src = sparseSource();
    const dstPath = join(tempDir(), 'clone');
    const dst = openSync(dstPath, 'w+');
    const [e, copied] = await result((cb) =>
      pool().submitCopyRange(src.fd, 0, dst, 0, 3 * kMiB, kCopyRange.clone, 0, cb),
    );
    closeSync(src.fd);
    closeSync(dst);
    expect([e, copied, readFileSync(dstPath).equals(readFileSync(src.path))]).toEqual([0, 3 * kMiB, true]);
  });

  it('copies into a FIFO, where copy_file_range refuses, through the read/write fallback', async () => {
    const path = join(tempDir(), 'src');
    const srcFd = openSync(path, 'w+');
    writeSync(srcFd, 'into the pipe');
    const pipe = openSync(fifo(), 'r+'); // Platform: O_RDWR on a FIFO opens both ends at once on Linux
    const copied = await result((cb) => pool().submitCopyRange(srcFd, 5, pipe, -1, 100, 0, 0, cb));
    const into = Buffer.alloc(32);
    const n = readSync(pipe, into, 0, 32, null);
    closeSync(srcFd);
    closeSync(pipe);
    expect([copied, into.toString('utf8', 0, n)]).toEqual([[0, 8], 'the pipe']);
  });

  it('refuses overlapping ranges of one file with EINVAL, as copy_file_range does, and leaves the bytes alone', async () => {
    const path = join(tempDir(), 'one');
    const fd = openSync(path, 'w+');
    writeSync(fd, '0123456789');
    const p = pool();
    const overlap = await result((cb) => p.submitCopyRange(fd, 0, fd, 2, 6, 0, 0, cb));
    const apart = await result((cb) => p.submitCopyRange(fd, 0, fd, 10, 4, 0, 0, cb));
    closeSync(fd);
    expect([overlap, apart, readFileSync(path, 'utf8')]).toEqual([
      [-errno.EINVAL, 0],
      [0, 4],
      '01234567890123',
    ]);
  });

  it('reports EBADF for a closed descriptor and refuses bad offsets synchronously', async () => {
    const fd = openSync(join(tempDir(), 'f'), 'w+');
    closeSync(fd);
    const p = pool();
    const bad = await result((cb) => p.submitCopyRange(fd, 0, fd, 0, 10, 0, 0, cb));
    const codes = [
      () => p.submitCopyRange(-1, 0, 1, 0, 1, 0, 0, () => {}),
      () => p.submitCopyRange(0, -2, 1, 0, 1, 0, 0, () => {}),
      () => p.submitCopyRange(0, 0, 1, 0.5, 1, 0, 0, () => {}),
      () => p.submitCopyRange(0, 0, 1, 0, -1, 0, 0, () => {}),
    ].map((f) => {
      try {
        f();
        return 'no throw';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect({ bad, codes }).toEqual({ bad: [-errno.EBADF, 0], codes: Array(4).fill('ERR_OUT_OF_RANGE') });
  });
});
