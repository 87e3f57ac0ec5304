import { createAio } from '@ioaio/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertDistFresh, childScript, runFaultChild } from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

const kNofile = 256;
const kTops = 40;
const kSubs = 5;
const kPerDir = 50;
const kFiles = kTops * kSubs * kPerDir;
const kOpens = 1000;

interface Summary {
  limit: string;
  files: number;
  budgeted: {
    backend: string;
    copytree: { outcome: string; result: unknown };
    walk: { outcome: string; result: unknown };
    opens: { group: string; outcomes: Record<string, number> };
    emfile: string[];
    treeEntries: number;
    treesEqual: boolean;
    differences: string[];
    settled: boolean[];
    nreqs: number[];
    leaked: string[];
  };
  control: {
    group: string;
    outcomes: Record<string, number>;
    settled: boolean;
    nreqs: number;
    leaked: string[];
  };
  escaped: string[];
}

beforeAll(assertDistFresh);

/** Both backends where the native one can run here. */
function nativeRuns(): boolean {
  try {
    return createAio({ backend: 'native' }).backend === 'native';
  } catch {
    return false;
  }
}

const backends = nativeRuns() ? ['fs', 'native'] : ['fs'];

describe.each(backends)('backend %s', (backend) => {
  it(`under ulimit -n ${kNofile}, a ${kFiles}-file copytree, a walk and ${kOpens} opens at once never meet EMFILE`, () => {
    const dir = tempDir('ioaio-fd-budget-ulimit-');
    const run = runFaultChild<Summary>(
      childScript('fd-budget-ulimit.mjs'),
      { dir, tops: kTops, subs: kSubs, perDir: kPerDir, opens: kOpens, backend },
      { nofile: kNofile, timeoutMs: 300_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const s = run.result as Summary;
    expect([s.limit, s.files, s.escaped]).toEqual([String(kNofile), kFiles, []]);
    const dirs = 1 + kTops + kTops * kSubs;
    const links = kTops * kSubs;
    expect(s.budgeted).toEqual({
      backend,
      copytree: { outcome: 'ok', result: { files: kFiles, dirs, symlinks: links, skipped: 0 } },
      walk: { outcome: 'ok', result: { dirs: dirs - 1, nondirs: kFiles + links } },
      opens: { group: 'ok', outcomes: { 'close ok': kOpens, 'open ok': kOpens } },
      emfile: [],
      treeEntries: dirs - 1 + kFiles + links,
      // Every file byte for byte (sha-256), mode and size; every directory's mode; every link's target.
      treesEqual: true,
      differences: [],
      settled: [true, true, true],
      nreqs: [0, 0, 0],
      leaked: [],
    });
    // The control shows the limit bites: without a budget some of the same opens fail with EMFILE.
    expect(s.control.outcomes['open EMFILE']).toBeGreaterThan(0);
    expect(s.control).toEqual({
      group: 'ok',
      outcomes: {
        'close ok': kOpens - (s.control.outcomes['open EMFILE'] as number),
        'open EMFILE': s.control.outcomes['open EMFILE'],
        'open ok': kOpens - (s.control.outcomes['open EMFILE'] as number),
      },
      settled: true,
      nreqs: 0,
      leaked: [],
    });
  });
});
