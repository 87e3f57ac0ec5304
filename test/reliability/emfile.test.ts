import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, childScript, runFaultChild } from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

/** Descriptor limit of the child: small enough that a few dozen opens exhaust it. */
const kNofile = 64;
const kFiles = 3000;
const kCopies = 300;

interface Phase {
  outcomes: Record<string, number>;
  group: string;
  settled: boolean;
  nreqs: number;
  leaked: string[];
}

interface Summary {
  fdsAtStart: number;
  limited: Phase;
  unlimited: Phase;
  pressure: Phase & { violations: unknown[] };
  exhausted: {
    exhaustion: string;
    heldAll: boolean;
    full: Record<string, string>;
    freed: Record<string, string>;
    settled: boolean;
    nreqs: number;
    leaked: string[];
  };
  errorShapes: Record<string, number>;
  escaped: string[];
}

const shape = (syscall: string) =>
  JSON.stringify({ name: 'Error', code: 'EMFILE', errno: -24, syscall, hasPath: true });

function sum(outcomes: Record<string, number>): number {
  return Object.values(outcomes).reduce((a, b) => a + b, 0);
}

/**
 * With the table full, every operation that needs a descriptor rejects with EMFILE and changes
 * nothing; the others still work; once descriptors are freed everything works again.
 */
const kExhausted: Summary['exhausted'] = {
  exhaustion: 'EMFILE',
  heldAll: true,
  full: {
    open: 'EMFILE',
    readdir: 'EMFILE',
    readdirx: 'EMFILE',
    scandir: 'EMFILE',
    walk: 'EMFILE',
    load: 'EMFILE',
    slurp: 'EMFILE',
    copy: 'EMFILE',
    copyDestination: 'absent',
    pathsync: 'EMFILE',
    rmtree: 'EMFILE',
    treeAfterRmtree: 'intact',
    stat: 'ok',
    lstat: 'ok',
    nop: 'ok',
  },
  freed: {
    open: 'ok',
    readdir: 'ok',
    readdirx: 'ok',
    scandir: 'ok',
    walk: 'ok',
    load: 'ok',
    slurp: 'ok',
    copy: 'ok',
    copyDestination: 'present',
    pathsync: 'ok',
    rmtree: 'ok',
    treeAfterRmtree: 'removed',
    stat: 'ok',
    lstat: 'ok',
    nop: 'ok',
  },
  settled: true,
  nreqs: 0,
  leaked: [],
};

beforeAll(assertDistFresh);

it(`EMFILE under ulimit -n ${kNofile}: clear errors, every group settles, no descriptor leaks`, () => {
  const dir = tempDir('ioaio-emfile-');
  const run = runFaultChild<Summary>(
    childScript('emfile.mjs'),
    { dir, files: kFiles, copies: kCopies },
    { nofile: kNofile },
  );
  expect(run.status, run.stderr).toBe(0);
  const s = run.result as Summary;
  expect(s.escaped).toEqual([]);
  // The limited run can only stay clear of EMFILE if 16 more descriptors fit.
  expect(s.fdsAtStart + 16).toBeLessThan(kNofile);

  // limit(16): open, read, close for every file, never more than 16 at once, so never EMFILE.
  expect(s.limited).toEqual({ outcomes: { ok: kFiles }, group: 'ok', settled: true, nreqs: 0, leaked: [] });

  // No limit: the opens outrun the closes queued behind them; the excess fails cleanly with EMFILE.
  expect(s.unlimited).toEqual({
    outcomes: { EMFILE: expect.any(Number), ok: expect.any(Number) },
    group: 'ok',
    settled: true,
    nreqs: 0,
    leaked: [],
  });
  expect(sum(s.unlimited.outcomes)).toBe(kFiles);
  expect(s.unlimited.outcomes.EMFILE).toBeGreaterThan(0);

  // Copies at once: each completes or rejects with EMFILE; no partial destination, no descriptor kept.
  expect(Object.keys(s.pressure.outcomes).every((k) => k === 'ok' || k === 'EMFILE')).toBe(true);
  expect(sum(s.pressure.outcomes)).toBe(kCopies);
  expect({ ...s.pressure, outcomes: null }).toEqual({
    outcomes: null,
    group: 'ok',
    violations: [],
    settled: true,
    nreqs: 0,
    leaked: [],
  });

  // With the table full, every operation that needs a descriptor rejects with EMFILE and changes
  // nothing; the others still work; once descriptors are freed everything works again.
  // With the table full, descriptor-needing operations reject with EMFILE, then work once freed.
  expect(s.exhausted).toEqual(kExhausted);

  // Every EMFILE is Node's own system error, naming the call and the path (rmtree opens each
  // directory, O_NOFOLLOW, before it reads it, so its EMFILE is open's).
  expect(Object.keys(s.errorShapes).sort()).toEqual([shape('open'), shape('scandir')].sort());
});
