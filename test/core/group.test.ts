import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import {
  commitGroup,
  failGroup,
  followCommit,
  reopenGroup,
  setFeeder,
} from '../../packages/core/src/group.js';
import { liveHeap } from '../helpers/live-heap.js';
import { tempDir } from '../helpers/tmp.js';
import { gate, nextTurn, turns, until } from '../helpers/turns.js';

/** Settles `p` into a value the assertions can compare whole. */
async function outcome<T>(p: PromiseLike<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

/** 'ok', or the error's code. */
const outcomeName = (err: unknown): string =>
  err === null ? 'ok' : String((err as { code?: unknown }).code);

const abortShape = (cause?: unknown) =>
  expect.objectContaining({ name: 'AbortError', code: 'ABORT_ERR', cause });

describe('add', () => {
  test('returns the member, or the members as an array', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const grp = ctx.group();
    const a = ctx.nop();
    const b = ctx.nop();
    const c = ctx.nop();
    const p = Promise.resolve('plain');
    expect(grp.add(a)).toBe(a);
    const pair = grp.add(b, c);
    expect(pair).toEqual([b, c]);
    expect(pair[0]).toBe(b);
    expect(pair[1]).toBe(c);
    expect(grp.add(p)).toBe(p);
    ctx.maxParallel = 4;
    await expect(grp).resolves.toBeUndefined();
    expect([a.state, b.state, c.state, grp.state]).toEqual(['done', 'done', 'done', 'done']);
  });

  test('adding to a finished group throws ERR_AIO_GROUP_FINISHED, also from the group callback', async () => {
    const ctx = createAio();
    const thrown: unknown[] = [];
    const grp = ctx.group({
      callback: () => {
        try {
          grp.add(Promise.resolve());
        } catch (error) {
          thrown.push(error);
        }
      },
    });
    grp.add(ctx.nop());
    await grp;
    expect(() => grp.add(Promise.resolve())).toThrow(
      expect.objectContaining({ code: 'ERR_AIO_GROUP_FINISHED' }) as unknown as Error,
    );
    expect(thrown).toEqual([expect.objectContaining({ code: 'ERR_AIO_GROUP_FINISHED' })]);
  });
});

