import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { cancelAfterSteps } from '../../helpers/step.js';
import { openFdCount, tempDir } from '../../helpers/tmp.js';

test('pathsync of a directory and of a file resolves with undefined and closes what it opened', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'file'), 'data');
  const ctx = createAio();
  const fds = openFdCount();
  const results = await Promise.all([ctx.pathsync(join(dir, 'sub')), ctx.pathsync(join(dir, 'sub', 'file'))]);
  expect([results, openFdCount(), ctx.nreqs]).toEqual([[undefined, undefined], fds, 0]);
});

test('a missing path rejects with ENOENT from open', async () => {
  const dir = tempDir();
  const ctx = createAio();
  await expect(ctx.pathsync(join(dir, 'missing'))).rejects.toMatchObject({
    code: 'ENOENT',
    syscall: 'open',
    path: join(dir, 'missing'),
  });
  expect(ctx.nreqs).toBe(0);
});

test('cancelled at each step (open queued, fsync queued, close queued, done) it never leaks the descriptor', async () => {
  const dir = tempDir();
  const fds = openFdCount();
  const outcomes: string[] = [];
  for (let k = 0; k < 4; k++) {
    const ctx = createAio({ maxParallel: 0 });
    // Let exactly k requests of the composite run, then cancel it.
    outcomes.push(await cancelAfterSteps(ctx, () => ctx.pathsync(dir), k));
    expect([k, openFdCount(), ctx.nreqs]).toEqual([k, fds, 0]);
  }
  // Cancelled with the close queued, the group still waits for the close and then rejects.
  expect(outcomes).toEqual(['AbortError', 'AbortError', 'AbortError', 'resolved']);
});
