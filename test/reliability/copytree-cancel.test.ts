import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type AioContext, createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { replayHint, seededRandom, testSeed } from '../helpers/seeded.js';
import { cancelAfterSteps, stepOne } from '../helpers/step.js';
import { openFdCount, tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/turns.js';

/** Cancellation points tried per run: each a fresh copy cancelled after a seeded number of steps. */
const kRuns = 24;
const kTempSuffix = '.ioaio-tmp';

/** A small tree with files bigger than one copy chunk, nested directories and links. */
function makeSource(root: string): string {
  const src = join(root, 'src');
  for (const dir of ['a', 'a/b', 'c']) mkdirSync(join(src, dir), { recursive: true });
  for (let i = 0; i < 6; i++) {
    writeFileSync(join(src, `a/f${i}`), Buffer.alloc(70_000 + i, i));
    writeFileSync(join(src, `c/g${i}`), `small ${i}`);
  }
  writeFileSync(join(src, 'a/b/deep'), 'deep');
  symlinkSync('a/f0', join(src, 'link'));
  return src;
}

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * What a cancelled copy may leave: directories, links, and files each
 * identical to their source (same bytes and mode); never a temporary file.
 * Returns the problems found, as readable lines (none: an empty list).
 */
function partialCopyProblems(src: string, dst: string, rel = ''): string[] {
  if (!existsSync(join(dst, rel))) return [];
  const problems: string[] = [];
  for (const name of readdirSync(join(dst, rel))) {
    const path = join(rel, name);
    const st = lstatSync(join(dst, path));
    if (name.endsWith(kTempSuffix)) problems.push(`temporary file left: ${path}`);
    else if (st.isDirectory()) problems.push(...partialCopyProblems(src, dst, path));
    else if (st.isFile() && digest(join(dst, path)) !== digest(join(src, path)))
      problems.push(`partial: ${path}`);
    else if (st.isFile() && st.mode !== lstatSync(join(src, path)).mode)
      problems.push(`mode not kept: ${path}`);
  }
  return problems;
}

/** Runs a whole copy on a paused context, one request at a time, and counts its steps. */
async function countSteps(ctx: AioContext, src: string, dst: string): Promise<number> {
  const req = ctx.copytree(src, dst);
  let steps = 0;
  while (req.state !== 'done') {
    if (await stepOne(ctx)) steps++;
    else await until(() => ctx.nready > 0 || req.state === 'done', 'the copy to queue its next step');
  }
  await req;
  return steps;
}

/** A copy cancelled through its signal after exactly `k` steps. */
async function abortAfterSteps(ctx: AioContext, src: string, dst: string, k: number): Promise<string> {
  const controller = new AbortController();
  const settled = Promise.resolve(ctx.copytree(src, dst, { signal: controller.signal })).then(
    () => 'resolved',
    (err: unknown) => (err as Error).name,
  );
  for (let i = 0; i < k; i++) await stepOne(ctx);
  controller.abort();
  ctx.maxParallel = 4;
  const outcome = await settled;
  await ctx.flush();
  return outcome;
}

test('a copy cancelled at seeded random points leaves no temporary file, no partial file and no open descriptor', async () => {
  const seed = testSeed(0xc0b7);
  const random = seededRandom(seed);
  const root = tempDir();
  const src = makeSource(root);
  const ctx = createAio({ maxParallel: 0 });
  const total = await countSteps(ctx, src, join(root, 'whole'));
  expect(partialCopyProblems(src, join(root, 'whole')), replayHint(seed)).toEqual([]);
  const fds = openFdCount();
  const outcomes = new Set<string>();
  for (let run = 0; run < kRuns; run++) {
    ctx.maxParallel = 0;
    const dst = join(root, `run${run}`);
    const k = random.int(total);
    const outcome = random.chance(0.5)
      ? await cancelAfterSteps(ctx, () => ctx.copytree(src, dst), k)
      : await abortAfterSteps(ctx, src, dst, k);
    outcomes.add(outcome);
    const where = `run ${run}, cancelled after ${k} of ${total} steps; ${replayHint(seed)}`;
    expect({ problems: partialCopyProblems(src, dst), nreqs: ctx.nreqs, fds: openFdCount() }, where).toEqual({
      problems: [],
      nreqs: 0,
      fds,
    });
  }
  expect([...outcomes], replayHint(seed)).toEqual(['AbortError']);
});
