import { promises as fsp, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio, type WalkEntry } from '@ioaio/core';
import { treescan } from '@ioaio/rx';
import { map, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { events, record } from '../helpers/events.js';
import { generateTree } from '../helpers/generated-tree.js';
import { listTree, tempDir } from '../helpers/tmp.js';

/** A walk entry in listTree's form: relative to `root`, directories with a trailing slash. */
function relative(root: string, entry: WalkEntry): string {
  return `${entry.path.slice(root.length + 1)}${entry.type === 'dir' ? '/' : ''}`;
}

describe('treescan', () => {
  it('emits every entry of a 20,000-entry tree once, typed as a plain readdir sees it, with at most maxreq scans', async () => {
    const root = tempDir();
    const made = generateTree(root, { top: 10, sub: 10, files: 200 });
    expect(made).toBeGreaterThan(20_000);
    const ctx = createAio();
    const maxreq = 3;
    let mostRequests = 0;
    const paths = await new Promise<string[]>((resolve, reject) =>
      treescan(root, { aio: ctx, maxreq })
        .pipe(
          map((entry) => {
            mostRequests = Math.max(mostRequests, ctx.nreqs);
            return relative(root, entry);
          }),
          toArray(),
        )
        .subscribe({ next: resolve, error: reject }),
    );
    expect(paths.sort()).toEqual(listTree(root));
    expect(paths).toHaveLength(made);
    // The walk group itself plus at most maxreq scans.
    expect(mostRequests).toBeLessThanOrEqual(1 + maxreq);
    expect(ctx.nreqs).toBe(0);
  });

  it('is cold: nothing is queued before subscribe', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    const ctx = createAio();
    const scan = treescan(root, { aio: ctx });
    expect(ctx.nreqs).toBe(0);
    expect(await events(scan)).toEqual([['next', { path: `${root}/file`, type: 'nondir' }], ['complete']]);
  });

  it("errors with Node's ENOENT error for a missing root", async () => {
    const missing = join(tempDir(), 'missing');
    const nodeError = await fsp.readdir(missing).catch((err: unknown) => err);
    expect(await events(treescan(missing, { aio: createAio() }))).toEqual([['error', nodeError]]);
  });

  it('errors when a subdirectory cannot be read, after the entries seen before it; onError lets it go on', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'gone'));
    const ctx = createAio();
    const vanish = (entry: WalkEntry) => {
      // Runs inside the root's scan, before the walk issues the scan of `gone`.
      if (entry.path.endsWith('/gone')) rmSync(entry.path, { recursive: true });
      return entry;
    };
    const failing = await events(treescan(root, { aio: ctx }).pipe(map(vanish)));
    const nodeError = await fsp.readdir(join(root, 'gone')).catch((err: unknown) => err);
    expect(failing).toEqual([
      ['next', { path: `${root}/gone`, type: 'dir' }],
      ['error', nodeError],
    ]);

    mkdirSync(join(root, 'gone'));
    const reported: unknown[] = [];
    const going = await events(
      treescan(root, { aio: ctx, onError: (err) => reported.push(err) }).pipe(map(vanish)),
    );
    expect(going).toEqual([['next', { path: `${root}/gone`, type: 'dir' }], ['complete']]);
    expect(reported).toEqual([nodeError]);
  });

  it('unsubscribing cancels the walk: nothing stays queued, and cut-short scans are not reported to onError', async () => {
    const root = tempDir();
    generateTree(root, { top: 10, sub: 4, files: 5 });
    const ctx = createAio();
    const reported: unknown[] = [];
    const first30 = await events(
      treescan(root, { aio: ctx, maxreq: 4, onError: (err) => reported.push(err) }).pipe(take(30)),
    );
    expect(first30.map(([kind]) => kind)).toEqual([...Array<string>(30).fill('next'), 'complete']);
    expect(ctx.nready).toBe(0);
    await ctx.flush();
    expect(ctx.nreqs).toBe(0);
    expect(reported).toEqual([]);
  });

  it('unsubscribing before the first entry cancels the queued root scan', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    const ctx = createAio({ maxParallel: 0 });
    const scan = record(treescan(root, { aio: ctx }));
    expect([ctx.nreqs, ctx.nready]).toEqual([2, 1]);
    scan.subscription.unsubscribe();
    expect(ctx.nready).toBe(0);
    ctx.maxParallel = 32;
    await ctx.flush();
    expect([ctx.nreqs, scan.events]).toEqual([0, []]);
  });
});
