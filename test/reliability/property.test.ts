import { createAio } from '@ioaio/core';
import { afterAll, expect, it } from 'vitest';
import { catchingEscapes, fdsUnder } from '../helpers/escapes.js';
import { before, judge } from '../helpers/property/check.js';
import { runOp } from '../helpers/property/drive.js';
import { nextOp, type Op } from '../helpers/property/ops.js';
import { destroyWorld, makeWorld, removeFifoPool, type World } from '../helpers/property/sandbox.js';
import { replayHint, seededRandom, testSeed } from '../helpers/seeded.js';

/*
 * The data-safety property of copy, move, rmtree and copytree. For random sequences
 * over a random small tree (hard links, symlinks inside and to an outside
 * tree on another file system, FIFOs) with random cancels:
 * - every regular file outside the operation's declared targets keeps its
 *   bytes and its path, and no file appears there (copy: dst; move: src and
 *   dst; copytree: the tree under dst; rmtree: the tree its path names,
 *   never through a symlink);
 * - copy never changes its source; a move's source bytes are at dst once it
 *   resolved, else at src or dst; a destination is its old self or the
 *   complete copy, never partial; a resolved copytree holds every file of
 *   its source, a resolved rmtree leaves nothing of its (real directory) root;
 * - no descriptor is left open on the sandbox, nreqs is 0 after flush(), no
 *   pool thread waits on a FIFO, nothing escapes as an uncaught error.
 *
 * Each sequence has its own seed: a failure prints it, and IOAIO_SEED=<seed>
 * runs that sequence alone (IOAIO_PROPERTY_RUNS sets how many, from it on;
 * IOAIO_PROPERTY_VERBOSE=1 prints every sequence, passed or not). A cancel
 * "after k steps" is replayed exactly; one "after k turns" lands where the
 * pool's timing puts it, so a replay may need a few runs.
 */

const kDefaultRuns = 200;
const kBaseSeed = 0x5afe0000;

const explicitSeed = process.env.IOAIO_SEED !== undefined && process.env.IOAIO_SEED !== '';
const baseSeed = testSeed(kBaseSeed);
const runs = Number(process.env.IOAIO_PROPERTY_RUNS ?? (explicitSeed ? 1 : kDefaultRuns));

afterAll(removeFifoPool);

/** One operation as a line of the failure report. */
function describeOp(op: Op, world: World): string {
  const short = (p: string) =>
    p.replace(world.tree, '<tree>').replace(world.outside, '<outside>').replace(/\n/g, '\\n');
  const { how, by, k } = op.cancel;
  const cancel = how === 'none' ? '' : ` [${how} after ${k} ${by}]`;
  return `${op.name}(${op.args.map(short).join(', ')})${cancel}`;
}

interface SequenceReport {
  seed: number;
  ops: string[];
  violations: string[];
}

/** One sequence: a world, 1 to 4 operations judged one by one, then the world removed. */
async function sequence(seed: number): Promise<SequenceReport> {
  const random = seededRandom(seed);
  const world = makeWorld(random);
  const ctx = createAio({ maxParallel: 1 + random.int(8) });
  const report: SequenceReport = { seed, ops: [], violations: [] };
  const maxParallel = ctx.maxParallel;
  try {
    const escaped = await catchingEscapes(async () => {
      const count = 1 + random.int(4);
      for (let i = 0; i < count; i++) {
        const op = nextOp(random, world);
        const line = describeOp(op, world);
        const snapshot = before(world, op);
        const run = await runOp(ctx, world, op, maxParallel);
        report.ops.push(`${line} -> ${run.result}`);
        const leaked = world.made.flatMap((dir) => fdsUnder(dir));
        const found = [
          ...run.problems,
          ...judge(world, snapshot, run.result),
          ...(leaked.length > 0 ? [`descriptors left open on the sandbox: ${leaked.join(', ')}`] : []),
        ];
        report.violations.push(...found.map((v) => `op ${i + 1}: ${v}`));
        // A hung operation leaves requests behind: the rest of the sequence would judge noise.
        if (run.problems.length > 0 || found.length > 0) break;
      }
    });
    report.violations.push(...escaped.map((e) => `escaped: ${e}`));
  } finally {
    destroyWorld(world);
  }
  return report;
}

it(`copy, move, rmtree and copytree never change what they were not asked to touch (${runs} random sequences)`, async () => {
  const failed: SequenceReport[] = [];
  for (let i = 0; i < runs; i++) {
    const report = await sequence((baseSeed + i) >>> 0);
    if (report.violations.length > 0) failed.push(report);
    if (process.env.IOAIO_PROPERTY_VERBOSE) console.log(JSON.stringify(report));
  }
  const lines = failed.map((f) =>
    [
      `seed ${f.seed} (${replayHint(f.seed)}):`,
      ...f.ops.map((o) => `  ${o}`),
      ...f.violations.map((v) => `  ! ${v}`),
    ].join('\n'),
  );
  if (failed.length > 0) console.log(`${failed.length} of ${runs} sequences failed:\n${lines.join('\n')}`);
  expect(failed.map((f) => f.seed)).toEqual([]);
}, 120_000);
