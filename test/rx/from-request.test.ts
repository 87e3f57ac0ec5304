import { existsSync, promises as fsp, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, createAio } from '@ioaio/core';
import { fromRequest } from '@ioaio/rx';
import { take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { events, record } from '../helpers/events.js';
import { tempDir } from '../helpers/tmp.js';

describe('fromRequest', () => {
  it('emits the value of a request, then completes', async () => {
    const dir = tempDir();
    symlinkSync('target', join(dir, 'link'));
    const ctx = createAio();
    expect(await events(fromRequest(ctx.readlink(join(dir, 'link'))))).toEqual([
      ['next', 'target'],
      ['complete'],
    ]);
  });

  it('emits the result of a group, and the value of any PromiseLike', async () => {
    const ctx = createAio();
    const grp = ctx.group<number>();
    grp.add(ctx.nop());
    grp.result(42);
    expect(await events(fromRequest(grp))).toEqual([['next', 42], ['complete']]);
    // biome-ignore lint/suspicious/noThenProperty: a bare thenable, on purpose.
    const thenable: PromiseLike<string> = { then: (ok) => Promise.resolve('plain').then(ok) };
    expect(await events(fromRequest(thenable))).toEqual([['next', 'plain'], ['complete']]);
  });

  it("errors with Node's ENOENT error for a missing path", async () => {
    const missing = join(tempDir(), 'missing');
    const nodeError = await fsp.lstat(missing).catch((err: unknown) => err);
    expect(await events(fromRequest(createAio().lstat(missing)))).toEqual([['error', nodeError]]);
  });

  it('unsubscribing before the request settled cancels it: a queued unlink never runs', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'keep me');
    const ctx = createAio({ maxParallel: 0 });
    const req = ctx.unlink(file);
    const seen = record(fromRequest(req));
    seen.subscription.unsubscribe();
    expect([req.state, ctx.nreqs]).toEqual(['done', 0]);
    ctx.maxParallel = 32;
    await ctx.flush();
    expect(existsSync(file)).toBe(true);
    expect(seen.events).toEqual([]);
    const reason = await Promise.resolve(req).catch((err: unknown) => err);
    expect(reason).toBeInstanceOf(AbortError);
  });

  it('cancels only when the last subscriber leaves', async () => {
    const dir = tempDir();
    symlinkSync('target', join(dir, 'link'));
    const ctx = createAio({ maxParallel: 0 });
    const shared = fromRequest(ctx.readlink(join(dir, 'link')));
    const leaving = record(shared);
    const staying = record(shared);
    leaving.subscription.unsubscribe();
    ctx.maxParallel = 32;
    expect(await staying.settled).toEqual([['next', 'target'], ['complete']]);
    expect(leaving.events).toEqual([]);
  });

  it('unsubscribing inside next (take(1)) cancels nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const ctx = createAio();
    const req = ctx.unlink(file);
    expect(await events(fromRequest(req).pipe(take(1)))).toEqual([['next', undefined], ['complete']]);
    expect(existsSync(file)).toBe(false);
    await expect(req).resolves.toBeUndefined();
  });
});
