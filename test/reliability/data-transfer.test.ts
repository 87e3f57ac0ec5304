import * as fs from 'node:fs';
import { join } from 'node:path';
import { type AioContext, type AioRequest, createAio } from '@ioaio/core';
import { describe, expect, it } from 'vitest';
import { caught, counters, kIdle, rejection } from '../helpers/requests.js';
import { tempDir } from '../helpers/tmp.js';

/*
 * read and write: every length and range is checked at the call, and a
 * buffer that vanished while the request was queued (its ArrayBuffer
 * transferred or shrunk) settles with a coded error when the request starts,
 * never with whatever node:fs makes of an empty view.
 */

type Transfer = 'read' | 'write';

/** A file of 8 known bytes and a descriptor on it, read-write. */
function eightBytes(): { path: string; fd: number } {
  const path = join(tempDir(), 'eight');
  fs.writeFileSync(path, 'abcdefgh');
  return { path, fd: fs.openSync(path, 'r+') };
}

/** Name, code and message of what a call threw, and the counters right after. */
function thrownAt(ctx: AioContext, call: () => unknown) {
  const err = caught(call) as { name: string; code: string; message: string };
  return { name: err.name, code: err.code, message: err.message, counters: counters(ctx) };
}

function transferOf(ctx: AioContext, op: Transfer): (...args: unknown[]) => AioRequest<number> {
  return (ctx[op] as (...args: unknown[]) => AioRequest<number>).bind(ctx);
}

describe('read and write lengths over 2 GiB - 1 are refused at the call, before node:fs sees them', () => {
  // Untouched pages: the 2 GiB buffer costs address space, not memory.
  const huge = Buffer.allocUnsafe(2 ** 31 + 1);

  it.each<[Transfer, number]>([
    ['read', 2 ** 31],
    ['write', 2 ** 31],
    ['read', 2 ** 31 + 1],
  ])('%s of %d bytes throws ERR_OUT_OF_RANGE synchronously, nothing queued', (op, length) => {
    const { fd } = eightBytes();
    const ctx = createAio();
    try {
      expect(thrownAt(ctx, () => transferOf(ctx, op)(fd, 0, length, huge))).toEqual({
        name: 'RangeError',
        code: 'ERR_OUT_OF_RANGE',
        message: `The value of "length" is out of range. It must be >= 0 && <= 2147483647. Received ${length}`,
        counters: kIdle,
      });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a length of exactly 2 GiB - 1 is let through (the limit is inclusive)', () => {
    const { fd } = eightBytes();
    const ctx = createAio({ maxParallel: 0 });
    const req = ctx.read(fd, 0, 2 ** 31 - 1, huge);
    expect(counters(ctx)).toEqual({ nreqs: 1, nready: 1, nexecute: 0, npending: 0 });
    req.cancel();
    fs.closeSync(fd);
    expect(counters(ctx)).toEqual(kIdle);
  });
});

describe('file positions are null or a safe non-negative integer, checked at the call', () => {
  it.each<[string, unknown]>([
    ['2^53', 2 ** 53],
    ['-1', -1],
    ['1.5', 1.5],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('read at offset %s throws ERR_OUT_OF_RANGE', (_label, offset) => {
    const { fd } = eightBytes();
    const ctx = createAio();
    const thrown = thrownAt(ctx, () => ctx.read(fd, offset as number, 1, Buffer.alloc(1)));
    fs.closeSync(fd);
    expect({ name: thrown.name, code: thrown.code, counters: thrown.counters }).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      counters: kIdle,
    });
  });

  it('a DataView already detached at the call is an out-of-range length, not a code-less TypeError', () => {
    const { fd } = eightBytes();
    const ctx = createAio();
    const view = new DataView(new ArrayBuffer(8));
    structuredClone(view.buffer, { transfer: [view.buffer] });
    const thrown = thrownAt(ctx, () => ctx.write(fd, 0, 4, view));
    fs.closeSync(fd);
    expect(thrown).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: 'The value of "length" is out of range. It must be <= 0. Received 4',
      counters: kIdle,
    });
  });
});

/** ES2024's resizable ArrayBuffer (in Node 20), typed here because the project's lib predates it. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const Resizable = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

/** The three kinds of view a caller may pass, each over an ArrayBuffer of its own. */
const kViews: [string, (ab: ArrayBuffer) => NodeJS.ArrayBufferView][] = [
  ['Buffer', (ab) => Buffer.from(ab)],
  ['Uint8Array', (ab) => new Uint8Array(ab)],
  ['DataView', (ab) => new DataView(ab)],
];

describe('a buffer detached while its request is queued settles with ERR_BUFFER_OUT_OF_BOUNDS', () => {
  describe.each(kViews)('%s', (_kind, viewOf) => {
    it.each<Transfer>(['read', 'write'])('%s rejects when it starts; the file is untouched', async (op) => {
      const { path, fd } = eightBytes();
      const ctx = createAio({ maxParallel: 0 });
      const view = viewOf(new ArrayBuffer(8));
      const req = transferOf(ctx, op)(fd, null, 4, view, 2);
      // The caller hands the memory to someone else (a worker, a stream) while the request waits.
      structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
      ctx.maxParallel = 1;
      const err = (await rejection(req)) as Error & { code: string };
      fs.closeSync(fd);
      expect({
        error: err instanceof RangeError,
        name: err.name,
        code: err.code,
        message: err.message,
        file: fs.readFileSync(path, 'latin1'),
        counters: counters(ctx),
      }).toEqual({
        error: true,
        name: 'RangeError',
        code: 'ERR_BUFFER_OUT_OF_BOUNDS',
        message:
          `Attempt to access memory outside buffer bounds: ${op} needs 6 bytes of its buffer, ` +
          'which holds 0 now (detached or shrunk while the request was queued)',
        file: 'abcdefgh',
        counters: kIdle,
      });
    });
  });

  it('a resizable buffer shrunk under the range while queued rejects the same way', async () => {
    const { fd } = eightBytes();
    const ctx = createAio({ maxParallel: 0 });
    const ab = new Resizable(8, { maxByteLength: 8 });
    const req = ctx.read(fd, 0, 4, new Uint8Array(ab), 2);
    ab.resize(3);
    ctx.maxParallel = 1;
    const err = (await rejection(req)) as Error & { code: string };
    fs.closeSync(fd);
    expect([err.name, err.code, counters(ctx)]).toEqual(['RangeError', 'ERR_BUFFER_OUT_OF_BOUNDS', kIdle]);
  });

  it('a buffer still whole when the request starts is read into as usual', async () => {
    const { fd } = eightBytes();
    const ctx = createAio({ maxParallel: 0 });
    const ab = new Resizable(8, { maxByteLength: 8 });
    const view = new Uint8Array(ab);
    const req = ctx.read(fd, 0, 4, view, 2);
    ab.resize(6);
    ctx.maxParallel = 1;
    const n = await req;
    fs.closeSync(fd);
    expect([n, Buffer.from(ab).toString('latin1', 2, 6), counters(ctx)]).toEqual([4, 'abcd', kIdle]);
  });
});
