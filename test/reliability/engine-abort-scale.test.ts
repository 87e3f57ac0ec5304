import { type AioRequest, createAio } from '@ioaio/core';
import { expect, test, vi } from 'vitest';

// Counts the AbortErrors the engine builds: the class it imports is replaced by a counting subclass.
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../packages/core/src/errors.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../packages/core/src/errors.js')>();
  class CountedAbortError extends actual.AbortError {
    constructor(...args: ConstructorParameters<typeof actual.AbortError>) {
      super(...args);
      built.count++;
    }
  }
  return { ...actual, AbortError: CountedAbortError };
});

const kQueued = 100_000;

/** `[err.name, err.cause]` of a request that must reject. */
async function rejection(req: AioRequest<unknown>): Promise<[string, unknown]> {
  try {
    await req;
  } catch (err) {
    return [(err as Error).name, (err as Error).cause];
  }
  throw new Error('expected a rejection');
}

test(`aborting ${kQueued} queued requests through one signal builds no AbortError until one is observed`, async () => {
  const ctx = createAio({ maxParallel: 0 });
  const controller = new AbortController();
  const reqs = Array.from({ length: kQueued }, () => ctx.nop({ signal: controller.signal }));
  built.count = 0;
  const reason = new Error('enough');
  controller.abort(reason);
  const afterAbort = [built.count, ctx.nreqs, ctx.nready, new Set(reqs.map((r) => r.state))];
  // Observing three builds three, each with the reason as cause, and nothing else.
  const observed = await Promise.all(reqs.slice(0, 3).map(rejection));
  expect([afterAbort, observed, built.count]).toEqual([
    [0, 0, 0, new Set(['done'])],
    Array(3).fill(['AbortError', reason]),
    3,
  ]);
});

test('a callback observes its AbortError; a group builds only its own, not its cancelled members', async () => {
  const ctx = createAio({ maxParallel: 0 });
  const controller = new AbortController();
  const calls: [string, unknown][] = [];
  const withCallbacks = Array.from({ length: 10 }, () =>
    ctx.nop({
      signal: controller.signal,
      callback: (err) => calls.push([(err as Error).name, (err as Error).cause]),
    }),
  );
  const grp = ctx.group({ signal: controller.signal });
  for (let i = 0; i < 1000; i++) grp.add(ctx.nop({ signal: controller.signal }));
  const settled = rejection(grp);
  built.count = 0;
  controller.abort('stop');
  const outcome = await settled;
  expect([withCallbacks.length, calls, outcome, built.count, ctx.nreqs]).toEqual([
    10,
    Array(10).fill(['AbortError', 'stop']),
    ['AbortError', 'stop'],
    11,
    0,
  ]);
});
