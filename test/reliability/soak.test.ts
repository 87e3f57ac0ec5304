import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, childScript, runFaultChild } from '../helpers/fault-child.js';
import { replayHint, testSeed } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const kTotal = 100_000;
const kRounds = 10;
const kWarmup = 8_000;
/** Heap after a forced GC at the end against just after the warm-up (medians of three rounds each). */
const kHeapGrowth = 1.1;

interface Round {
  round: number;
  maxParallel: number;
  paused: boolean;
  issued: number;
  hung: boolean;
  nreqs: number;
  leaked: string[];
}

interface Summary {
  issuedTotal: number;
  issued: Record<string, number>;
  cancelStates: Record<string, number>;
  aborts: number;
  outcomes: Record<string, number>;
  unexpected: string[];
  mismatches: string[];
  cancelledButSucceeded: string[];
  callbacks: { made: number; called: number; repeated: number };
  rounds: Round[];
  counters: number[];
  leaked: string[];
  fdsAtStart: number;
  fdsAtEnd: number;
  heapKiB: { start: number; afterWarmup: number; end: number; rounds: number[] };
  heapRatio: number;
  ms: number;
  statSizesOk: boolean;
  escaped: string[];
}

/** The parts of a summary that must all be empty, zero or true: one value to compare as a whole. */
function whatWentWrong(s: Summary) {
  return {
    escaped: s.escaped,
    unexpected: s.unexpected,
    mismatches: s.mismatches,
    cancelledButSucceeded: s.cancelledButSucceeded,
    leaked: s.leaked,
    counters: s.counters,
    rounds: s.rounds.filter((r) => r.hung || r.nreqs !== 0 || r.leaked.length > 0),
    descriptors: s.fdsAtEnd - s.fdsAtStart,
    callbacks: s.callbacks.made - s.callbacks.called,
    repeatedCallbacks: s.callbacks.repeated,
    sourcesIntact: s.statSizesOk,
  };
}

beforeAll(assertDistFresh);

it(`cancel storm: ${kTotal} mixed requests, random cancels and aborts in every state, nothing lost or leaked`, () => {
  const seed = testSeed(0x50a4);
  const hint = replayHint(seed);
  const dir = tempDir('ioaio-soak-');
  const run = runFaultChild<Summary>(
    childScript('soak.mjs'),
    { dir, seed, total: kTotal, rounds: kRounds, warmup: kWarmup },
    { exposeGc: true, timeoutMs: 180_000 },
  );
  expect(run.status, `${hint}\n${run.stderr}`).toBe(0);
  const s = run.result as Summary;
  if (process.env.IOAIO_RELIABILITY_REPORT) console.log(JSON.stringify(s));
  // Everything that went wrong, as one value: empty everywhere.
  expect(whatWentWrong(s), hint).toEqual({
    escaped: [],
    unexpected: [],
    mismatches: [],
    cancelledButSucceeded: [],
    leaked: [],
    counters: [0, 0, 0, 0],
    rounds: [],
    descriptors: 0,
    callbacks: 0,
    repeatedCallbacks: 0,
    sourcesIntact: true,
  });
  // The storm was one: every kind issued, cancels in the ready and execute states, signals aborted,
  // and only successes and AbortErrors came back.
  expect(s.issuedTotal, hint).toBeGreaterThanOrEqual(kTotal);
  expect(Object.keys(s.issued).sort(), hint).toEqual([
    'close',
    'copy',
    'open',
    'read',
    'readdir',
    'scandir',
    'stat',
  ]);
  expect(
    [s.cancelStates.ready ?? 0, s.cancelStates.execute ?? 0, s.aborts].every((n) => n > 0),
    hint,
  ).toBe(true);
  expect(Object.keys(s.outcomes).sort(), hint).toEqual(['abort', 'ok']);
  expect(s.rounds.length, hint).toBe(kRounds);
  // No growth beyond noise once V8 is warm (a retained request per call would be megabytes).
  expect(s.heapRatio, `${hint}: heap ${JSON.stringify(s.heapKiB)} KiB`).toBeLessThanOrEqual(kHeapGrowth);
});
