import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import {
  createAio,
  MAP_ANONYMOUS,
  MAP_PRIVATE,
  MAP_SHARED,
  MS_SYNC,
  mmap,
  mprotect,
  mremap,
  munmap,
  PROT_READ,
  PROT_WRITE,
} from '@ioaio/core';
import { afterEach, describe, expect, test } from 'vitest';
import type { NativePoolLike } from '../../packages/core/src/native-pool.js';
import { nativePool, pool } from '../../packages/core/src/native-pool.js';
import type { NativePool } from '../../packages/native/src/index.js';
import { kNative } from '../helpers/backend.js';
import { caught, errorShape, issue, outcome, rejection } from '../helpers/requests.js';
import { tempDir } from '../helpers/tmp.js';

// Invariant: the pool @ioaio/native builds is what core's structural view says it is.
// A member core needs that the pool lacks (or takes differently) fails the type check here.
const _poolFits = (p: NativePool): NativePoolLike => p;
void _poolFits;

const kPage = 4096;
const RW = PROT_READ | PROT_WRITE;
const enosys = (syscall: string) => ({ code: 'ENOSYS', errno: -osConstants.errno.ENOSYS, syscall });

/** Runs `fn` as on a process whose contexts run on node:fs (IOAIO_BACKEND=fs). */
function onNodeFs<T>(fn: () => T): T {
  const before = process.env.IOAIO_BACKEND;
  process.env.IOAIO_BACKEND = 'fs';
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.IOAIO_BACKEND;
    else process.env.IOAIO_BACKEND = before;
  }
}

const unmapLater: ArrayBuffer[] = [];
afterEach(() => {
  for (const map of unmapLater.splice(0)) if (map.byteLength > 0) munmap(map);
});

/** The permissions of each mapping of `path`, in address order, as /proc/self/maps shows them. */
function permissions(path: string): string[] {
  return fs
    .readFileSync('/proc/self/maps', 'latin1')
    .split('\n')
    .filter((line) => line.endsWith(` ${path}`))
    .map((line) => line.split(' ')[1] as string);
}

/** A flushed file of `size` bytes of 7, open read-write. */
function fileOf(size: number): { path: string; fd: number } {
  const path = join(tempDir(), 'mapped');
  fs.writeFileSync(path, Buffer.alloc(size, 7));
  return { path, fd: fs.openSync(path, 'r+') };
}

describe('the synchronous mapping helpers check their arguments on every backend', () => {
  test('with Node’s ERR_* codes, before anything is mapped', () => {
    const shapes = [
      () => mmap(0, RW, MAP_SHARED, 3, 0),
      () => mmap(4096.5, RW, MAP_SHARED, 3, 0),
      () => mmap(4096, '1' as unknown as number, MAP_SHARED, 3, 0),
      () => mmap(4096, RW, MAP_SHARED, -2, 0),
      () => mmap(4096, RW, MAP_SHARED, 3, -1),
      () => munmap(Buffer.alloc(4) as unknown as ArrayBuffer),
      () => mprotect(new ArrayBuffer(4), -1, 4, PROT_READ),
      () => mremap(new ArrayBuffer(4), 0),
    ].map((fn) => (caught(fn) as { code: string }).code);
    expect(shapes).toEqual([
      'ERR_OUT_OF_RANGE',
      'ERR_OUT_OF_RANGE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_OUT_OF_RANGE',
      'ERR_OUT_OF_RANGE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_OUT_OF_RANGE',
      'ERR_OUT_OF_RANGE',
    ]);
  });

  test('where contexts run on node:fs, each throws ENOSYS naming its call', () => {
    const errors = onNodeFs(() => [
      caught(() => mmap(kPage, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)),
      caught(() => munmap(new ArrayBuffer(kPage))),
      caught(() => mprotect(new ArrayBuffer(kPage), 0, kPage, PROT_READ)),
      caught(() => mremap(new ArrayBuffer(kPage), 2 * kPage)),
    ]);
    expect(errors.map(errorShape)).toEqual(
      ['mmap', 'munmap', 'mprotect', 'mremap'].map((syscall) => ({ ...enosys(syscall), path: undefined })),
    );
  });
});

