import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, createAio } from '@ioaio/core';
import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, childScript, runFaultChild, shmTempDir } from '../helpers/fault-child.js';
import { replayHint, testSeed } from '../helpers/seeded.js';
import { listTree, tempDir } from '../helpers/tmp.js';

interface Summary {
  sequence: string[];
  precise: {
    iterations: number;
    reached: number;
    statesAtCancel: Record<string, number>;
    outcomes: Record<string, number>;
  };
  random: {
    iterations: number;
    moves: number;
    plans: Record<string, number>;
    outcomes: Record<string, number>;
  };
  violations: unknown[];
  leaked: string[];
  temporaries: string[];
  escaped: string[];
}

const kAcceptable = ['both', 'moved', 'source-only'];
const kRandomIterations = 300;
const kMaxBatch = 5;

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

beforeAll(assertDistFresh);

it('EXDEV: a move cancelled at any point leaves the source intact, or the destination complete and the source gone', () => {
  const seed = testSeed(0xe7de5);
  const hint = replayHint(seed);
  const shm = shmTempDir('ioaio-exdev-');
  const disk = tempDir('ioaio-exdev-');
  const run = runFaultChild<Summary>(childScript('exdev.mjs'), {
    shm,
    disk,
    seed,
    randomIterations: kRandomIterations,
    maxBatch: kMaxBatch,
  });
  expect(run.status, `${hint}\n${run.stderr}`).toBe(0);
  const s = run.result as Summary;
  // The move checked src first (an lstat, made inside move() itself), renamed, went through the copy,
  // and unlinked the source last.
  expect(
    [s.sequence.slice(0, 2), s.sequence.includes('rename'), s.sequence.includes('copy'), s.sequence.at(-1)],
    hint,
  ).toEqual([['lstat', 'move'], true, true, 'unlink']);
  // Never neither, never a partial destination or a temporary file, never a descriptor left open,
  // nothing thrown.
  expect(
    { violations: s.violations, leaked: s.leaked, temporaries: s.temporaries, escaped: s.escaped },
    hint,
  ).toEqual({ violations: [], leaked: [], temporaries: [], escaped: [] });
  // Cancelled at every step of the sequence (the one synchronous cancel inside move() itself is the test
  // below), with the step's request both queued and executing; every end state is an acceptable one.
  expect(s.precise.reached, hint).toBe(s.precise.iterations - 4);
  // (On the next turn the step's request may be done already; cancelling then is a no-op.)
  expect(
    [s.precise.statesAtCancel.ready ?? 0, s.precise.statesAtCancel.execute ?? 0].every((n) => n > 0),
    hint,
  ).toBe(true);
  // 'both' (a complete destination, the source kept, the move rejected) cannot come from a precise cancel:
  // once the copy's rename is issued the move is past its commit point and finishes, unlinking the source.
  expect(Object.keys(s.precise.outcomes).sort(), hint).toEqual(['moved', 'source-only']);
  expect(total(s.precise.outcomes), hint).toBe(s.precise.iterations);
  expect(Object.keys(s.random.plans).sort(), hint).toEqual([
    'callback',
    'none',
    'signal-callback',
    'signal-turns',
    'sync',
    'turns',
  ]);
  expect(
    Object.keys(s.random.outcomes).every((k) => kAcceptable.includes(k)),
    hint,
  ).toBe(true);
  expect([total(s.random.plans), total(s.random.outcomes)], hint).toEqual([s.random.moves, s.random.moves]);
});

/**
 * A context whose `lstat` is wrapped (as a logging subclass would wrap it)
 * aborts the move's signal while move() is still adding its first request
 * (the lstat of src). The group is cancelled while empty, so it finishes at
 * once, and nothing is ever renamed.
 */
it('a move cancelled while move() makes its first request rejects with AbortError and never renames', async () => {
  const dir = tempDir();
  const src = join(dir, 'a');
  writeFileSync(src, 'data');
  const ctx = createAio({ maxParallel: 0 });
  const controller = new AbortController();
  const lstat = ctx.lstat.bind(ctx) as (...args: unknown[]) => ReturnType<typeof ctx.lstat>;
  ctx.lstat = ((...args: unknown[]) => {
    const req = lstat(...args);
    controller.abort(new Error('stop'));
    return req;
  }) as typeof ctx.lstat;
  let thrown: unknown = null;
  let settled: Promise<unknown> = Promise.resolve();
  try {
    settled = ctx.move(src, join(dir, 'b'), { signal: controller.signal }).then(
      () => 'resolved',
      (err: unknown) => err,
    );
  } catch (err) {
    thrown = err;
  }
  ctx.maxParallel = 8;
  const outcome = await settled;
  await ctx.flush();
  expect(thrown).toBe(null);
  expect(outcome).toBeInstanceOf(AbortError);
  // The lstat was queued, never started: cancelled while ready, and no rename was ever made.
  expect(listTree(dir)).toEqual(['a']);
});
