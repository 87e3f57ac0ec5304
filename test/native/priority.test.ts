import { closeSync, constants, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NativePool } from '../../packages/native/src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, fifo, pool, result, spinUntil, unavailable } from './native.js';

afterEach(closePools);

/** Submits a stat per label and resolves with the labels in delivery order. */
function statsInOrder(p: NativePool, file: string, requests: Array<[string, number]>): Promise<string[]> {
  const order: string[] = [];
  return new Promise((resolve) => {
    for (const [label, priority] of requests)
      p.submitStat(file, priority, () => {
        order.push(label);
        if (order.length === requests.length) resolve(order);
      });
  });
}

describe.skipIf(unavailable !== undefined)('native pool priorities', () => {
  it('runs the highest priority first, FIFO within a level, when the paused pool resumes', async () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    const p = pool({ threads: 0 });
    const done = statsInOrder(p, file, [
      ['low a', -4],
      ['low b', -4],
      ['mid a', 0],
      ['high', 4],
      ['low c', -4],
      ['mid b', 0],
    ]);
    p.flush();
    expect(p.counters().nready).toBe(6);
    p.threads = 1;
    expect(await done).toEqual(['high', 'mid a', 'mid b', 'low a', 'low b', 'low c']);
  });

  it('delivers a finished high-priority result before low ones that finished earlier', async () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    const p = pool({ threads: 1 });
    const lows = statsInOrder(
      p,
      file,
      Array.from({ length: 5 }, (_, i): [string, number] => [`low ${i}`, -4]),
    );
    p.flush();
    // The main thread does not turn the loop while it spins, so nothing is delivered yet.
    spinUntil(() => p.counters().npending === 5);
    const high = statsInOrder(p, file, [['high', 4]]);
    p.flush();
    spinUntil(() => p.counters().npending === 6);
    const order: string[] = [];
    await Promise.all([high.then((o) => order.push(...o)), lows.then((o) => order.push(...o))]);
    expect(order).toEqual(['high', 'low 0', 'low 1', 'low 2', 'low 3', 'low 4']);
  });

  it('a priority-4 request passes 20,000 queued priority -4 ones', async () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    const p = pool({ threads: 0 });
    const order: string[] = [];
    const lows = Array.from(
      { length: 20_000 },
      () => new Promise<void>((resolve) => p.submitNop(-4, () => resolve(void order.push('low')))),
    );
    const high = result((cb) => p.submitStat(file, 4, (e) => cb(e, order.push('high'))));
    p.threads = 1;
    await Promise.all([high, ...lows]);
    expect(order).toEqual(['high', ...Array.from({ length: 20_000 }, () => 'low')]);
  });
});

describe.skipIf(unavailable !== undefined)('native pool cancel', () => {
  it('a request still queued completes with ECANCELED without running; others run', async () => {
    const dir = tempDir();
    const p = pool({ threads: 0 });
    const events: Array<[string, number]> = [];
    const ids = new Map<string, number>();
    const settled: Array<Promise<void>> = [];
    for (const name of ['a', 'b', 'c']) {
      settled.push(
        new Promise<void>((resolve) => {
          const id = p.submitMkdir(join(dir, name), 0o755, 0, (errno) =>
            resolve(void events.push([name, errno])),
          );
          ids.set(name, id);
        }),
      );
    }
    const first = p.cancel(ids.get('b')!);
    const second = p.cancel(ids.get('b')!);
    p.threads = 1;
    await Promise.all(settled);
    expect([first, second]).toEqual([true, false]);
    expect(events).toEqual([
      ['b', -125],
      ['a', 0],
      ['c', 0],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['a', 'c']);
  });

  it('a running request cannot be cancelled and completes normally', async () => {
    const path = fifo();
    const p = pool({ threads: 1 });
    let id = -1;
    const opened = result((cb) => {
      id = p.submitOpen(path, constants.O_RDONLY, 0, 0, cb);
    });
    p.flush();
    spinUntil(() => p.counters().nexecute === 1);
    const cancelled = p.cancel(id);
    // Platform: a non-blocking open of the write end succeeds once a reader waits, and fails with
    // ENXIO before: the worker counts as executing a moment before it enters open(2).
    let writer = -1;
    spinUntil(() => {
      try {
        writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
        return false;
      }
    });
    const [errno, fd] = await opened;
    closeSync(writer);
    closeSync(fd);
    expect([cancelled, errno, fd > 2]).toEqual([false, 0, true]);
  });
});