describe.skipIf(!kNative)('mmap on the native backend', () => {
  test('a MAP_SHARED mapping written through the buffer and msync’d reads back equal through fs', async () => {
    const { path, fd } = fileOf(2 * kPage);
    const map = mmap(2 * kPage, RW, MAP_SHARED, fd, 0);
    fs.closeSync(fd); // the mapping keeps the file
    unmapLater.push(map);
    const text = Buffer.from('written through the mapping');
    new Uint8Array(map).set(text, 5000);
    const synced = await issue(createAio(), 'msync', [map, 0, null, MS_SYNC]);
    const expected = Buffer.alloc(2 * kPage, 7);
    text.copy(expected, 5000);
    expect([map.byteLength, synced, fs.readFileSync(path).equals(expected)]).toEqual([
      2 * kPage,
      undefined,
      true,
    ]);
  });

  test('munmap detaches the buffer at once, and a second munmap is refused', () => {
    const map = mmap(kPage, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    new Uint8Array(map)[0] = 1;
    munmap(map);
    const again = caught(() => munmap(map)) as { code: string };
    expect([map.byteLength, again.code]).toEqual([0, 'ERR_INVALID_ARG_VALUE']);
  });

  test('a failed mmap throws the error node:fs would give (EBADF on a closed descriptor)', () => {
    const { fd } = fileOf(kPage);
    fs.closeSync(fd);
    const err = caught(() => mmap(kPage, PROT_READ, MAP_SHARED, fd, 0));
    expect(errorShape(err)).toEqual({ code: 'EBADF', errno: -osConstants.errno.EBADF, syscall: 'mmap' });
  });

  test('a request on a mapping unmapped while it waited in the context rejects with ERR_BUFFER_OUT_OF_BOUNDS', async () => {
    const map = mmap(kPage, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    const ctx = createAio({ maxParallel: 0 });
    const req = issue(ctx, 'mlock', [map]);
    munmap(map); // allowed: the request has not reached the pool
    ctx.maxParallel = 1;
    const err = (await rejection(req)) as { code: string };
    expect([err.code, map.byteLength]).toEqual(['ERR_BUFFER_OUT_OF_BOUNDS', 0]);
  });

  test('mprotect changes the pages’ protection as /proc/self/maps then shows it', () => {
    const { path, fd } = fileOf(2 * kPage);
    const map = mmap(2 * kPage, RW, MAP_SHARED, fd, 0);
    fs.closeSync(fd);
    unmapLater.push(map);
    const before = permissions(path);
    const done =
      nativePool()?.mprotect === undefined
        ? caught(() => mprotect(map, 0, kPage, PROT_READ))
        : mprotect(map, 0, kPage, PROT_READ);
    if (done !== undefined) expect(errorShape(done)).toEqual(enosys('mprotect'));
    else expect([before, permissions(path)]).toEqual([['rw-s'], ['r--s', 'rw-s']]);
  });

  test('mremap grows an anonymous mapping: the bytes move to the new buffer, the old one is detached', () => {
    const map = mmap(kPage, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    new Uint8Array(map).set([1, 2, 3]);
    if (nativePool()?.mremap === undefined) {
      unmapLater.push(map);
      expect(errorShape(caught(() => mremap(map, 2 * kPage)))).toEqual(enosys('mremap'));
      return;
    }
    const grown = mremap(map, 2 * kPage);
    unmapLater.push(grown);
    expect([map.byteLength, grown.byteLength, [...new Uint8Array(grown, 0, 4)]]).toEqual([
      0,
      2 * kPage,
      [1, 2, 3, 0],
    ]);
  });

  test('munmap of a mapping a request in the pool still uses throws EBUSY, and unmaps once the request settled', async () => {
    const map = mmap(kPage, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    const threads = pool.threads;
    pool.threads = 0; // the pool holds the request queued: a gate, not a timing window
    let busy: unknown;
    let req: PromiseLike<unknown>;
    try {
      req = issue(createAio(), 'mtouch', [map]);
      await new Promise(setImmediate); // the request is handed to the pool at the end of its tick
      busy = caught(() => munmap(map));
    } finally {
      pool.threads = threads;
    }
    const settled = await outcome(req);
    munmap(map);
    expect([errorShape(busy), settled, map.byteLength]).toEqual([
      { code: 'EBUSY', errno: -osConstants.errno.EBUSY, syscall: 'munmap' },
      [null, undefined],
      0,
    ]);
  });
});
