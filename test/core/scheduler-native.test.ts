import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { kNative } from '../helpers/backend.js';
import { gate } from '../helpers/gate.js';
import { counters } from '../helpers/requests.js';
import { tempFile } from '../helpers/temp-file.js';

describe.runIf(kNative)(
  'a request above everything queued overtakes a full window on the native backend',
  () => {
    test('it goes to the pool at once and completes while the window stays full; lower and equal ones wait', async () => {
      const path = tempFile('x');
      const ctx = createAio({ maxParallel: 2 });
      const gates = [gate(ctx), gate(ctx)];
      const flood = [0, 1, 2].map(() => ctx.stat(path, { priority: -4 }));
      const equal = ctx.stat(path, { priority: -4 });
      const urgent = ctx.stat(path, { priority: 4 });
      expect([flood.map((r) => r.state), equal.state, urgent.state, counters(ctx)]).toEqual([
        ['ready', 'ready', 'ready'],
        'ready',
        'execute',
        { nreqs: 7, nready: 4, nexecute: 3, npending: 0 },
      ]);
      const second = ctx.stat(path, { priority: 4 }); // above the queue too: it overtakes as well
      expect(second.state).toBe('execute');
      await Promise.all([urgent, second]);
      expect([flood.map((r) => r.state), counters(ctx)]).toEqual([
        ['ready', 'ready', 'ready'],
        { nreqs: 6, nready: 4, nexecute: 2, npending: 0 },
      ]);
      for (const g of gates) await g.release();
      await ctx.flush();
      expect(counters(ctx)).toEqual({ nreqs: 0, nready: 0, nexecute: 0, npending: 0 });
    });

    test('a paused context (maxParallel 0) holds every request, whatever its priority', async () => {
      const path = tempFile('x');
      const ctx = createAio({ maxParallel: 0 });
      const low = ctx.stat(path, { priority: -4 });
      const high = ctx.stat(path, { priority: 4 });
      expect([low.state, high.state]).toEqual(['ready', 'ready']);
      ctx.maxParallel = 2;
      await Promise.all([low, high]);
    });
  },
);

test('on node:fs nothing overtakes: libuv runs what it was handed first in, first out', async () => {
  const path = tempFile('x');
  const ctx = createAio({ backend: 'fs', maxParallel: 2 });
  const gates = [gate(ctx), gate(ctx)];
  const flood = ctx.stat(path, { priority: -4 });
  const urgent = ctx.stat(path, { priority: 4 });
  expect([flood.state, urgent.state, counters(ctx)]).toEqual([
    'ready',
    'ready',
    { nreqs: 4, nready: 2, nexecute: 2, npending: 0 },
  ]);
  for (const g of gates) await g.release();
  await ctx.flush();
});
