import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AioQueue, createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { gate as poolGate } from '../helpers/gate.js';
import { tempDir } from '../helpers/tmp.js';
import { type Gate, gate, turns } from '../helpers/turns.js';

/** How a promise settled, as a whole value: ['ok', value] or [error name, code, cause]. */
function outcome(p: PromiseLike<unknown>): Promise<unknown[]> {
  return Promise.resolve(p).then(
    (value) => ['ok', value],
    (err: unknown) => {
      const e = err as { name: string; code?: string; cause?: unknown };
      return [e.name, e.code, e.cause];
    },
  );
}

/** Tasks named by letter, each held open by a gate; `events` records starts in order. */
function gatedTasks(names: string) {
  const events: string[] = [];
  const gates = new Map<string, Gate<string>>();
  const task = (name: string) => () => {
    events.push(`start ${name}`);
    const g = gate<string>();
    gates.set(name, g);
    return g.promise.then((v) => {
      events.push(`end ${name}`);
      return v;
    });
  };
  const open = async (name: string) => {
    gates.get(name)?.open(name);
    await turns(2);
  };
  return { events, task, open, names: [...names] };
}

function counts(q: AioQueue): { size: number; pending: number } {
  return { size: q.size, pending: q.pending };
}

describe('aio.queue', () => {
  test('runs at most `concurrency` tasks; a finished task lets the next one start, in order', async () => {
    const q = createAio().queue({ concurrency: 2 });
    const { events, task, open, names } = gatedTasks('abcde');
    const results = names.map((n) => q.add(task(n)));
    const snapshots = [counts(q)];
    await open('b');
    snapshots.push(counts(q));
    await open('a');
    await open('c');
    snapshots.push(counts(q));
    await open('e');
    await open('d');
    snapshots.push(counts(q));
    expect([events, snapshots, await Promise.all(results)]).toEqual([
      ['start a', 'start b', 'end b', 'start c', 'end a', 'start d', 'end c', 'start e', 'end e', 'end d'],
      [
        { size: 3, pending: 2 },
        { size: 2, pending: 2 },
        { size: 0, pending: 2 },
        { size: 0, pending: 0 },
      ],
      ['a', 'b', 'c', 'd', 'e'],
    ]);
  });

  test('starts tasks by priority, -4..4, first in first out within one priority', async () => {
    const q = createAio().queue({ concurrency: 1, autoStart: false });
    const started: string[] = [];
    const add = (name: string, priority: number) =>
      q.add(
        (ctx) => {
          started.push(`${name}@${ctx.priority}`);
          return Promise.resolve(name);
        },
        { priority },
      );
    const all = [add('a', 0), add('b', -4), add('c', 4), add('d', 0), add('e', 2), add('f', 4)];
    const before = [q.isPaused, q.size, q.pending, started.length];
    q.start();
    await Promise.all(all);
    expect([before, started, q.isPaused]).toEqual([
      [true, 6, 0, 0],
      ['c@4', 'f@4', 'e@2', 'a@0', 'd@0', 'b@-4'],
      false,
    ]);
  });

  test('add resolves with what the task returns: a request, a group, a promise or a value; and rejects with its error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f'), '12345');
    const aio = createAio();
    const q = aio.queue({ concurrency: 2 });
    const boom = new Error('boom');
    const results = await Promise.all([
      outcome(q.add(() => aio.stat(join(dir, 'f')).then((st) => st.size))),
      outcome(q.add(async () => (await aio.stat(join(dir, 'f'))).size)),
      outcome(q.add(() => aio.readdir(dir))),
      outcome(q.add(() => aio.group<string>().result('grouped'))),
      outcome(q.add(() => 7)),
      outcome(
        q.add(() => {
          throw boom;
        }),
      ),
      outcome(q.add(() => Promise.reject(boom))),
      outcome(q.add(() => aio.stat(join(dir, 'missing')))),
    ]);
    expect(results).toEqual([
      ['ok', 5],
      ['ok', 5],
      ['ok', ['f']],
      ['ok', 'grouped'],
      ['ok', 7],
      ['Error', undefined, undefined],
      ['Error', undefined, undefined],
      ['Error', 'ENOENT', undefined],
    ]);
    expect([counts(q), aio.nreqs]).toEqual([{ size: 0, pending: 0 }, 0]);
  });

  test('onEmpty resolves when the last task starts, onIdle when the last one finished', async () => {
    const q = createAio().queue({ concurrency: 1 });
    const { events, task, open } = gatedTasks('ab');
    const idleAtOnce = await outcome(q.onIdle());
    const emptyAtOnce = await outcome(q.onEmpty());
    q.add(task('a'));
    q.add(task('b'));
    q.onEmpty().then(() => events.push('empty'));
    q.onIdle().then(() => events.push('idle'));
    await open('a');
    await open('b');
    expect([idleAtOnce, emptyAtOnce, events]).toEqual([
      ['ok', undefined],
      ['ok', undefined],
      ['start a', 'end a', 'start b', 'empty', 'end b', 'idle'],
    ]);
  });

  test('pause stops starting tasks, running ones go on; start resumes', async () => {
    const q = createAio().queue({ concurrency: 1 });
    const { events, task, open } = gatedTasks('abc');
    const all = ['a', 'b', 'c'].map((n) => q.add(task(n)));
    q.pause();
    await open('a');
    const paused = [q.isPaused, counts(q), [...events]];
    q.start();
    await turns(2);
    await open('b');
    await open('c');
    await Promise.all(all);
    expect([paused, events]).toEqual([
      [true, { size: 2, pending: 0 }, ['start a', 'end a']],
      ['start a', 'end a', 'start b', 'end b', 'start c', 'end c'],
    ]);
  });

  test('clear rejects every waiting task with an AbortError and never runs it; running tasks finish', async () => {
    const q = createAio().queue({ concurrency: 1 });
    const { events, task, open } = gatedTasks('abc');
    const all = ['a', 'b', 'c'].map((n) => outcome(q.add(task(n))));
    const reason = new Error('cleared');
    q.clear(reason);
    const after = counts(q);
    await open('a');
    expect([after, await Promise.all(all), events, counts(q)]).toEqual([
      { size: 0, pending: 1 },
      [
        ['ok', 'a'],
        ['AbortError', 'ABORT_ERR', reason],
        ['AbortError', 'ABORT_ERR', reason],
      ],
      ['start a', 'end a'],
      { size: 0, pending: 0 },
    ]);
  });

  test('a signal drops a waiting task, and one aborted before add never runs', async () => {
    const q = createAio().queue({ concurrency: 1 });
    const { events, task, open } = gatedTasks('abc');
    const early = new AbortController();
    const late = new AbortController();
    early.abort('before');
    const a = outcome(q.add(task('a')));
    const b = outcome(q.add(task('b'), { signal: early.signal }));
    const c = outcome(q.add(task('c'), { signal: late.signal }));
    const before = counts(q);
    late.abort('waiting');
    const after = counts(q);
    await open('a');
    expect([before, after, await Promise.all([a, b, c]), events]).toEqual([
      { size: 1, pending: 1 },
      { size: 0, pending: 1 },
      [
        ['ok', 'a'],
        ['AbortError', 'ABORT_ERR', 'before'],
        ['AbortError', 'ABORT_ERR', 'waiting'],
      ],
      ['start a', 'end a'],
    ]);
  });

  test("a signal cancels a running task's request, which keeps its slot until it is back from the pool", async () => {
    const ctx = createAio();
    const q = ctx.queue({ concurrency: 1 });
    const controller = new AbortController();
    const blocked = poolGate(ctx);
    const events: string[] = [];
    const first = outcome(q.add(() => blocked.request, { signal: controller.signal }));
    const second = q.add(() => {
      events.push('start second');
      return 'second';
    });
    controller.abort('stop');
    await turns(3);
    const whileExecuting = [blocked.request.state, counts(q), [...events]];
    await blocked.release();
    expect([whileExecuting, await first, await second, events, ctx.nreqs]).toEqual([
      ['execute', { size: 1, pending: 1 }, []],
      ['AbortError', 'ABORT_ERR', 'stop'],
      'second',
      ['start second'],
      0,
    ]);
  });

  test('never finishes on its own: idle holds no request (flush resolves), and adding later works', async () => {
    const aio = createAio();
    const q = aio.queue({ concurrency: 2 });
    const first = await q.add(() => Promise.resolve(1));
    await aio.flush();
    const idle = [aio.nreqs, counts(q)];
    await turns(3);
    const second = await q.add(() => Promise.resolve(2));
    await q.onIdle();
    q.pause();
    q.start();
    const afterResume = aio.nreqs;
    expect([first, idle, second, afterResume, aio.nreqs]).toEqual([1, [0, { size: 0, pending: 0 }], 2, 0, 0]);
  });

  test('raising concurrency starts waiting tasks at once; addAll resolves in order', async () => {
    const q = createAio().queue({ concurrency: 1 });
    const { events, task, open } = gatedTasks('abc');
    const all = q.addAll([task('a'), task('b'), task('c')]);
    const before = [...events];
    q.concurrency = Number.POSITIVE_INFINITY;
    const raised = [...events];
    await open('a');
    await open('b');
    await open('c');
    expect([before, raised, q.concurrency, await all]).toEqual([
      ['start a'],
      ['start a', 'start b', 'start c'],
      Number.POSITIVE_INFINITY,
      ['a', 'b', 'c'],
    ]);
  });

  test('bad arguments throw at the call with Node codes, nothing queued', () => {
    const aio = createAio();
    const q = aio.queue();
    const codes = [
      () => q.add('x' as never),
      () => q.add(() => 1, { priority: 5 }),
      () => q.add(() => 1, { priority: 1.5 }),
      () => q.add(() => 1, { signal: {} as never }),
      () => aio.queue({ concurrency: 0 }),
      () => {
        q.concurrency = -1;
      },
      () => aio.queue('x' as never),
    ].map((f) => {
      try {
        f();
        return 'no throw';
      } catch (err) {
        return (err as { code: string }).code;
      }
    });
    expect([codes, counts(q), q.concurrency, aio.nreqs]).toEqual([
      [
        'ERR_INVALID_ARG_TYPE',
        'ERR_OUT_OF_RANGE',
        'ERR_OUT_OF_RANGE',
        'ERR_INVALID_ARG_TYPE',
        'ERR_OUT_OF_RANGE',
        'ERR_OUT_OF_RANGE',
        'ERR_INVALID_ARG_TYPE',
      ],
      { size: 0, pending: 0 },
      Number.POSITIVE_INFINITY,
      0,
    ]);
  });
});
