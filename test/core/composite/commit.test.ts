import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AioContext, type AioGroup, type AioRequest, createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { shmDir } from '../../helpers/shm.js';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';

type Cancel = (composite: AioGroup<void>) => void;

const kReason = new Error('too late');

/** The three ways a cancellation reaches a composite: its cancel(), its signal, a cancelled parent group. */
function cancellers(): Array<
  [string, (ctx: AioContext) => { options: object; parent?: AioGroup; cancel: Cancel }]
> {
  return [
    ['cancel()', () => ({ options: {}, cancel: (c) => c.cancel(kReason) })],
    [
      'its signal',
      () => {
        const controller = new AbortController();
        return { options: { signal: controller.signal }, cancel: () => controller.abort(kReason) };
      },
    ],
    [
      'a cancelled parent group',
      (ctx) => {
        const parent = ctx.group();
        return { options: {}, parent, cancel: () => parent.cancel(kReason) };
      },
    ],
  ];
}

/**
 * Calls `then` with every rename the composites of `ctx` issue, on the microtask after the call that
 * issued it: the rename is then in the pool (state 'execute') and its result cannot have come back,
 * since a pool result arrives on a later turn of the event loop.
 */
function onRenameExecuting(ctx: AioContext, then: (rename: AioRequest<void>) => void): void {
  const rename = ctx.rename;
  ctx.rename = function (this: AioContext, ...args: Parameters<AioContext['rename']>) {
    const req = rename.apply(this, args);
    queueMicrotask(() => then(req));
    return req;
  };
}

/** How a request settled: ['resolved', value] or [error name, cause]. */
function settled(req: PromiseLike<unknown>): Promise<unknown[]> {
  return Promise.resolve(req).then(
    (value) => ['resolved', value],
    (err: unknown) => [(err as Error).name, (err as Error).cause],
  );
}

/** A directory on /dev/shm and one on another device, so a rename between them gives EXDEV; else skips. */
function crossDeviceDirs(skip: (note: string) => never): { from: string; to: string } {
  const from = shmDir();
  const to = tempDir();
  if (from === null) return skip('no /dev/shm on this host: cannot move across file systems');
  if (statSync(from).dev === statSync(to).dev) return skip(`/dev/shm and ${to} are one device: no EXDEV`);
  return { from, to };
}

/** Moves from/src to to/dst, cancelling it while the `nth` rename executes: the renames' states and how it settled. */
async function moveCancelledAtRename(from: string, to: string, nth: number): Promise<[string[], unknown[]]> {
  const ctx = createAio();
  const move = ctx.move(join(from, 'src'), join(to, 'dst'));
  const renames: string[] = [];
  onRenameExecuting(ctx, (rename) => {
    renames.push(rename.state);
    if (renames.length === nth) move.cancel(kReason);
  });
  const outcome = await settled(move);
  await ctx.flush();
  return [renames, outcome];
}

/** Content of a file as hex, or 'absent'. */
function content(path: string): string {
  return existsSync(path) ? readFileSync(path).toString('hex') : 'absent';
}

describe('a composite past its commit point settles with its real outcome', () => {
  for (const [how, make] of cancellers()) {
    test(`copy: cancelled by ${how} while its rename executes, it resolves and dst is the complete copy`, async () => {
      const dir = tempDir();
      const data = randomBytes(200 * 1024);
      writeFileSync(join(dir, 'src'), data);
      writeFileSync(join(dir, 'dst'), 'old content');
      const fds = openFdCount();
      const ctx = createAio();
      const { options, parent, cancel } = make(ctx);
      const seen: unknown[] = [];
      const copy = ctx.copy(join(dir, 'src'), join(dir, 'dst'), options);
      parent?.add(copy);
      onRenameExecuting(ctx, (rename) => {
        seen.push(['rename', rename.state]);
        cancel(copy);
        seen.push(['after cancel', rename.state, copy.cancelled]);
      });
      const outcome = await settled(copy);
      await parent?.then(undefined, () => undefined);
      await ctx.flush();
      expect([seen, outcome, content(join(dir, 'dst')), listTree(dir), openFdCount()]).toEqual([
        [
          ['rename', 'execute'],
          ['after cancel', 'execute', false],
        ],
        ['resolved', undefined],
        data.toString('hex'),
        ['dst', 'src'],
        fds,
      ]);
    });
  }

  test('move on one file system: cancelled while its rename executes, it resolves and the file is moved', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'src'), 'moved');
    const ctx = createAio();
    const move = ctx.move(join(dir, 'src'), join(dir, 'dst'));
    const seen: unknown[] = [];
    onRenameExecuting(ctx, (rename) => {
      move.cancel(kReason);
      seen.push([rename.state, move.cancelled]);
    });
    const outcome = await settled(move);
    expect([seen, outcome, listTree(dir), content(join(dir, 'dst'))]).toEqual([
      [['execute', false]],
      ['resolved', undefined],
      ['dst'],
      Buffer.from('moved').toString('hex'),
    ]);
  });

  test('move across file systems: a cancel during the rename that gives EXDEV applies then; nothing changes', async ({
    skip,
  }) => {
    const { from, to } = crossDeviceDirs(skip);
    writeFileSync(join(from, 'src'), 'stays');
    const [renames, outcome] = await moveCancelledAtRename(from, to, 1);
    expect([renames, outcome, listTree(from), listTree(to)]).toEqual([
      ['execute'],
      ['AbortError', kReason],
      ['src'],
      [],
    ]);
  });

  test("move across file systems: cancelled while the copy's rename executes, it resolves and src is gone", async ({
    skip,
  }) => {
    const { from, to } = crossDeviceDirs(skip);
    const data = randomBytes(64 * 1024);
    writeFileSync(join(from, 'src'), data);
    // The first rename is the move's own (EXDEV); the second is the copy's, into place.
    const [renames, outcome] = await moveCancelledAtRename(from, to, 2);
    expect([renames, outcome, listTree(from), listTree(to), content(join(to, 'dst'))]).toEqual([
      ['execute', 'execute'],
      ['resolved', undefined],
      [],
      ['dst'],
      data.toString('hex'),
    ]);
  });

  test('a copy whose rename is not yet issued is still cancelled: AbortError, dst its old self', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'src'), 'new');
    writeFileSync(join(dir, 'dst'), 'old');
    const ctx = createAio();
    const copy = ctx.copy(join(dir, 'src'), join(dir, 'dst'));
    copy.cancel(kReason);
    const outcome = await settled(copy);
    await ctx.flush();
    expect([outcome, content(join(dir, 'dst')), listTree(dir)]).toEqual([
      ['AbortError', kReason],
      Buffer.from('old').toString('hex'),
      ['dst', 'src'],
    ]);
  });
});