describe('finishing', () => {
  test('result() sets what the group resolves with and passes to its callback', async () => {
    const ctx = createAio();
    const calls: unknown[] = [];
    const grp = ctx.group<{ total: number }>({ callback: (err, value) => calls.push([err, value]) });
    grp.add(ctx.nop({ callback: () => grp.result({ total: 3 }) }));
    await expect(grp).resolves.toEqual({ total: 3 });
    expect(calls).toEqual([[null, { total: 3 }]]);
  });

  test('a member counts as finished after its callback returned: a callback that adds keeps the group alive', async () => {
    const ctx = createAio();
    const events: unknown[] = [];
    const grp = ctx.group({ callback: () => events.push(['group', grp.size]) });
    grp.add(
      ctx.nop({
        callback: () => {
          events.push(['first', grp.state, grp.size]);
          grp.add(
            ctx.nop({
              callback: () => {
                events.push(['second', grp.state, grp.size]);
              },
            }),
          );
        },
      }),
    );
    await grp;
    expect(events).toEqual([
      ['first', 'execute', 1],
      ['second', 'execute', 1],
      ['group', 0],
    ]);
  });

  test('an empty group with no feeder finishes on the next turn, not before', async () => {
    const ctx = createAio({ maxParallel: 1 }); // the two fed nops finish in order
    const events: string[] = [];
    const grp = ctx.group({ callback: () => events.push('group') });
    expect(grp.state).toBe('execute');
    await Promise.resolve();
    await Promise.resolve();
    expect([grp.state, events]).toEqual(['execute', []]);
    await nextTurn();
    expect([grp.state, events, ctx.nreqs]).toEqual(['done', ['group'], 0]);
  });

  test('members added synchronously after creation are waited for', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const events: string[] = [];
    const grp = ctx.group({ callback: () => events.push('group') });
    grp.add(ctx.nop({ callback: () => events.push('nop') }));
    await turns(5);
    expect([grp.state, events]).toEqual(['execute', []]);
    ctx.maxParallel = 1;
    await grp;
    expect(events).toEqual(['nop', 'group']);
  });

  test('nested groups: the inner one is a member of the outer one', async () => {
    const ctx = createAio();
    const events: string[] = [];
    const outer = ctx.group<string>({ callback: (_e, v) => events.push(`outer:${v}`) });
    const inner = outer.add(ctx.group<string>({ callback: (_e, v) => events.push(`inner:${v}`) }));
    inner.add(ctx.nop({ callback: () => events.push('nop') }));
    inner.result('in');
    outer.result('out');
    await expect(outer).resolves.toBe('out');
    expect(events).toEqual(['nop', 'inner:in', 'outer:out']);
    expect([inner.state, outer.state, ctx.nreqs]).toEqual(['done', 'done', 0]);
  });

  test('counts in nreqs but not in nready or nexecute', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const grp = ctx.group();
    const counts = () => ({
      nreqs: ctx.nreqs,
      nready: ctx.nready,
      nexecute: ctx.nexecute,
      npending: ctx.npending,
    });
    expect(counts()).toEqual({ nreqs: 1, nready: 0, nexecute: 0, npending: 0 });
    grp.add(ctx.nop(), ctx.nop());
    expect(counts()).toEqual({ nreqs: 3, nready: 2, nexecute: 0, npending: 0 });
    ctx.maxParallel = 1;
    expect(counts()).toEqual({ nreqs: 3, nready: 1, nexecute: 1, npending: 0 });
    await grp;
    expect(counts()).toEqual({ nreqs: 0, nready: 0, nexecute: 0, npending: 0 });
  });
});

describe('cancellation', () => {
  test('cancel() rejects with AbortError, cancels every member and aborts grp.signal', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const events: unknown[] = [];
    const grp = ctx.group({ callback: (err) => events.push(['group', err?.name]) });
    const signal = grp.signal;
    signal.addEventListener('abort', () => events.push(['signal', signal.reason]));
    const inner = grp.add(ctx.group());
    const innerNop = inner.add(ctx.nop());
    const members = grp.add(
      ctx.nop({ callback: (err) => events.push(['a', err?.name]) }),
      ctx.nop({ callback: (err) => events.push(['b', err?.name]) }),
    );
    const settled = outcome(grp);
    const reason = new Error('stop');
    grp.cancel(reason);
    expect(await settled).toEqual({ error: abortShape(reason) });
    expect(((await settled) as { error: unknown }).error).toBeInstanceOf(AbortError);
    expect(events).toEqual([
      ['signal', reason],
      ['a', 'AbortError'],
      ['b', 'AbortError'],
      ['group', 'AbortError'],
    ]);
    expect([signal.aborted, inner.state, innerNop.state, ...members.map((m) => m.state)]).toEqual([
      true,
      'done',
      'done',
      'done',
      'done',
    ]);
    expect(await outcome(inner)).toEqual({ error: abortShape(reason) });
    expect({ nreqs: ctx.nreqs, nready: ctx.nready }).toEqual({ nreqs: 0, nready: 0 });
  });

  test('a cancelled group waits for a member that is executing', async () => {
    const ctx = createAio({ maxParallel: 1 });
    const grp = ctx.group();
    const running = grp.add(ctx.nop());
    expect(running.state).toBe('execute');
    const settled = outcome(grp);
    grp.cancel();
    expect(grp.state).toBe('execute');
    expect(await settled).toEqual({ error: abortShape(undefined) });
    expect([running.state, ctx.nreqs]).toEqual(['done', 0]);
  });

  test('a member added to a cancelled, unfinished group is cancelled', async () => {
    const ctx = createAio({ maxParallel: 1 });
    const grp = ctx.group();
    grp.add(ctx.nop()); // executing: holds the group open after cancel()
    const settled = outcome(grp);
    grp.cancel();
    const late = grp.add(ctx.nop());
    expect(await outcome(late)).toEqual({ error: abortShape(undefined) });
    expect(await settled).toEqual({ error: abortShape(undefined) });
  });

  test('cancelSubs() cancels members and feeder, the group resolves normally and grp.signal stays unaborted', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const events: unknown[] = [];
    const grp = ctx.group<string>({ callback: (err, value) => events.push(['group', err, value]) });
    const signal = grp.signal;
    let fed = 0;
    grp.limit(2).feed(() => {
      fed++;
      grp.add(ctx.nop({ callback: (err) => events.push(['member', err?.name]) }));
    });
    grp.result('kept');
    grp.cancelSubs();
    await expect(grp).resolves.toBe('kept');
    expect(events).toEqual([
      ['member', 'AbortError'],
      ['member', 'AbortError'],
      ['group', null, 'kept'],
    ]);
    expect([fed, signal.aborted, ctx.nreqs]).toEqual([2, false, 0]);
  });
});

