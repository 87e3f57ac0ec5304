import { beforeAll, describe, expect, it } from 'vitest';
import { assertDistFresh, childScript, runFaultChild } from '../helpers/fault-child.js';

/** Far beyond the ~2,000 levels at which a recursive settle or cancel overflowed the stack. */
const kDepth = 10_000;

interface Summary {
  threw: string | null;
  settled: boolean;
  callbacks: Record<string, number>;
  outcomes: Record<string, number>;
  states: Record<string, number>;
  counters: number[];
  escaped: string[];
}

beforeAll(assertDistFresh);

function nest(how: string): Summary {
  const run = runFaultChild<Summary>(childScript('engine-nesting.mjs'), { depth: kDepth, how });
  expect(run.status, run.stderr).toBe(0);
  return run.result as Summary;
}

describe(`groups nested ${kDepth} deep`, () => {
  it('complete normally: every group resolves and the counters return to zero', () => {
    expect(nest('complete')).toEqual({
      threw: null,
      settled: true,
      callbacks: { ok: kDepth },
      outcomes: { ok: kDepth },
      states: { done: kDepth },
      counters: [0, 0, 0, 0],
      escaped: [],
    });
  });

  it.each([
    ['cancel() of the outermost group', 'cancel'],
    ['aborting a signal every group shares', 'abort-shared'],
    ['aborting the signal of the outermost group', 'abort-root'],
    ['aborting a chain of grp.signal', 'abort-chain'],
  ])('%s settles every group with AbortError and throws nothing', (_what, how) => {
    expect(nest(how)).toEqual({
      threw: null,
      settled: true,
      callbacks: { ABORT_ERR: kDepth },
      outcomes: { 'ABORT_ERR:stop': kDepth },
      states: { done: kDepth },
      counters: [0, 0, 0, 0],
      escaped: [],
    });
  });
});
