import * as fs from 'node:fs';
import { join } from 'node:path';
import { type AioContext, createAio } from '@ioaio/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { caught, counters, kIdle } from '../helpers/requests.js';
import { tempDir } from '../helpers/tmp.js';

/** A call with bad arguments, on a paused context, given an open fd and a real file. */
type Call = (ctx: AioContext, fd: number, path: string) => unknown;

const kPathValue = ['TypeError', 'ERR_INVALID_ARG_VALUE'];
const kType = ['TypeError', 'ERR_INVALID_ARG_TYPE'];
const kRange = ['RangeError', 'ERR_OUT_OF_RANGE'];

/** A buffer over 2 GiB, made when first used: untouched pages cost address space, not memory. */
let huge: Buffer | null = null;
const hugeBuffer = (): Buffer => {
  huge ??= Buffer.allocUnsafe(2 ** 31 + 8);
  return huge;
};

/** A DataView whose ArrayBuffer was transferred away: its byteLength getter throws. */
function detachedView(): DataView {
  const view = new DataView(new ArrayBuffer(8));
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

const cases: [string, Call, string[]][] = [
  // NUL bytes in paths
  ['NUL in a string path', (ctx) => ctx.stat('a\u0000b'), kPathValue],
  ['NUL in a Buffer path', (ctx) => ctx.open(Buffer.from('a\u0000b'), 'r'), kPathValue],
  ['NUL in a second path', (ctx, _fd, path) => ctx.rename(path, `${path}\u0000x`), kPathValue],
  ['NUL in a symlink target', (ctx, _fd, path) => ctx.symlink('t\u0000', `${path}.ln`), kPathValue],
  // wrong types
  ['a number as a path-only argument', (ctx) => ctx.unlink(42 as never), kType],
  ['an object as a path', (ctx) => ctx.readdir({} as never), kType],
  ['no path at all', (ctx) => ctx.mkdir(undefined as never), kType],
  ['a string as an fd', (ctx) => ctx.close('3' as never), kType],
  ['a string as a buffer', (ctx, fd) => ctx.read(fd, 0, 1, 'abc' as never), kType],
  ['a string as a length', (ctx, fd) => ctx.readahead(fd, 0, '1' as never), kType],
  ['options that are not an object', (ctx, _fd, path) => ctx.stat(path, 'fast' as never), kType],
  // descriptors
  ['a negative fd', (ctx) => ctx.close(-1), kRange],
  ['a fractional fd', (ctx) => ctx.fsync(1.5), kRange],
  ['an fd beyond 2^31 - 1', (ctx) => ctx.fdatasync(2 ** 31), kRange],
  ['a negative fd where a path is also allowed', (ctx) => ctx.stat(-1), kRange],
  // lengths and offsets
  ['a negative read length', (ctx, fd) => ctx.read(fd, 0, -1, Buffer.alloc(4)), kRange],
  ['a fractional write length', (ctx, fd) => ctx.write(fd, 0, 1.5, Buffer.alloc(4)), kRange],
  ['a negative file offset', (ctx, fd) => ctx.read(fd, -1, 1, Buffer.alloc(4)), kRange],
  ['a negative truncate length', (ctx, _fd, path) => ctx.truncate(path, -1), kRange],
  ['a negative sendfile length', (ctx, fd) => ctx.sendfile(fd, fd, 0, -1), kRange],
  ['a read longer than the buffer', (ctx, fd) => ctx.read(fd, 0, 5, Buffer.alloc(4)), kRange],
  ['a write past the buffer end', (ctx, fd) => ctx.write(fd, 0, 3, Buffer.alloc(4), 2), kRange],
  ['a buffer offset beyond the buffer', (ctx, fd) => ctx.read(fd, 0, 0, Buffer.alloc(4), 5), kRange],
  ['a fractional buffer offset', (ctx, fd) => ctx.read(fd, 0, 1, Buffer.alloc(4), 0.5), kRange],
  [
    'a read of 2^31 bytes (over one node:fs call)',
    (ctx, fd) => ctx.read(fd, 0, 2 ** 31, hugeBuffer()),
    kRange,
  ],
  [
    'a write of 2^31 bytes (over one node:fs call)',
    (ctx, fd) => ctx.write(fd, 0, 2 ** 31, hugeBuffer()),
    kRange,
  ],
  ['a file offset beyond 2^53 - 1', (ctx, fd) => ctx.read(fd, 2 ** 53, 1, Buffer.alloc(4)), kRange],
  ['a write from a detached DataView', (ctx, fd) => ctx.write(fd, 0, 1, detachedView()), kRange],
  [
    'a sendfile range ending past 2^53 - 1',
    (ctx, fd) => ctx.sendfile(fd, fd, Number.MAX_SAFE_INTEGER - 1, 2),
    kRange,
  ],
  [
    'a readahead range ending past 2^53 - 1',
    (ctx, fd) => ctx.readahead(fd, Number.MAX_SAFE_INTEGER, 1),
    kRange,
  ],
  // priorities
  ['priority 5', (ctx, _fd, path) => ctx.stat(path, { priority: 5 }), kRange],
  ['priority -5', (ctx, _fd, path) => ctx.stat(path, { priority: -5 }), kRange],
  ['priority 1.5', (ctx, _fd, path) => ctx.stat(path, { priority: 1.5 }), kRange],
  ['priority NaN', (ctx, _fd, path) => ctx.stat(path, { priority: Number.NaN }), kRange],
  ["priority '1'", (ctx, _fd, path) => ctx.stat(path, { priority: '1' as never }), kType],
  ['priority null', (ctx, _fd, path) => ctx.stat(path, { priority: null as never }), kType],
  // signal and callback
  ['a signal-like object', (ctx, _fd, path) => ctx.stat(path, { signal: { aborted: true } as never }), kType],
  [
    'an AbortController as the signal',
    (ctx, _fd, path) => ctx.stat(path, { signal: new AbortController() as never }),
    kType,
  ],
  ['a string as the callback', (ctx, _fd, path) => ctx.stat(path, { callback: 'cb' as never }), kType],
  ['an object as the callback', (ctx) => ctx.nop({ callback: {} as never }), kType],
];

describe('bad arguments throw synchronously at the call, with nothing queued', () => {
  let fd = -1;
  let path = '';
  beforeAll(() => {
    path = join(tempDir(), 'file');
    fs.writeFileSync(path, 'data');
    fd = fs.openSync(path, 'r+');
  });
  afterAll(() => fs.closeSync(fd));

  test.each(cases)('%s', (_label, call, [name, code]) => {
    const ctx = createAio({ maxParallel: 0 });
    const err = caught(() => call(ctx, fd, path));
    expect(err).toBeInstanceOf(name === 'TypeError' ? TypeError : RangeError);
    expect([(err as Error).name, (err as { code: string }).code]).toEqual([name, code]);
    expect(counters(ctx)).toEqual(kIdle);
  });

  test('the same calls with good arguments do queue (the cases above fail only for their bad part)', () => {
    const ctx = createAio({ maxParallel: 0 });
    const reqs = [
      ctx.stat(path, { priority: 4, signal: new AbortController().signal, callback: () => {} }),
      ctx.read(fd, 0, 4, Buffer.alloc(4)),
      ctx.write(fd, 0, 2, Buffer.alloc(4), 2),
      ctx.read(fd, 0, 0, Buffer.alloc(4), 4),
      ctx.read(fd, Number.MAX_SAFE_INTEGER, 0, Buffer.alloc(4)),
      ctx.sendfile(fd, fd, Number.MAX_SAFE_INTEGER - 1, 1),
      ctx.readahead(fd, Number.MAX_SAFE_INTEGER, 0),
      ctx.rename(path, `${path}.x`),
    ];
    expect(counters(ctx)).toEqual({ nreqs: 8, nready: 8, nexecute: 0, npending: 0 });
    for (const req of reqs) req.cancel();
    expect(counters(ctx)).toEqual(kIdle);
  });
});
