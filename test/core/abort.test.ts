import { getEventListeners } from 'node:events';
import { AbortError, createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { signalWatchCount } from '../../packages/core/src/abort.js';
import { counters, kIdle, outcome } from '../helpers/requests.js';
import { tempFile } from '../helpers/temp-file.js';

/** Abort listeners on the signal, and requests the library watches it for. */
const watched = (signal: AbortSignal) => ({
  listeners: getEventListeners(signal, 'abort').length,
  requests: signalWatchCount(signal),
});

test('requests sharing a signal register one abort listener, gone once they all settled', async () => {
  const path = tempFile('x');
  const ctx = createAio({ maxParallel: 0 });
  const { signal } = new AbortController();
  const reqs = Array.from({ length: 100 }, () => ctx.stat(path, { signal }));
  expect(watched(signal)).toEqual({ listeners: 1, requests: 100 });
  ctx.maxParallel = 8;
  await ctx.flush();
  expect(watched(signal)).toEqual({ listeners: 0, requests: 0 });
  expect(reqs.map((r) => r.state)).toEqual(Array(100).fill('done'));
});

test('a second context on the same signal still shares the one listener', async () => {
  const path = tempFile('x');
  const a = createAio({ maxParallel: 0 });
  const b = createAio({ maxParallel: 0 });
  const { signal } = new AbortController();
  for (let i = 0; i < 10; i++) a.stat(path, { signal });
  for (let i = 0; i < 10; i++) b.stat(path, { signal });
  expect(watched(signal)).toEqual({ listeners: 1, requests: 20 });
  a.maxParallel = 4;
  await a.flush();
  expect(watched(signal)).toEqual({ listeners: 1, requests: 10 });
  b.maxParallel = 4;
  await b.flush();
  expect(watched(signal)).toEqual({ listeners: 0, requests: 0 });
});

test('aborting cancels queued and executing requests once each, with the reason as cause', async () => {
  const path = tempFile('x');
  const paused = createAio({ maxParallel: 0 });
  const running = createAio();
  const controller = new AbortController();
  const { signal } = controller;
  const calls: string[] = [];
  const callback = (label: string) => (err: unknown) => calls.push(`${label}:${(err as Error | null)?.name}`);
  const queued = Array.from({ length: 50 }, () =>
    paused.stat(path, { signal, callback: callback('queued') }),
  );
  const executing = Array.from({ length: 3 }, () =>
    running.stat(path, { signal, callback: callback('executing') }),
  );
  expect(executing.map((r) => r.state)).toEqual(['execute', 'execute', 'execute']);
  expect(watched(signal)).toEqual({ listeners: 1, requests: 53 });
  const reason = new Error('enough');
  controller.abort(reason);
  // Queued requests are done at once; executing ones come back later, but the signal, which can
  // fire only once, holds nothing of them any more.
  expect([counters(paused), calls.length, watched(signal)]).toEqual([
    kIdle,
    50,
    { listeners: 0, requests: 0 },
  ]);
  await running.flush();
  expect(calls).toEqual([...Array(50).fill('queued:AbortError'), ...Array(3).fill('executing:AbortError')]);
  const outcomes = await Promise.all([...queued, ...executing].map(outcome));
  for (const [err] of outcomes) expect(err).toBeInstanceOf(AbortError);
  expect(new Set(outcomes.map(([err]) => (err as Error).cause))).toEqual(new Set([reason]));
  expect([watched(signal), counters(running)]).toEqual([{ listeners: 0, requests: 0 }, kIdle]);
  paused.maxParallel = 4;
  expect(counters(paused)).toEqual(kIdle);
});

test('requests cancelled one by one leave the others watched, and the last one removes the listener', () => {
  const path = tempFile('x');
  const ctx = createAio({ maxParallel: 0 });
  const { signal } = new AbortController();
  const reqs = Array.from({ length: 10 }, () => ctx.stat(path, { signal }));
  const seen = reqs.map((req) => {
    req.cancel();
    return watched(signal);
  });
  expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => ({ listeners: i < 9 ? 1 : 0, requests: 9 - i })));
  expect(counters(ctx)).toEqual(kIdle);
});

test('two signals get one listener each', async () => {
  const path = tempFile('x');
  const ctx = createAio({ maxParallel: 0 });
  const one = new AbortController().signal;
  const two = new AbortController().signal;
  for (let i = 0; i < 5; i++) ctx.stat(path, { signal: i % 2 === 0 ? one : two });
  expect([watched(one), watched(two)]).toEqual([
    { listeners: 1, requests: 3 },
    { listeners: 1, requests: 2 },
  ]);
  ctx.maxParallel = 2;
  await ctx.flush();
  expect([watched(one), watched(two)]).toEqual([
    { listeners: 0, requests: 0 },
    { listeners: 0, requests: 0 },
  ]);
});

test('an already-aborted signal registers nothing', async () => {
  const ctx = createAio();
  const signal = AbortSignal.abort();
  const reqs = Array.from({ length: 5 }, () => ctx.stat(tempFile('x'), { signal }));
  expect(watched(signal)).toEqual({ listeners: 0, requests: 0 });
  await ctx.flush();
  expect((await Promise.all(reqs.map(outcome))).map(([err]) => (err as Error).name)).toEqual(
    Array(5).fill('AbortError'),
  );
});
