import { beforeAll, expect, test } from 'vitest';
import { assertDistFresh, childScript, runFaultChild } from '../helpers/fault-child.js';

interface Summary {
  outcome: string;
  left: string[];
  leaked: string[];
  nreqs: number;
  growth: number;
  yardstick: number;
  peakRequests: number;
  escaped: string[];
}

beforeAll(assertDistFresh);

function run(input: Record<string, unknown>): Summary {
  const child = runFaultChild<Summary>(childScript('rmtree-scale.mjs'), input, {
    exposeGc: true,
    timeoutMs: 300_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return child.result as Summary;
}

test('a tree 5,000 directories deep (paths far past PATH_MAX) is removed whole, with no descriptor left open', () => {
  expect(run({ how: 'deep', depth: 5_000 })).toEqual({
    outcome: 'resolved',
    left: ['f'],
    leaked: [],
    nreqs: 0,
    growth: 0,
    yardstick: 0,
    peakRequests: 0,
    escaped: [],
  });
}, 300_000);

test('a directory of 100,000 files is removed holding a small fraction of its names and a bounded number of requests', () => {
  const s = run({ how: 'flat', files: 100_000 });
  // The yardstick is what one readdir of the directory holds (about 25 MB here). Chunks of 1,024
  // entries, a few directories open and the group's limit of requests keep the removal to about
  // 1 MB; an eighth of the yardstick leaves room for the sampler and V8's own slack while still
  // failing a removal that holds every name (or every request) at once.
  expect({ ...s, growth: s.growth < s.yardstick / 8, peakRequests: s.peakRequests <= 64 }).toEqual({
    outcome: 'resolved',
    left: [],
    leaked: [],
    nreqs: 0,
    growth: true,
    yardstick: s.yardstick,
    peakRequests: true,
    escaped: [],
  });
  expect(s.yardstick).toBeGreaterThan(8_000_000);
}, 300_000);
