import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, childScript, runFaultChild } from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertDistFresh);

/**
 * In a child: a copy that blocked in open(2) on the FIFO would hold a libuv
 * thread until a writer came, and four of them would starve every node:fs
 * call of the process. The hang guard is the only clock here: a child that
 * blocks is killed and the test fails on its status.
 */
it('copy of a FIFO with no writer is refused without blocking: 8 at once leave node:fs free', () => {
  const dir = tempDir('ioaio-fifo-');
  const run = runFaultChild<Record<string, unknown>>(
    childScript('copy-fifo.mjs'),
    { dir },
    { timeoutMs: 30_000 },
  );
  expect([run.status, run.signal, run.stderr]).toEqual([0, null, '']);
  expect(run.result).toEqual({
    outcomes: { ERR_FS_CP_FIFO_PIPE: 8 },
    shape: {
      name: 'SystemError',
      code: 'ERR_FS_CP_FIFO_PIPE',
      errno: 22,
      syscall: 'copyfile',
      hasPath: true,
      path: join(dir, 'fifo'),
    },
    statDone: true,
    listing: ['fifo'],
    nreqs: 0,
    leaked: [],
    escaped: [],
  });
});
