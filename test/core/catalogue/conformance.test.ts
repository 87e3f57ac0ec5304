import * as fs from 'node:fs';
import { AbortError, createAio, operations } from '@ioaio/core';
import { afterEach, describe, expect, test } from 'vitest';
import { kNative } from '../../helpers/backend.js';
import { type Fixture, fixtures, type Instance, kClosedFd } from '../../helpers/catalogue-fixtures/index.js';
import { fsCallsDuring } from '../../helpers/fs-calls.js';
import { counters, errorShape, issue, kIdle, outcome, rejection, shuffled } from '../../helpers/requests.js';
import { tempDir } from '../../helpers/tmp.js';

const ops: Readonly<Record<string, { kind: string; syscall: string }>> = operations;
const singles = Object.keys(ops)
  .filter((name) => ops[name]?.kind === 'single')
  .sort();

/** The operations this run's backend cannot perform (README, "Operations"). */
const kUnavailable = kNative
  ? []
  : [
      'allocate',
      'copyRange',
      'fadvise',
      'fcntl',
      'fiemap',
      'ioctl',
      'madvise',
      'minFdlimit',
      'mknod',
      'mlock',
      'mlockall',
      'msync',
      'mtouch',
      'munlock',
      'munlockall',
      'rename2',
      'seek',
      'splice',
      'sync',
      'syncFileRange',
      'syncfs',
      'tee',
    ];

/** The node:fs function an operation calls first on this run's backend (none when the pool makes it). */
function startsOf(name: string): string | null {
  const info = operations[name as keyof typeof operations];
  return kNative && info.native ? null : fixtureOf(name).starts;
}

const kPriorities = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
const kPerLevel = 3;

const made: Instance[] = [];
afterEach(() => {
  for (const inst of made.splice(0)) inst.cleanup();
});

function fixtureOf(name: string): Fixture {
  const fixture = fixtures[name];
  if (fixture === undefined) throw new Error(`no fixture for ${name}`);
  return fixture;
}

function make(name: string, dir: string, i = 0): Instance {
  const inst = fixtureOf(name).make(dir, i);
  made.push(inst);
  return inst;
}

function expectAbortError(err: unknown, reason: unknown): void {
  expect(err).toBeInstanceOf(AbortError);
  expect(err).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
  expect((err as Error).cause).toBe(reason);
}

function seedOf(name: string): number {
  let seed = 17;
  for (const ch of name) seed = Math.imul(seed, 31) + (ch.codePointAt(0) ?? 0);
  return seed;
}

test('every single operation of the catalogue has a fixture, and nothing else does', () => {
  expect(Object.keys(fixtures).sort()).toEqual(singles);
});

test('the ENOSYS operations are the ones the README lists, each naming its syscall', () => {
  const unavailable = singles.filter((name) => fixtureOf(name).enosys !== null);
  expect(unavailable).toEqual(kUnavailable);
  expect(unavailable.map((name) => fixtureOf(name).enosys)).toEqual(
    unavailable.map((name) => ops[name]?.syscall),
  );
});

test('the closed descriptor of the fixtures is not open', () => {
  expect(() => fs.fstatSync(kClosedFd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
});

describe.each(singles)('%s', (name) => {
  const fixture = fixtures[name];
  const title = fixture?.enosys
    ? `rejects with ENOSYS naming ${fixture.enosys}`
    : 'succeeds with the whole value';

  test(title, async () => {
    const inst = make(name, tempDir());
    const ctx = createAio();
    const delivered: unknown[][] = [];
    const { result: req, calls } = fsCallsDuring(() =>
      issue(ctx, name, inst.args, {
        callback: (err: unknown, value: unknown) => delivered.push([err, value, req.state, ctx.nreqs]),
      }),
    );
    // Straight onto node:fs's callback API, inside the call: what the abort tests' spy watches for.
    expect(calls.slice(0, 1)).toEqual(startsOf(name) === null ? [] : [startsOf(name)]);
    const [err, value] = await outcome(req);
    inst.verify(err, value);
    expect(delivered).toEqual([[err, value, 'result', 1]]);
    expect([req.state, counters(ctx)]).toEqual(['done', kIdle]);
    // The probe the abort tests rely on does see a run.
    if (inst.untouched !== null) expect(inst.untouched).toThrow();
  });

  const failures = fixture?.failures;
  if (failures) {
    test('fails with the whole error shape (missing path, closed fd)', async () => {
      const cases = failures(tempDir());
      const ctx = createAio();
      const errors = await Promise.all(cases.map((c) => rejection(issue(ctx, name, c.args))));
      for (const err of errors) expect(err).toBeInstanceOf(Error);
      expect(errors.map(errorShape)).toEqual(cases.map((c) => c.error));
    });
  }

  test('with an already-aborted signal: rejects with AbortError and never runs', async () => {
    const inst = make(name, tempDir());
    const ctx = createAio();
    const reason = new Error(`stop ${name}`);
    const delivered: unknown[] = [];
    const { result: req, calls } = fsCallsDuring(() =>
      issue(ctx, name, inst.args, {
        signal: AbortSignal.abort(reason),
        callback: (err: unknown, value: unknown) => delivered.push(err, value),
      }),
    );
    expect(calls).toEqual([]);
    expect([req.state, counters(ctx)]).toEqual([
      'pending',
      { nreqs: 1, nready: 0, nexecute: 0, npending: 1 },
    ]);
    const err = await rejection(req);
    expectAbortError(err, reason);
    expect(delivered).toEqual([err, undefined]);
    expect(counters(ctx)).toEqual(kIdle);
    inst.untouched?.();
  });

  test('aborted while queued: never runs, nreqs back to 0', async () => {
    const inst = make(name, tempDir());
    const ctx = createAio({ maxParallel: 0 });
    const controller = new AbortController();
    const req = issue(ctx, name, inst.args, { signal: controller.signal });
    expect([req.state, counters(ctx)]).toEqual(['ready', { nreqs: 1, nready: 1, nexecute: 0, npending: 0 }]);
    const reason = new Error(`stop ${name}`);
    controller.abort(reason);
    expect([req.state, counters(ctx)]).toEqual(['done', kIdle]);
    const { calls } = fsCallsDuring(() => {
      ctx.maxParallel = 4;
    });
    expect([calls, counters(ctx)]).toEqual([[], kIdle]);
    expectAbortError(await rejection(req), reason);
    await ctx.flush();
    inst.untouched?.();
  });

  test('runs in strict priority order, first in first out within a level', async () => {
    const dir = tempDir();
    const ctx = createAio({ maxParallel: 0 });
    const priorities = shuffled(
      kPriorities.flatMap((p) => Array<number>(kPerLevel).fill(p)),
      seedOf(name),
    );
    const order: [number, number][] = [];
    const outcomes: [unknown, unknown][] = [];
    const instances = priorities.map((priority, i) => {
      const inst = make(name, dir, i);
      issue(ctx, name, inst.args, {
        priority,
        callback: (err: unknown, value: unknown) => {
          order.push([priority, i]);
          outcomes[i] = [err, value];
        },
      });
      return inst;
    });
    expect(counters(ctx)).toEqual({
      nreqs: priorities.length,
      nready: priorities.length,
      nexecute: 0,
      npending: 0,
    });
    ctx.maxParallel = 1;
    await ctx.flush();
    const expected = priorities
      .map((p, i) => [p, i])
      .sort((a, b) => (b[0] as number) - (a[0] as number) || (a[1] as number) - (b[1] as number));
    expect(order).toEqual(expected);
    for (const [i, inst] of instances.entries()) inst.verify(...(outcomes[i] as [unknown, unknown]));
  });
});
