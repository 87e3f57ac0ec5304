import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import {
  assertDistFresh,
  canMountTmpfs,
  childScript,
  runFaultChild,
  shmTempDir,
} from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

interface Summary {
  mode: 'tmpfs' | 'devfull';
  single: { copy: string; afterCopy: string[]; move: string; afterMove: string[] };
  queued: { outcomes: Record<string, number>; group: string; afterAll: string[] };
  raw: Record<string, unknown>;
  fits: { copy: string; equal: boolean | null };
  sourcesChanged: string[];
  settled: boolean;
  nreqs: number;
  leaked: string[];
  errorShapes: Record<string, number>;
  escaped: string[];
}

const kEnospc = JSON.stringify({
  name: 'Error',
  code: 'ENOSPC',
  errno: -28,
  syscall: 'write',
  hasPath: false,
});

beforeAll(assertDistFresh);

function expectClean(s: Summary): void {
  expect(s.escaped).toEqual([]);
  // Every copy and move of a file larger than the space rejects with ENOSPC and removes what it created.
  expect(s.single).toEqual({ copy: 'ENOSPC', afterCopy: [], move: 'ENOSPC', afterMove: [] });
  // The same with one execution slot and a queue full of other requests: the clean-up (close the
  // descriptors, unlink the partial destination) waits in the ready queue and still runs.
  expect(s.queued).toEqual({ outcomes: { 'copy:ENOSPC': 5, 'move:ENOSPC': 2 }, group: 'ok', afterAll: [] });
  // The sources are byte for byte (and mode for mode) what they were.
  expect(s.sourcesChanged).toEqual([]);
  expect([s.settled, s.nreqs, s.leaked]).toEqual([true, 0, []]);
  expect(Object.keys(s.errorShapes)).toEqual([kEnospc]);
}

it('ENOSPC on a 1 MiB tmpfs: copy and move reject, the destination is removed, the source intact', (ctx) => {
  const dir = tempDir('ioaio-enospc-');
  const full = join(dir, 'full');
  mkdirSync(full);
  if (!canMountTmpfs(full)) {
    // Reported, not hidden: the /dev/full test below still covers ENOSPC on this host.
    ctx.skip();
  }
  const run = runFaultChild<Summary>(
    childScript('enospc.mjs'),
    { dir, full, mode: 'tmpfs' },
    { tmpfs: { dir: full, size: '1m' } },
  );
  expect(run.status, run.stderr).toBe(0);
  const s = run.result as Summary;
  expectClean(s);
  // A plain write reports Node's ENOSPC; the space freed by the clean-ups is usable again.
  expect(s.raw).toEqual({ open: 'ok', write: 'ENOSPC', filledSome: true, close: 'ok', unlink: 'ok' });
  expect(s.fits).toEqual({ copy: 'ok', equal: true });
});

it('ENOSPC from /dev/full (through a symlink the clean-up may remove): the same guarantees', () => {
  const dir = tempDir('ioaio-enospc-');
  const full = join(dir, 'full');
  mkdirSync(full);
  // The moves cross from /dev/shm (tmpfs) onto the disk to reach the copy.
  const shm = shmTempDir('ioaio-enospc-');
  const run = runFaultChild<Summary>(childScript('enospc.mjs'), { dir, full, shm, mode: 'devfull' });
  expect(run.status, run.stderr).toBe(0);
  const s = run.result as Summary;
  expectClean(s);
  expect(s.fits).toEqual({ copy: 'ok', equal: null });
});
