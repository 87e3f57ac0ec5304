import { getEventListeners } from 'node:events';
import type { BigIntStats, Stats } from 'node:fs';
import { existsSync, promises as fsp, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, createAio, operations } from '@ioaio/core';
import { createRx, rx } from '@ioaio/rx';
import { type Observable, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { events, record } from '../helpers/events.js';
import { tempDir } from '../helpers/tmp.js';

/** Node's own error for the same call, to compare ours with whole. */
async function nodeError(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected node:fs to fail');
    },
    (err: unknown) => err,
  );
}

describe('createRx', () => {
  it('derives exactly the operations core lists', () => {
    const ops = createRx(createAio());
    const scans = ['fromRequest', 'scandirIterator', 'treescan', 'treescanIterator'];
    expect(Object.keys(ops).sort()).toEqual([...Object.keys(operations), ...scans].sort());
    expect(Object.keys(rx).sort()).toEqual([...Object.keys(operations), ...scans].sort());
    expect(Object.entries(ops).filter(([, f]) => typeof f !== 'function')).toEqual([]);
    expect(Object.isFrozen(ops)).toBe(true);
  });

  it('binds its scans to the context it was made for', async () => {
    const dir = tempDir();
    symlinkSync('target', join(dir, 'link'));
    const ctx = createAio({ maxParallel: 0 });
    const events: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      createRx(ctx)
        .treescan(dir)
        .subscribe({
          next: (e) => events.push(e),
          error: (e) => events.push(e),
          complete: () => resolve(),
        });
    });
    expect([ctx.nreqs, ctx.nready]).toEqual([2, 1]);
    ctx.maxParallel = 1;
    await done;
    expect(events).toEqual([{ path: join(dir, 'link'), type: 'nondir' }]);
  });

  it('is cold: nothing is queued before subscribe, one request per subscription', async () => {
    const dir = tempDir();
    symlinkSync('target', join(dir, 'link'));
    const ctx = createAio();
    const link = createRx(ctx).readlink(join(dir, 'link'));
    expect(ctx.nreqs).toBe(0);
    const first = record(link);
    const second = record(link);
    expect(ctx.nreqs).toBe(2);
    expect([await first.settled, await second.settled]).toEqual([
      [['next', 'target'], ['complete']],
      [['next', 'target'], ['complete']],
    ]);
    expect(ctx.nreqs).toBe(0);
  });

  it('emits one value then completes', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file'), 'x');
    const ops = createRx(createAio());
    expect(await events(ops.scandir(dir))).toEqual([
      ['next', { dirs: ['sub'], nondirs: ['file'] }],
      ['complete'],
    ]);
    expect(await events(ops.rmdir(join(dir, 'sub')))).toEqual([['next', undefined], ['complete']]);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  it("errors with Node's ENOENT error for a missing path", async () => {
    const missing = join(tempDir(), 'missing');
    const ops = createRx(createAio());
    expect(await events(ops.stat(missing))).toEqual([['error', await nodeError(fsp.stat(missing))]]);
    const [[kind, err]] = (await events(ops.unlink(missing))) as [['error', NodeJS.ErrnoException]];
    expect([kind, err.code, err.errno, err.syscall, err.path]).toEqual([
      'error',
      'ENOENT',
      -2,
      'unlink',
      missing,
    ]);
  });

  it('unsubscribing while the request is queued cancels it: it never runs', async () => {
    const dir = tempDir();
    const file = join(dir, 'file');
    writeFileSync(file, 'keep me');
    const ctx = createAio({ maxParallel: 0 });
    const unlink = record(createRx(ctx).unlink(file));
    expect([ctx.nreqs, ctx.nready]).toEqual([1, 1]);
    unlink.subscription.unsubscribe();
    expect(ctx.nreqs).toBe(0);
    ctx.maxParallel = 32;
    await ctx.flush();
    expect(existsSync(file)).toBe(true);
    expect(unlink.events).toEqual([]);
  });

  it('puts the signal at the options index even when optional parameters are left out', async () => {
    const dir = tempDir();
    const ctx = createAio({ maxParallel: 0 });
    // mkdir(path, mode?, options?): the options object goes after the omitted mode.
    const mkdir = record(createRx(ctx).mkdir(join(dir, 'made')));
    mkdir.subscription.unsubscribe();
    ctx.maxParallel = 32;
    await ctx.flush();
    expect(existsSync(join(dir, 'made'))).toBe(false);
    expect(await events(createRx(ctx).mkdir(join(dir, 'made')))).toEqual([['next', undefined], ['complete']]);
    expect(existsSync(join(dir, 'made'))).toBe(true);
  });

  it('unsubscribing after the value cancels nothing and keeps the options object untouched', async () => {
    const dir = tempDir();
    symlinkSync('target', join(dir, 'link'));
    const ctx = createAio();
    const calls: unknown[][] = [];
    const options = { priority: 2, callback: (err: unknown, value: unknown) => calls.push([err, value]) };
    expect(await events(createRx(ctx).readlink(join(dir, 'link'), options).pipe(take(1)))).toEqual([
      ['next', 'target'],
      ['complete'],
    ]);
    expect(calls).toEqual([[null, 'target']]);
    expect(Object.keys(options)).toEqual(['priority', 'callback']);
  });

  it("links the caller's signal: aborting it errors with an AbortError, and its listener is removed", async () => {
    const dir = tempDir();
    const ctx = createAio({ maxParallel: 0 });
    const outer = new AbortController();
    const stat = record(createRx(ctx).stat(dir, { signal: outer.signal }));
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(1);
    outer.abort('stop');
    const [[kind, err]] = (await stat.settled) as [['error', AbortError]];
    expect([kind, err instanceof AbortError, err.code, err.cause]).toEqual([
      'error',
      true,
      'ABORT_ERR',
      'stop',
    ]);
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
    expect(ctx.nreqs).toBe(0);

    const settledOuter = new AbortController();
    ctx.maxParallel = 32;
    const done = await events(createRx(ctx).readdir(dir, { signal: settledOuter.signal }));
    expect(done).toEqual([['next', []], ['complete']]);
    expect(getEventListeners(settledOuter.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal: the request never runs and errors with an AbortError', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const ctx = createAio();
    const [[kind, err]] = (await events(
      createRx(ctx).unlink(file, { signal: AbortSignal.abort('early') }),
    )) as [['error', AbortError]];
    expect([kind, (err as Error).name, err.cause]).toEqual(['error', 'AbortError', 'early']);
    expect(existsSync(file)).toBe(true);
  });

  it('throws for invalid arguments at the call, before anything is queued', () => {
    const ctx = createAio();
    const ops = createRx(ctx);
    expect(() => ops.stat(12.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => ops.busy(-1)).toThrow(RangeError);
    expect(ctx.nreqs).toBe(0);
  });

  it('reports an invalid option (checked when the request is made) as an error', async () => {
    const ctx = createAio();
    const [[kind, err]] = (await events(createRx(ctx).nop({ priority: 9 }))) as [['error', RangeError]];
    expect([kind, err.name, (err as NodeJS.ErrnoException).code]).toEqual([
      'error',
      'RangeError',
      'ERR_OUT_OF_RANGE',
    ]);
    expect(ctx.nreqs).toBe(0);
  });

  it('keeps the value types of the core methods, overloads included', () => {
    const ops = createRx(createAio());
    const stats: Observable<Stats> = ops.stat('/');
    const big: Observable<BigIntStats> = ops.stat('/', { bigint: true });
    const names: Observable<string[]> = ops.readdir('/');
    const fd: Observable<number> = ops.open('/', 'r');
    // @ts-expect-error a bigint stat is not plain Stats
    const wrong: Observable<Stats> = ops.stat('/', { bigint: true });
    expect([stats, big, names, fd, wrong].every((o) => typeof o.subscribe === 'function')).toBe(true);
  });
});
