import { afterEach, describe, expect, it } from 'vitest';
import { closePools, pool, result, spinUntil, unavailable } from './native.js';

afterEach(closePools);

/** Resolves once the condition holds, checking on each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe.skipIf(unavailable !== undefined)('native pool controls', () => {
  it('delivers a backlog in chunks of at most 1,024 callbacks, the loop turning between chunks', async () => {
    const p = pool({ threads: 1 });
    const sizes: number[] = [];
    let current = 0;
    let all!: () => void;
    const delivered = new Promise<void>((resolve) => {
      all = resolve;
    });
    let done = 0;
    const closeChunk = () => {
      sizes.push(current);
      current = 0;
    };
    // Ticks run when a chunk's JavaScript call returns: one tick closes one chunk.
    const onNop = () => {
      if (current++ === 0) process.nextTick(closeChunk);
      if (++done === 3000) all();
    };
    for (let i = 0; i < 3000; i++) p.submitNop(0, onNop);
    p.flush();
    spinUntil(() => p.counters().npending === 3000);
    await delivered;
    await new Promise((resolve) => setImmediate(resolve));
    expect(sizes).toEqual([1024, 1024, 952]);
  });

  it('never runs more threads than asked, and 0 threads pauses the pool', async () => {
    const p = pool({ threads: 2 });
    let most = 0;
    await Promise.all(
      Array.from({ length: 2000 }, () =>
        result((cb) =>
          p.submitNop(0, (e, v) => {
            most = Math.max(most, p.counters().nthreads);
            cb(e, v);
          }),
        ),
      ),
    );
    p.threads = 0;
    await until(() => p.counters().nthreads === 0);
    p.submitNop(0, () => {});
    p.flush();
    const paused = p.counters();
    p.threads = 3;
    await until(() => p.counters().nreqs === 0);
    expect({
      most: most <= 2,
      pausedReady: paused.nready,
      pausedThreads: paused.nthreads,
      threads: p.threads,
    }).toEqual({
      most: true,
      pausedReady: 1,
      pausedThreads: 0,
      threads: 3,
    });
  });

  it('idle threads beyond max_idle exit after idle_timeout, and the pool starts threads again when work comes', async () => {
    const p = pool({ threads: 4, maxIdle: 1, idleTimeoutMs: 20 });
    await Promise.all(Array.from({ length: 4000 }, () => result((cb) => p.submitNop(0, cb))));
    await until(() => p.counters().nthreads <= 1);
    const idle = p.counters().nthreads;
    const again = await result((cb) => p.submitNop(0, cb));
    expect([idle, again]).toEqual([1, [0, 0]]);
  });
});