describe('the signal option', () => {
  test('aborting the signal cancels the group and its members, with the reason as cause', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const controller = new AbortController();
    const grp = ctx.group({ signal: controller.signal });
    const member = grp.add(ctx.nop());
    const settled = Promise.all([outcome(grp), outcome(member)]);
    const reason = new Error('aborted by the caller');
    controller.abort(reason);
    expect(await settled).toEqual([{ error: abortShape(reason) }, { error: abortShape(reason) }]);
    expect([grp.signal.aborted, grp.signal.reason, ctx.nreqs]).toEqual([true, reason, 0]);
  });

  test('an already aborted signal: the group rejects with AbortError and a member added to it is cancelled', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const reason = new Error('too late');
    const grp = ctx.group({ signal: AbortSignal.abort(reason) });
    const member = grp.add(ctx.nop());
    const settled = await outcome(grp);
    await turns(3);
    // The context stays paused: a member that was not cancelled would still be queued.
    expect({ settled, member: member.state, nready: ctx.nready, signal: grp.signal.aborted }).toEqual({
      settled: { error: abortShape(reason) },
      member: 'done',
      nready: 0,
      signal: true,
    });
    expect(await outcome(member)).toEqual({ error: abortShape(reason) });
    expect(ctx.nreqs).toBe(0);
  });
});

describe('invalid use', () => {
  test('a group cannot contain itself, a request cannot be in two groups, a member must be a request or thenable', async () => {
    const ctx = createAio();
    const grp = ctx.group();
    const other = ctx.group();
    const nop = grp.add(ctx.nop());
    const code = (fn: () => unknown): unknown => {
      try {
        fn();
        return 'no error';
      } catch (err) {
        return [(err as Error).name, (err as { code?: string }).code];
      }
    };
    expect([
      code(() => grp.add(grp)),
      code(() => other.add(nop)),
      code(() => grp.add(42 as unknown as Promise<void>)),
      code(() => grp.limit(-1)),
      code(() => grp.limit(1.5)),
      code(() => grp.feed('nope' as unknown as () => void)),
    ]).toEqual([
      ['Error', 'ERR_AIO_GROUP_CYCLE'],
      ['Error', 'ERR_AIO_GROUP_MEMBER'],
      ['TypeError', 'ERR_INVALID_ARG_TYPE'],
      ['RangeError', 'ERR_OUT_OF_RANGE'],
      ['RangeError', 'ERR_OUT_OF_RANGE'],
      ['TypeError', 'ERR_INVALID_ARG_TYPE'],
    ]);
    // A rejected add() adds nothing: the groups finish as if it never happened.
    await expect(Promise.all([grp, other])).resolves.toEqual([undefined, undefined]);
  });
});

