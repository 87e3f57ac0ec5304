import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { kNative } from '../helpers/backend.js';
import { assertDistFresh, canMountTmpfs, childScript, runFaultChild } from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

interface Summary {
  single: { copy: string; afterCopy: string[]; move: string; afterMove: string[] };
  queued: { outcomes: Record<string, number>; group: string; afterAll: string[] };
  raw: Record<string, unknown>;
  fits: { copy: string; equal: boolean };
  sourcesChanged: string[];
  settled: boolean;
  nreqs: number;
  leaked: string[];
  errorShapes: Record<string, number>;
  escaped: string[];
}

/** ENOSPC as the failing call reports it: `syscall` names the call that met the full file system. */
const enospc = (syscall: string) =>
  JSON.stringify({ name: 'Error', code: 'ENOSPC', errno: -28, syscall, hasPath: false });

/**
 * The calls that meet it: a plain write, and copy's data step, which is copy_file_range on the native
 * backend and the emulated sendfile's writes on node:fs.
 */
const kEnospcShapes = kNative ? [enospc('copy_file_range'), enospc('write')] : [enospc('write')];

beforeAll(assertDistFresh);

function expectClean(s: Summary): void {
  expect(s.escaped).toEqual([]);
  // Every copy and move of a file larger than the space rejects with ENOSPC and removes what it created.
  expect(s.single).toEqual({ copy: 'ENOSPC', afterCopy: [], move: 'ENOSPC', afterMove: [] });
  // The same with one execution slot and a queue full of other requests: the clean-up (close the
  // descriptors, unlink the temporary file) waits in the ready queue and still runs.
  expect(s.queued).toEqual({ outcomes: { 'copy:ENOSPC': 5, 'move:ENOSPC': 2 }, group: 'ok', afterAll: [] });
  // The sources are byte for byte (and mode for mode) what they were.
  expect(s.sourcesChanged).toEqual([]);
  expect([s.settled, s.nreqs, s.leaked]).toEqual([true, 0, []]);
  expect(Object.keys(s.errorShapes).sort()).toEqual([...kEnospcShapes].sort());
}

/*
 * Only a full file system shows ENOSPC now: copy writes a temporary file
 * beside dst and renames it over dst, so a symlink to /dev/full at dst (how
 * this was once simulated without mounting) is replaced, never written
 * through.
 */
it('ENOSPC on a 1 MiB tmpfs: copy and move reject, the destination is removed, the source intact', (ctx) => {
  const dir = tempDir('ioaio-enospc-');
  const full = join(dir, 'full');
  mkdirSync(full);
  if (!canMountTmpfs(full)) {
    const reason = 'cannot mount a tmpfs in a private mount namespace (needs root): ENOSPC not tested';
    console.log(reason);
    ctx.skip(reason);
  }
  const run = runFaultChild<Summary>(
    childScript('enospc.mjs'),
    { dir, full },
    { tmpfs: { dir: full, size: '1m' } },
  );
  expect(run.status, run.stderr).toBe(0);
  const s = run.result as Summary;
  expectClean(s);
  // A plain write reports Node's ENOSPC; the space freed by the clean-ups is usable again.
  expect(s.raw).toEqual({ open: 'ok', write: 'ENOSPC', filledSome: true, close: 'ok', unlink: 'ok' });
  expect(s.fits).toEqual({ copy: 'ok', equal: true });
});
