import { aio, createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { gate } from '../helpers/gate.js';
import { type Counters, caught, counters, kIdle } from '../helpers/requests.js';
import { tempFile } from '../helpers/temp-file.js';

const at = (nreqs: number, nready: number, nexecute: number, npending = 0): Counters => ({
  nreqs,
  nready,
  nexecute,
  npending,
});

test('maxParallel limits nexecute; each finished request lets exactly one more in', async () => {
  const path = tempFile('x');
  const ctx = createAio({ maxParallel: 2 });
  const seen: [string, Counters][] = [];
  const note = (label: string) => () => seen.push([label, counters(ctx)]);
  const first = gate(ctx, { callback: note('gate 1') });
  const second = gate(ctx, { callback: note('gate 2') });
  const stats = [1, 2, 3].map((n) => ctx.stat(path, { callback: note(`stat ${n}`) }));
  expect([first.request, second.request, ...stats].map((r) => r.state)).toEqual([
    'execute',
    'execute',
    'ready',
    'ready',
    'ready',
  ]);
  expect(counters(ctx)).toEqual(at(5, 3, 2));
  await first.release();
  await Promise.all(stats);
  expect(counters(ctx)).toEqual(at(1, 0, 1));
  await second.release();
  await ctx.flush();
  // Each callback runs after the pool was refilled, before its own request is done.
  expect(seen).toEqual([
    ['gate 1', at(5, 2, 2)],
    ['stat 1', at(4, 1, 2)],
    ['stat 2', at(3, 0, 2)],
    ['stat 3', at(2, 0, 1)],
    ['gate 2', at(1, 0, 0)],
  ]);
  expect(counters(ctx)).toEqual(kIdle);
});

test('maxParallel 0 pauses, raising it resumes, lowering it lets running requests finish', async () => {
  const path = tempFile('x');
  const ctx = createAio({ maxParallel: 0 });
  const reqs = [0, 1, 2, 3, 4].map(() => ctx.stat(path));
  expect(counters(ctx)).toEqual(at(5, 5, 0));
  // A round trip through the pool on another context: this one stays paused across it.
  await createAio().stat(path);
  expect([counters(ctx), reqs.map((r) => r.state)]).toEqual([at(5, 5, 0), Array(5).fill('ready')]);
  ctx.maxParallel = 2;
  expect([counters(ctx), reqs.map((r) => r.state)]).toEqual([
    at(5, 3, 2),
    ['execute', 'execute', 'ready', 'ready', 'ready'],
  ]);
  ctx.maxParallel = 0;
  await Promise.all(reqs.slice(0, 2));
  expect([counters(ctx), reqs.map((r) => r.state)]).toEqual([
    at(3, 3, 0),
    ['done', 'done', 'ready', 'ready', 'ready'],
  ]);
  ctx.maxParallel = 8;
  expect(counters(ctx)).toEqual(at(3, 0, 3));
  await ctx.flush();
  expect(counters(ctx)).toEqual(kIdle);
});

describe('flush()', () => {
  test('resolves at once when nothing is left', async () => {
    const ctx = createAio({ maxParallel: 0 });
    await ctx.flush();
    expect(counters(ctx)).toEqual(kIdle);
  });

  test('waits while paused, and resolves after the last callback', async () => {
    const path = tempFile('x');
    const ctx = createAio({ maxParallel: 0 });
    const events: string[] = [];
    ctx.stat(path, { callback: () => events.push('stat 1') });
    ctx.stat(path, { callback: () => events.push('stat 2') });
    const flushes = [ctx.flush(), ctx.flush()].map((p, n) => p.then(() => events.push(`flushed ${n}`)));
    await createAio().stat(path);
    expect([events, counters(ctx)]).toEqual([[], at(2, 2, 0)]);
    ctx.maxParallel = 1;
    await Promise.all(flushes);
    expect([events, counters(ctx)]).toEqual([['stat 1', 'stat 2', 'flushed 0', 'flushed 1'], kIdle]);
  });

  test('counts a request held in the pool: resolves only once the gate is released', async () => {
    const ctx = createAio();
    const held = gate(ctx);
    let flushed = false;
    const flushing = ctx.flush().then(() => {
      flushed = true;
    });
    await createAio().stat(tempFile('x'));
    expect([flushed, counters(ctx)]).toEqual([false, at(1, 0, 1)]);
    await held.release();
    await flushing;
    expect([flushed, counters(ctx)]).toEqual([true, kIdle]);
  });
});

describe('contexts', () => {
  test('are isolated: pausing one does not stop another; counters are separate', async () => {
    const path = tempFile('x');
    const paused = createAio({ maxParallel: 0 });
    const running = createAio({ maxParallel: 4 });
    const defaultBefore = counters(aio);
    const queued = [paused.stat(path), paused.stat(path)];
    const done = await running.stat(path);
    expect(done.isFile()).toBe(true);
    expect([counters(paused), counters(running), counters(aio)]).toEqual([at(2, 2, 0), kIdle, defaultBefore]);
    expect([paused.maxParallel, running.maxParallel]).toEqual([0, 4]);
    expect(queued.map((r) => r.state)).toEqual(['ready', 'ready']);
    paused.maxParallel = 1;
    await paused.flush();
    expect([counters(paused), running.maxParallel]).toEqual([kIdle, 4]);
  });

  test('a context whose slots are all held does not hold back another', async () => {
    const path = tempFile('x');
    const full = createAio({ maxParallel: 1 });
    const held = gate(full);
    const waiting = full.stat(path);
    const other = createAio({ maxParallel: 1 });
    expect((await other.stat(path)).isFile()).toBe(true);
    expect([counters(full), counters(other), waiting.state]).toEqual([at(2, 1, 1), kIdle, 'ready']);
    await held.release();
    await full.flush();
    expect(counters(full)).toEqual(kIdle);
  });
});

describe('maxParallel validation', () => {
  const ranges: unknown[] = [-1, 1.5, 1025, Number.NaN, Number.POSITIVE_INFINITY];
  const types: unknown[] = ['4', null, 4n, {}];

  test('the setter takes integers 0..1024 and throws, unchanged, on anything else', () => {
    const ctx = createAio({ maxParallel: 3 });
    const thrown = [...ranges, ...types].map((value) =>
      caught(() => {
        ctx.maxParallel = value as number;
      }),
    );
    expect(thrown.map((e) => [(e as Error).name, (e as { code: string }).code])).toEqual([
      ...ranges.map(() => ['RangeError', 'ERR_OUT_OF_RANGE']),
      ...types.map(() => ['TypeError', 'ERR_INVALID_ARG_TYPE']),
    ]);
    expect(ctx.maxParallel).toBe(3);
    ctx.maxParallel = 1024;
    expect(ctx.maxParallel).toBe(1024);
    ctx.maxParallel = 0;
    expect(ctx.maxParallel).toBe(0);
  });

  test('createAio({ maxParallel }) checks the same way', () => {
    const thrown = [...ranges, ...types].map((value) =>
      caught(() => createAio({ maxParallel: value as number })),
    );
    expect(thrown.map((e) => [(e as Error).name, (e as { code: string }).code])).toEqual([
      ...ranges.map(() => ['RangeError', 'ERR_OUT_OF_RANGE']),
      ...types.map(() => ['TypeError', 'ERR_INVALID_ARG_TYPE']),
    ]);
    expect([createAio({ maxParallel: 0 }).maxParallel, createAio({ maxParallel: 1024 }).maxParallel]).toEqual(
      [0, 1024],
    );
  });
});