describe('cycles', () => {
  /** The code thrown by `fn`, or 'no error'. */
  const code = (fn: () => unknown): unknown => {
    try {
      fn();
      return 'no error';
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };

  test('adding the group itself or an ancestor at any depth throws ERR_AIO_GROUP_CYCLE and adds nothing', async () => {
    const ctx = createAio();
    const a = ctx.group<string>().result('a');
    const b = ctx.group<string>().result('b');
    const c = ctx.group<string>().result('c');
    const d = ctx.group<string>().result('d');
    const nop = ctx.nop();
    const thrown = [
      code(() => a.add(b)),
      code(() => b.add(a)),
      code(() => b.add(c)),
      code(() => c.add(a)),
      code(() => c.add(b)),
      code(() => c.add(c)),
      // A cycle anywhere in one add() rejects the whole call: the nop before it is not added either.
      code(() => c.add(nop, a)),
      code(() => c.add(d)),
    ];
    expect(thrown).toEqual([
      'no error',
      'ERR_AIO_GROUP_CYCLE',
      'no error',
      'ERR_AIO_GROUP_CYCLE',
      'ERR_AIO_GROUP_CYCLE',
      'ERR_AIO_GROUP_CYCLE',
      'ERR_AIO_GROUP_CYCLE',
      'no error',
    ]);
    expect([a.size, b.size, c.size, d.size]).toEqual([1, 1, 1, 0]);
    // Every group settles, innermost first; the refused nop was a member of none, so none waited for it.
    const order: string[] = [];
    await Promise.all([a, b, c, d].map((g) => g.then((v) => order.push(v))));
    expect(order).toEqual(['d', 'c', 'b', 'a']);
    await ctx.flush();
    expect([nop.state, ctx.nreqs]).toEqual(['done', 0]);
  });

  test('A.add(B); B.add(A): the second add throws and both groups still settle, also when cancelled', async () => {
    const ctx = createAio();
    const a = ctx.group();
    const b = ctx.group();
    a.add(b);
    expect(code(() => b.add(a))).toBe('ERR_AIO_GROUP_CYCLE');
    b.add(ctx.nop());
    a.cancel('stop');
    const outcomes = await Promise.all([outcome(a), outcome(b)]);
    expect(outcomes).toEqual([{ error: abortShape('stop') }, { error: abortShape('stop') }]);
    expect(ctx.nreqs).toBe(0);
  });
});

describe('settling and cancelling run as work lists', () => {
  test('a group callback that cancels another group during a completion: every group settles once, in order', async () => {
    const paused = createAio({ maxParallel: 0 });
    const ctx = createAio();
    const events: string[] = [];
    const record = (name: string) => (err: unknown) => events.push(`${name}:${outcomeName(err)}`);
    const outer = ctx.group({ callback: record('outer') });
    const b = ctx.group({ callback: record('b') });
    const a = ctx.group({
      callback: (err) => {
        record('a')(err);
        b.cancel('from a');
        events.push(`a: b is ${b.state}`);
      },
    });
    outer.add(a, b);
    a.add(ctx.nop({ callback: record('a1') }));
    b.add(paused.nop({ callback: record('b1') }));
    await Promise.all([outcome(outer), outcome(a), outcome(b)]);
    expect(events).toEqual([
      'a1:ok',
      'a:ok',
      // The ready member is done at once; its group settles once the completion in progress is applied.
      'b1:ABORT_ERR',
      'a: b is execute',
      'b:ABORT_ERR',
      'outer:ok',
    ]);
    expect([ctx.nreqs, paused.nreqs]).toEqual([0, 0]);
  });
});

describe('hold', () => {
  test('an empty group held open does not finish until released; release is idempotent', async () => {
    const ctx = createAio();
    const events: unknown[] = [];
    const grp = ctx.group<string>({ callback: (err, value) => events.push(['callback', err, value]) });
    grp.result('done');
    const first = grp.hold();
    const second = grp.hold();
    await turns(3);
    events.push(['after 3 turns', grp.state]);
    first();
    first();
    await turns(3);
    events.push(['first released twice', grp.state]);
    second();
    events.push(['second released', grp.state]);
    second();
    expect(events).toEqual([
      ['after 3 turns', 'execute'],
      ['first released twice', 'execute'],
      ['callback', null, 'done'],
      ['second released', 'done'],
    ]);
    await expect(grp).resolves.toBe('done');
    expect(ctx.nreqs).toBe(0);
  });

  test('a held group with members finishes when both the members and the holds are done, whichever is last', async () => {
    const ctx = createAio();
    const events: string[] = [];
    const held = ctx.group({ callback: () => events.push('held: finished') });
    const release = held.hold();
    held.add(ctx.nop({ callback: () => events.push('held: member done') }));
    await until(() => events.length === 1, 'the member');
    await turns(2);
    events.push(`held: ${held.state}`);
    release();
    expect(events).toEqual(['held: member done', 'held: execute', 'held: finished']);
  });

  test('a cancelled group finishes whatever holds remain; hold() on a finished group throws', async () => {
    const ctx = createAio();
    const grp = ctx.group();
    const release = grp.hold();
    grp.cancel('no more');
    expect(await outcome(grp)).toEqual({ error: abortShape('no more') });
    release();
    expect(() => grp.hold()).toThrow(
      expect.objectContaining({ code: 'ERR_AIO_GROUP_FINISHED' }) as unknown as Error,
    );
    expect(ctx.nreqs).toBe(0);
  });
});

describe('the feeder of a composite (setFeeder)', () => {
  test('stays while members are unfinished although a call added nothing, goes once none is left', async () => {
    // One at a time: the native pool's threads may finish two nops in either order.
    const ctx = createAio({ maxParallel: 1 });
    const grp = ctx.group().limit(4);
    const work = ['a', 'b'];
    const events: string[] = [];
    const feeder = () => {
      const next = work.shift();
      events.push(`feed:${next ?? 'nothing'}:${grp.size}`);
      if (next === undefined) return;
      grp.add(
        ctx.nop({
          callback: () => {
            events.push(`done:${next}`);
            // The first member brings more work, as a directory read brings names.
            if (next === 'a') work.push('c');
          },
        }),
      );
    };
    setFeeder(grp, feeder);
    await grp;
    expect(events).toEqual([
      'feed:a:0',
      'feed:b:1',
      'feed:nothing:2',
      'done:a',
      'feed:c:1',
      'feed:nothing:2',
      'done:b',
      'feed:nothing:1',
      'done:c',
      'feed:nothing:0',
    ]);
  });

  test('goes when the group is cancelled or failed, and setting it again then is ignored', async () => {
    const ctx = createAio();
    const calls: string[] = [];
    const cancelled = ctx.group().limit(1);
    setFeeder(cancelled, () => {
      calls.push('cancelled');
      cancelled.add(ctx.nop());
    });
    cancelled.cancel('x');
    setFeeder(cancelled, () => calls.push('cancelled again'));
    const failed = ctx.group().limit(1);
    setFeeder(failed, () => {
      calls.push('failed');
      failed.add(ctx.nop());
    });
    failGroup(failed, new Error('broken'));
    setFeeder(failed, () => calls.push('failed again'));
    const outcomes = await Promise.all([outcome(cancelled), outcome(failed)]);
    expect([calls, outcomes]).toEqual([
      ['cancelled', 'failed'],
      [{ error: abortShape('x') }, { error: new Error('broken') }],
    ]);
  });
});

describe('member failures', () => {
  test('unobserved failures make the group reject with an AggregateError of exactly them, once all members finished', async () => {
    const dir = tempDir();
    const missing = join(dir, 'missing');
    const ctx = createAio({ maxParallel: 1 });
    const grp = ctx.group();
    const plain = new Error('plain promise');
    const hold = gate();
    const seenByCallback: unknown[] = [];
    const seenByCatch: unknown[] = [];
    grp.add(Promise.reject(plain));
    grp.add(ctx.stat(missing)); // no callback, no then: collected
    grp.add(ctx.stat(missing, { callback: (err) => seenByCallback.push(err?.code) })); // observed by callback
    const caught = grp.add(ctx.stat(missing));
    caught.catch((err: unknown) => seenByCatch.push((err as NodeJS.ErrnoException).code)); // observed by catch
    const cancelled = grp.add(ctx.stat(missing)); // cancellations are never collected
    cancelled.cancel();
    grp.add(ctx.nop()); // success
    grp.add(hold.promise);
    const settled = outcome(grp);
    await until(() => ctx.nreqs === 1 && seenByCatch.length === 1, 'every request member finished');
    expect([grp.state, grp.size]).toEqual(['execute', 1]);
    hold.open();
    const result = await settled;
    expect(result).toEqual({ error: expect.any(AggregateError) });
    const errors = (result as { error: AggregateError }).error.errors;
    expect(errors).toEqual([
      plain,
      expect.objectContaining({ code: 'ENOENT', syscall: 'stat', path: missing }),
    ]);
    expect(errors[0]).toBe(plain);
    expect([seenByCallback, seenByCatch]).toEqual([['ENOENT'], ['ENOENT']]);
  });

  test('a failed inner group is collected by the outer one like any member', async () => {
    const missing = join(tempDir(), 'missing');
    const ctx = createAio();
    const outer = ctx.group();
    const inner = outer.add(ctx.group());
    inner.add(ctx.stat(missing));
    const result = await outcome(outer);
    expect(result).toEqual({ error: expect.any(AggregateError) });
    const [innerError] = (result as { error: AggregateError }).error.errors;
    expect(innerError).toBeInstanceOf(AggregateError);
    expect((innerError as AggregateError).errors).toEqual([
      expect.objectContaining({ code: 'ENOENT', syscall: 'stat', path: missing }),
    ]);
    await expect(inner).rejects.toBe(innerError);
  });
});

describe('unhandled rejections', () => {
  test('a group that fails in the same microtask pass as its await is not reported as unhandled', async () => {
    const ctx = createAio();
    const reported: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      reported.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const failure = new Error('member failed');
      const outer = ctx.group();
      const inner = outer.add(ctx.group());
      inner.add(Promise.reject(failure));
      const result = await outcome(outer);
      await turns(3);
      expect(result).toEqual({ error: expect.any(AggregateError) });
      expect(reported).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('feeder', () => {
  // IO::AIO t/07_feeder.t: limit 5, a feeder adding one request a call, ten in all.
  test('IO::AIO t/07_feeder.t: with limit(5) the feeder has run 5 times when feed() returns', async () => {
    const ctx = createAio();
    const grp = ctx.group<string>();
    const counts = { feederCalls: 0, added: 0, callbacks: 0, mostUnfinished: 0 };
    grp.limit(5);
    grp.feed(() => {
      counts.feederCalls++;
      if (counts.added === 10) return;
      counts.added++;
      grp.add(ctx.nop({ callback: () => counts.callbacks++ }));
      counts.mostUnfinished = Math.max(counts.mostUnfinished, grp.size);
    });
    expect(counts).toEqual({ feederCalls: 5, added: 5, callbacks: 0, mostUnfinished: 5 });
    grp.result('fed');
    await expect(grp).resolves.toBe('fed');
    // The eleventh call added nothing, which removed the feeder.
    expect(counts).toEqual({ feederCalls: 11, added: 10, callbacks: 10, mostUnfinished: 5 });
  });

  test('setting a feeder at limit 0 sets limit 2; limit(0) pauses feeding and raising it resumes', async () => {
    const ctx = createAio({ maxParallel: 0 });
    const grp = ctx.group();
    const done: number[] = [];
    let next = 0;
    expect(grp.currentLimit).toBe(0);
    grp.feed(() => {
      if (next === 8) return;
      const n = next++;
      grp.add(ctx.nop({ callback: () => done.push(n) }));
    });
    expect([grp.currentLimit, next, grp.size]).toEqual([2, 2, 2]);

    grp.limit(0);
    ctx.maxParallel = 1; // one at a time: the native pool's threads may finish two nops in either order
    await until(() => grp.size === 0, 'the two fed members to finish');
    await turns(10);
    // Paused: the members finished, the feeder was not called, and the group waits for it.
    expect({ next, done, state: grp.state, nreqs: ctx.nreqs }).toEqual({
      next: 2,
      done: [0, 1],
      state: 'execute',
      nreqs: 1,
    });

    grp.limit(3);
    expect([next, grp.size]).toEqual([5, 3]);
    await grp;
    expect({ next, done }).toEqual({ next: 8, done: [0, 1, 2, 3, 4, 5, 6, 7] });
  });

  test('raising the limit of a paused group whose feeder has nothing left finishes the group', async () => {
    const ctx = createAio({ maxParallel: 1 }); // the two fed nops finish in order
    const events: string[] = [];
    const grp = ctx.group({ callback: () => events.push('group') });
    const items = ['a', 'b'];
    grp.feed(() => {
      const item = items.shift();
      if (item !== undefined) grp.add(ctx.nop({ callback: () => events.push(item) }));
    });
    grp.limit(0);
    await until(() => grp.size === 0, 'the fed members to finish');
    await turns(5);
    expect([grp.state, events]).toEqual(['execute', ['a', 'b']]);
    grp.limit(4); // the feeder runs, adds nothing and is removed: nothing is left to wait for
    await until(() => grp.state === 'done', 'the group to finish', 1000);
    expect(events).toEqual(['a', 'b', 'group']);
  });

  test('a feeder over 1,000,000 nops with limit(16) keeps memory flat and at most 16 members unfinished', async () => {
    const total = 1_000_000;
    const sampleEvery = 65_536;
    const ctx = createAio();
    const grp = ctx.group<number>();
    let issued = 0;
    let finished = 0;
    let mostUnfinished = 0;
    const start = liveHeap();
    let peak = start;
    grp.limit(16).feed(() => {
      if (issued === total) return;
      issued++;
      grp.add(
        ctx.nop({
          callback: () => {
            finished++;
            if (finished % sampleEvery === 0) peak = Math.max(peak, liveHeap());
          },
        }),
      );
      mostUnfinished = Math.max(mostUnfinished, grp.size);
    });
    grp.result(-1);
    await grp;
    expect({ issued, finished, mostUnfinished, nreqs: ctx.nreqs }).toEqual({
      issued: total,
      finished: total,
      mostUnfinished: 16,
      nreqs: 0,
    });
    // Live heap after full collections: keeping each finished request (about 130 bytes) would pass this many times.
    expect(peak - start).toBeLessThan(4 * 2 ** 20);
  });

  test('a feeder over 200,000 stats of one file with limit(16) keeps memory flat', async () => {
    const dir = tempDir();
    const file = join(dir, 'one');
    writeFileSync(file, 'x');
    const total = 200_000;
    const ctx = createAio();
    const grp = ctx.group();
    let issued = 0;
    let sizes = 0;
    let mostUnfinished = 0;
    const start = liveHeap();
    let peak = start;
    grp.limit(16).feed(() => {
      if (issued === total) return;
      issued++;
      grp.add(
        ctx.stat(file, {
          callback: (err, st) => {
            if (err === null) sizes += st.size;
            if (issued % 16_384 === 0) peak = Math.max(peak, liveHeap());
          },
        }),
      );
      mostUnfinished = Math.max(mostUnfinished, grp.size);
    });
    await grp;
    expect({ issued, sizes, mostUnfinished }).toEqual({ issued: total, sizes: total, mostUnfinished: 16 });
    // Live heap after full collections: keeping each finished request (about 130 bytes) would pass this many times.
    expect(peak - start).toBeLessThan(4 * 2 ** 20);
  });

  test('a feeder that throws fails the group with the thrown error', async () => {
    const ctx = createAio();
    const grp = ctx.group();
    const bad = new Error('feeder');
    let calls = 0;
    grp.limit(4).feed(() => {
      calls++;
      if (calls === 2) throw bad;
      grp.add(ctx.nop());
    });
    const result = await outcome(grp);
    expect(result).toEqual({ error: expect.any(AggregateError) });
    expect((result as { error: AggregateError }).error.errors).toEqual([bad]);
    expect(calls).toBe(2);
  });
});

describe('the commit point of a composite (commitGroup)', () => {
  /** How a group settled, with its state and cancelled flag right after the cancels. */
  const settled = (grp: PromiseLike<unknown>) =>
    Promise.resolve(grp).then(
      (value) => ['resolved', value],
      (err: Error) => [err.name, err.cause],
    );

  test('once committed, cancel(), cancelSubs(), its signal and a cancelled parent leave it and its members alone', async () => {
    const ctx = createAio();
    const controller = new AbortController();
    const parent = ctx.group();
    const grp = ctx.group<string>({ signal: controller.signal }).result('real');
    parent.add(grp);
    const member = gate();
    grp.add(member.promise);
    const committed = commitGroup(grp);
    grp.cancel('a');
    grp.cancelSubs('b');
    controller.abort('c');
    parent.cancel('d');
    const states = [grp.cancelled, grp.size, grp.signal.aborted];
    member.open();
    expect([committed, states, await settled(grp), await settled(parent)]).toEqual([
      true,
      [false, 1, false],
      ['resolved', 'real'],
      ['AbortError', 'd'],
    ]);
  });

  test('a cancelled group is not committed: commitGroup returns false and it rejects with its AbortError', async () => {
    const grp = createAio().group();
    grp.add(gate().promise);
    grp.cancel('first');
    expect([commitGroup(grp), await settled(grp)]).toEqual([false, ['AbortError', 'first']]);
  });

  test('reopenGroup applies the first cancel that arrived while committed', async () => {
    const grp = createAio().group();
    const member = gate();
    grp.add(member.promise);
    commitGroup(grp);
    grp.cancel('first');
    grp.cancel('second');
    const before = grp.cancelled;
    reopenGroup(grp);
    expect([before, grp.cancelled, await settled(grp)]).toEqual([false, true, ['AbortError', 'first']]);
  });

  test('reopenGroup without a cancel meanwhile: the group can be cancelled again later', async () => {
    const grp = createAio().group();
    grp.add(gate().promise);
    commitGroup(grp);
    reopenGroup(grp);
    const reopened = grp.cancelled;
    grp.cancel('later');
    expect([reopened, await settled(grp)]).toEqual([false, ['AbortError', 'later']]);
  });

  test('followCommit: a follower commits with the group it follows, along a chain', async () => {
    const ctx = createAio();
    const [a, b, c] = [ctx.group(), ctx.group(), ctx.group()];
    followCommit(a, b);
    followCommit(b, c);
    const gates = [gate(), gate(), gate()];
    for (const [i, g] of [a, b, c].entries()) g.add((gates[i] as ReturnType<typeof gate>).promise);
    commitGroup(a);
    for (const g of [a, b, c]) g.cancel('ignored');
    const states = [a, b, c].map((g) => g.cancelled);
    for (const g of gates) g.open();
    expect([states, await Promise.all([a, b, c].map(settled))]).toEqual([
      [false, false, false],
      [
        ['resolved', undefined],
        ['resolved', undefined],
        ['resolved', undefined],
      ],
    ]);
  });
});
