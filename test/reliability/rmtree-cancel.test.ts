import { mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { replayHint, seededRandom, testSeed } from '../helpers/seeded.js';
import { cancelAfterSteps, stepOne } from '../helpers/step.js';
import { listTree, openFdCount, tempDir } from '../helpers/tmp.js';
import { turns } from '../helpers/turns.js';

/** Long names, so the chain's paths pass PATH_MAX: only descriptors can name its deep directories. */
const kLongName = 'n'.repeat(120);
const kChainDepth = 28;

/**
 * A tree with a directory of more than one chunk (1,024 entries), a nested one, a chain deep enough
 * past PATH_MAX, and symlinks to a directory outside it; returns the outside directory.
 */
function makeTree(dir: string): string {
  const outside = join(dir, 'outside');
  mkdirSync(join(outside, 'deep'), { recursive: true });
  writeFileSync(join(outside, 'keep'), 'keep');
  writeFileSync(join(outside, 'deep', 'keep2'), 'keep2');
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'big'), { recursive: true });
  for (let i = 0; i < 1_100; i++) writeFileSync(join(tree, 'big', `f${i}`), '');
  mkdirSync(join(tree, 'b', 'c'), { recursive: true });
  for (const sub of ['b', 'b/c']) writeFileSync(join(tree, sub, 'f'), sub);
  let chain = join(tree, 'chain');
  for (let i = 0; i < kChainDepth; i++) chain = join(chain, kLongName);
  mkdirSync(chain, { recursive: true });
  writeFileSync(join(chain, 'bottom'), '');
  symlinkSync(outside, join(tree, 'escape'));
  symlinkSync(outside, join(tree, 'b', 'c', 'escape'));
  return outside;
}

/** What every cancelled removal must leave: no descriptor, no request, the outside whole, nothing new. */
function leftAfter(dir: string, before: string[], fds: number, nreqs: number) {
  const now = listTree(dir);
  return {
    fds: openFdCount() - fds,
    nreqs,
    outside: listTree(join(dir, 'outside')),
    added: now.filter((entry) => !before.includes(entry)),
  };
}

const kClean = { fds: 0, nreqs: 0, outside: ['deep/', 'deep/keep2', 'keep'], added: [] };

test('cancelled after any number of steps (seeded), an rmtree leaves no descriptor open and nothing outside touched', async () => {
  const random = seededRandom(testSeed(0x3a11));
  // The first steps one by one (lstat, the root's open, first chunks), then seeded points throughout.
  const points = [0, 1, 2, 3, 4, 5, 8, 13];
  for (let i = 0; i < 10; i++) points.push(random.int(1_300));
  for (const k of points) {
    const dir = tempDir();
    makeTree(dir);
    const before = listTree(dir);
    const ctx = createAio({ maxParallel: 0 });
    const fds = openFdCount();
    const outcome = await cancelAfterSteps(ctx, () => ctx.rmtree(join(dir, 'tree')), k);
    expect(
      {
        k,
        outcome: outcome === 'AbortError' || outcome === 'resolved',
        ...leftAfter(dir, before, fds, ctx.nreqs),
      },
      replayHint(random.seed),
    ).toEqual({ k, outcome: true, ...kClean });
  }
}, 120_000);

test('aborted through its signal after a seeded number of event-loop turns, an rmtree leaves no descriptor open', async () => {
  const random = seededRandom(testSeed(0x3a12));
  for (let i = 0; i < 8; i++) {
    const n = random.int(60);
    const dir = tempDir();
    makeTree(dir);
    const before = listTree(dir);
    const ctx = createAio();
    const fds = openFdCount();
    const controller = new AbortController();
    const settled = Promise.resolve(ctx.rmtree(join(dir, 'tree'), { signal: controller.signal })).then(
      () => 'resolved',
      (err: Error) => err.name,
    );
    await turns(n);
    controller.abort();
    const outcome = await settled;
    await ctx.flush();
    expect(
      {
        n,
        outcome: outcome === 'AbortError' || outcome === 'resolved',
        ...leftAfter(dir, before, fds, ctx.nreqs),
      },
      replayHint(random.seed),
    ).toEqual({ n, outcome: true, ...kClean });
  }
}, 120_000);

/** Descriptors of this process open on a directory of the chain. */
function chainFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.includes('/chain/')) out.push(target);
    } catch {
      // Gone since the listing: not open.
    }
  }
  return out;
}

test('cancelled while it holds a descriptor on a directory of the deep chain, that descriptor is closed', async () => {
  const dir = tempDir();
  makeTree(dir);
  const before = listTree(dir);
  const ctx = createAio({ maxParallel: 0 });
  const fds = openFdCount();
  const req = ctx.rmtree(join(dir, 'tree'));
  const settled = Promise.resolve(req).then(
    () => 'resolved',
    (err: Error) => err.name,
  );
  // Step until a descriptor on a chain directory (the directory rmtree works in) is held.
  let steps = 0;
  while (chainFds().length === 0 && (await stepOne(ctx))) steps++;
  const held = chainFds().length;
  req.cancel();
  ctx.maxParallel = 4;
  const outcome = await settled;
  await ctx.flush();
  expect({ held, outcome, ...leftAfter(dir, before, fds, ctx.nreqs) }, `after ${steps} steps`).toEqual({
    held: 1,
    outcome: 'AbortError',
    ...kClean,
  });
});
