import { promises as fsp, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, createAio, type WalkEntry } from '@ioaio/core';
import { type TreescanIterator, treescanIterator } from '@ioaio/rx';
import { describe, expect, it } from 'vitest';
import { drain, type RxEvent } from '../helpers/events.js';
import { generateTree } from '../helpers/generated-tree.js';
import { listTree, tempDir } from '../helpers/tmp.js';
import { gate, nextTurn, turns, until } from '../helpers/turns.js';

function relative(root: string, entry: WalkEntry): string {
  return `${entry.path.slice(root.length + 1)}${entry.type === 'dir' ? '/' : ''}`;
}

/** Every entry and the final error, as the events of an Observable would be. */

describe('treescanIterator', () => {
  it('yields every entry of a 20,000-entry tree once, typed as a plain readdir sees it', async () => {
    const root = tempDir();
    const made = generateTree(root, { top: 10, sub: 10, files: 200 });
    expect(made).toBeGreaterThan(20_000);
    const ctx = createAio();
    const paths: string[] = [];
    for await (const entry of treescanIterator(root, { aio: ctx })) paths.push(relative(root, entry));
    expect(paths.sort()).toEqual(listTree(root));
    expect(ctx.nreqs).toBe(0);
  });

  it('is cold, and checks its options at the call', () => {
    const ctx = createAio();
    const iterator = treescanIterator(tempDir(), { aio: ctx });
    expect([ctx.nreqs, iterator.buffered, iterator.paused]).toEqual([0, 0, false]);
    expect(() => treescanIterator('.', { highWaterMark: 0 })).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => treescanIterator('.', { highWaterMark: '8' as unknown as number })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => treescanIterator('.', { maxreq: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });

  it('holds the walk while the consumer pauses: the buffer and the requests stay bounded', async () => {
    const root = tempDir();
    const shape = { top: 4, sub: 10, files: 30 };
    generateTree(root, shape);
    const largestDir = Math.max(shape.top, 2 + shape.sub, shape.files + 3);
    const highWaterMark = 100;
    const maxreq = 4;
    const ctx = createAio();
    const iterator = treescanIterator(root, { aio: ctx, maxreq, highWaterMark });
    const hold = gate();
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const entry of iterator) {
        seen.push(relative(root, entry));
        if (seen.length === 1) await hold.promise;
      }
    })();

    await until(() => iterator.paused, 'the walk to be held', 100_000);
    const held = {
      buffered: iterator.buffered,
      nreqs: ctx.nreqs,
      nready: ctx.nready,
      nexecute: ctx.nexecute,
    };
    await turns(100);
    // Held means held: more turns of the loop change nothing, and only the walk group itself is alive.
    expect({
      buffered: iterator.buffered,
      nreqs: ctx.nreqs,
      nready: ctx.nready,
      nexecute: ctx.nexecute,
    }).toEqual({
      ...held,
      nreqs: 1,
      nready: 0,
      nexecute: 0,
    });
    expect(held.buffered).toBeGreaterThanOrEqual(highWaterMark);
    expect(held.buffered).toBeLessThanOrEqual(highWaterMark + maxreq * largestDir);
    expect(seen).toHaveLength(1);

    hold.open();
    await consumer;
    expect(seen.sort()).toEqual(listTree(root));
    expect([iterator.buffered, iterator.paused, ctx.nreqs]).toEqual([0, false, 0]);
  });

  it('break cancels the walk at once; flush then leaves nothing', async () => {
    const root = tempDir();
    generateTree(root, { top: 4, sub: 10, files: 30 });
    const ctx = createAio();
    const iterator = treescanIterator(root, { aio: ctx, maxreq: 4, highWaterMark: 64 });
    let taken = 0;
    for await (const _ of iterator) {
      if (++taken === 50) break;
    }
    expect([taken, iterator.buffered, iterator.paused, ctx.nready]).toEqual([50, 0, false, 0]);
    await ctx.flush();
    expect(ctx.nreqs).toBe(0);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('return() before the first next() issues nothing', async () => {
    const ctx = createAio();
    const iterator: TreescanIterator = treescanIterator(tempDir(), { aio: ctx });
    expect(await iterator.return()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(ctx.nreqs).toBe(0);
  });

  it("throws Node's ENOENT error for a missing root", async () => {
    const missing = join(tempDir(), 'missing');
    const nodeError = await fsp.readdir(missing).catch((err: unknown) => err);
    expect(await drain(treescanIterator(missing, { aio: createAio() }))).toEqual([['error', nodeError]]);
  });

  it('a failing subdirectory: the entries buffered before the failure come first, then the error', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'gone'));
    for (const name of ['a', 'b', 'c']) writeFileSync(join(root, name), '');
    const ctx = createAio();
    // The first entry goes to the waiting next(); the other three reach the mark of 3, so the walk is
    // held before it scans `gone`, which then vanishes. It fails on resuming, with one entry still buffered.
    const iterator = treescanIterator(root, { aio: ctx, highWaterMark: 3 });
    const first = await iterator.next();
    await until(() => iterator.paused, 'the walk to be held');
    rmSync(join(root, 'gone'), { recursive: true });
    const nodeError = await fsp.readdir(join(root, 'gone')).catch((err: unknown) => err);
    const events = [['next', first.value], ...(await drain(iterator))] as RxEvent<WalkEntry>[];
    const byPath = (x: RxEvent<WalkEntry>, y: RxEvent<WalkEntry>) =>
      (x[1] as WalkEntry).path.localeCompare((y[1] as WalkEntry).path);
    expect([...events.slice(0, -1).sort(byPath), events.at(-1)]).toEqual([
      ['next', { path: `${root}/a`, type: 'nondir' }],
      ['next', { path: `${root}/b`, type: 'nondir' }],
      ['next', { path: `${root}/c`, type: 'nondir' }],
      ['next', { path: `${root}/gone`, type: 'dir' }],
      ['error', nodeError],
    ]);
    expect(ctx.nreqs).toBe(0);
  });

  it('an abort through signal is thrown at once and drops the buffer', async () => {
    const root = tempDir();
    generateTree(root, { top: 5, sub: 5, files: 5 });
    const ctx = createAio();
    const controller = new AbortController();
    const iterator = treescanIterator(root, { aio: ctx, signal: controller.signal, highWaterMark: 10 });
    await iterator.next();
    await until(() => iterator.paused, 'the walk to be held');
    expect(iterator.buffered).toBeGreaterThan(0);
    controller.abort('stop');
    await nextTurn();
    const events = await drain(iterator);
    const [[kind, err]] = events as [['error', AbortError]];
    expect([events.length, kind, err instanceof AbortError, err.cause, iterator.buffered]).toEqual([
      1,
      'error',
      true,
      'stop',
      0,
    ]);
    expect(ctx.nreqs).toBe(0);
  });

  it('gives Buffer paths with encoding "buffer"', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    const events = await drain(treescanIterator(root, { aio: createAio(), encoding: 'buffer' }));
    expect(events).toEqual([['next', { path: Buffer.from(`${root}/file`), type: 'nondir' }], ['complete']]);
  });
});
