import { closeSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AioContext, createAio, DirStream, releaseFd } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import {
  defaultFdBudget,
  defaultOpenFds,
  FdBudget,
  readNofileLimit,
} from '../../packages/core/src/fd-budget.js';
import { gate } from '../helpers/gate.js';
import { counters, kIdle } from '../helpers/requests.js';
import { listTree, openFdCount, tempDir } from '../helpers/tmp.js';
import { turns, until } from '../helpers/turns.js';

/** `count` files with distinct contents in a fresh directory. */
function files(count: number): string[] {
  const dir = tempDir('ioaio-fd-budget-');
  return Array.from({ length: count }, (_, i) => {
    const path = join(dir, `f${i}`);
    writeFileSync(path, `file ${i}\n`.repeat(i + 1));
    return path;
  });
}

/** Records `label` when a request settles, `label!` when it failed, so the order is one array. */
function recorder() {
  const events: string[] = [];
  const note = (label: string) => (err: unknown) => events.push(err === null ? label : `${label}!`);
  return { events, note };
}

/** Everything settled, nothing counted, no descriptor left open since `fdsBefore`. */
async function expectClean(ctx: AioContext, fdsBefore: number): Promise<void> {
  await ctx.flush();
  expect(counters(ctx)).toEqual(kIdle);
  expect(openFdCount()).toBe(fdsBefore);
}

describe('maxOpenFds: the option', () => {
  test('accepts integers from 2 and Infinity; refuses other values with Node codes', () => {
    for (const ok of [2, 3, 1024, 2 ** 31 - 1, Number.POSITIVE_INFINITY]) {
      expect(() => createAio({ maxOpenFds: ok })).not.toThrow();
    }
    const codeOf = (value: unknown): string => {
      try {
        createAio({ maxOpenFds: value as number });
        return 'accepted';
      } catch (err) {
        return `${(err as { code: string }).code} ${(err as Error).message}`;
      }
    };
    expect(['1', null, 1n, true].map(codeOf)).toEqual([
      'ERR_INVALID_ARG_TYPE The "options.maxOpenFds" argument must be of type number. Received type string (\'1\')',
      'ERR_INVALID_ARG_TYPE The "options.maxOpenFds" argument must be of type number. Received null',
      'ERR_INVALID_ARG_TYPE The "options.maxOpenFds" argument must be of type number. Received type bigint (1n)',
      'ERR_INVALID_ARG_TYPE The "options.maxOpenFds" argument must be of type number. Received type boolean (true)',
    ]);
    expect([0, 1, -1, 2.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 31].map(codeOf)).toEqual([
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be >= 2 && <= 2147483647 or Infinity. Received 0',
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be >= 2 && <= 2147483647 or Infinity. Received 1',
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be >= 2 && <= 2147483647 or Infinity. Received -1',
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be an integer or Infinity. Received 2.5',
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be an integer or Infinity. Received NaN',
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be an integer or Infinity. Received -Infinity',
      'ERR_OUT_OF_RANGE The value of "options.maxOpenFds" is out of range. It must be >= 2 && <= 2147483647 or Infinity. Received 2147483648',
    ]);
  });

  test('the default is the soft RLIMIT_NOFILE less a quarter (at least 64), never below 16', () => {
    const limits = (soft: string) =>
      `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft}                 4096                 files     \n`;
    expect(
      ['256', '1024', '1048576', '80', '20', 'unlimited'].map((soft) =>
        defaultOpenFds(readNofileLimit(limits(soft))),
      ),
    ).toEqual([192, 768, 786432, 16, 16, 1024]);
    expect(readNofileLimit('no such line')).toBe(null);
    // This process: read from /proc/self/limits once, shared by every context without the option.
    const soft = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'))?.[1]);
    expect(defaultFdBudget().size).toBe(defaultOpenFds(soft));
    expect(defaultFdBudget()).toBe(defaultFdBudget());
  });
});

describe('maxOpenFds: waiting and giving back', () => {
  test('budget 2: a third open starts only after a close, and then opens at once', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b, c] = files(3) as [string, string, string];
    const { events, note } = recorder();
    const first = await ctx.open(a, 'r', undefined, { callback: note('open a') });
    const second = await ctx.open(b, 'r', undefined, { callback: note('open b') });
    const third = ctx.open(c, 'r', undefined, { callback: note('open c') });
    // Parked: its pool slot given back, counted as ready, no descriptor opened.
    expect([third.state, counters(ctx)]).toEqual([
      'execute',
      { nreqs: 1, nready: 1, nexecute: 0, npending: 0 },
    ]);
    await turns(20);
    expect([events, openFdCount()]).toEqual([['open a', 'open b'], fdsBefore + 2]);
    await ctx.close(first, { callback: note('close a') });
    const fd = await third;
    expect(events).toEqual(['open a', 'open b', 'close a', 'open c']);
    expect(readFileSync(fd, 'latin1')).toBe('file 2\n'.repeat(3));
    await ctx.close(fd);
    await ctx.close(second);
    await expectClean(ctx, fdsBefore);
  });

  test('a cancelled waiting open takes nothing and opens nothing; the budget stays full', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b, c, d] = files(4) as [string, string, string, string];
    const held = [await ctx.open(a), await ctx.open(b)];
    const waiting = ctx.open(c);
    const outcome = waiting.then(
      () => 'opened',
      (err: unknown) => `${(err as Error).name} ${(err as { code?: string }).code}`,
    );
    waiting.cancel();
    expect(await outcome).toBe('AbortError ABORT_ERR');
    expect([counters(ctx), openFdCount()]).toEqual([kIdle, fdsBefore + 2]);
    // Nothing was given back by the cancellation: a new open still waits for a close.
    const next = ctx.open(d);
    expect(counters(ctx)).toEqual({ nreqs: 1, nready: 1, nexecute: 0, npending: 0 });
    await ctx.close(held[0] as number);
    await ctx.close(await next);
    await ctx.close(held[1] as number);
    await expectClean(ctx, fdsBefore);
  });

  test('an aborted signal reaches a waiting open as cancel() does', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b, c] = files(3) as [string, string, string];
    const held = [await ctx.open(a), await ctx.open(b)];
    const controller = new AbortController();
    const waiting = ctx.open(c, 'r', undefined, { signal: controller.signal });
    const outcome = waiting.then(
      () => 'opened',
      (err: unknown) => `${(err as Error).name} ${String((err as Error).cause)}`,
    );
    controller.abort('stop');
    expect(await outcome).toBe('AbortError stop');
    for (const fd of held) await ctx.close(fd);
    await expectClean(ctx, fdsBefore);
  });

  test('a failed open gives its unit back', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b, c] = files(3) as [string, string, string];
    const held = await ctx.open(a);
    const missing = await ctx.open(join(a, '..', 'missing')).then(
      () => 'opened',
      (err: unknown) => (err as { code: string }).code,
    );
    expect(missing).toBe('ENOENT');
    // Two units: one held, one free again, so this open runs at once and the next one waits.
    const second = await ctx.open(b);
    const third = ctx.open(c);
    expect([third.state, ctx.nready, ctx.nexecute]).toEqual(['execute', 1, 0]);
    await ctx.close(held);
    await ctx.close(await third);
    await ctx.close(second);
    await expectClean(ctx, fdsBefore);
  });

  test('an open cancelled while it executes gives its unit back when its fd is closed on release', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b] = files(2) as [string, string];
    const blocked = gate(ctx);
    const held = await ctx.open(a);
    blocked.request.cancel();
    expect(blocked.request.state).toBe('execute');
    await blocked.release();
    expect(
      await blocked.request.then(
        () => 'opened',
        (err: unknown) => (err as Error).name,
      ),
    ).toBe('AbortError');
    // Both units free again (the gate's fd was closed by the release, the other one is open).
    const second = ctx.open(b);
    expect(second.state).not.toBe('ready');
    await ctx.close(await second);
    await ctx.close(held);
    await expectClean(ctx, fdsBefore);
  });

  test('waiting opens resume in priority order, first come first served within one priority', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const paths = files(6);
    const held = [await ctx.open(paths[0] as string), await ctx.open(paths[1] as string)];
    const { events, note } = recorder();
    const waiting = [
      ctx.open(paths[2] as string, 'r', undefined, { priority: -1, callback: note('low') }),
      ctx.open(paths[3] as string, 'r', undefined, { priority: 3, callback: note('high 1') }),
      ctx.open(paths[4] as string, 'r', undefined, { priority: 3, callback: note('high 2') }),
      ctx.open(paths[5] as string, 'r', undefined, { priority: 0, callback: note('mid') }),
    ];
    expect(ctx.nready).toBe(4);
    for (const fd of held) await ctx.close(fd);
    await until(() => events.length === 2, 'two opens');
    // Each close lets exactly the next waiting open in.
    for (const req of [waiting[1], waiting[2], waiting[3], waiting[0]]) {
      await ctx.close(await (req as (typeof waiting)[number]));
    }
    expect(events).toEqual(['high 1', 'high 2', 'mid', 'low']);
    await expectClean(ctx, fdsBefore);
  });
});

describe('maxOpenFds: composites', () => {
  test('60 copies at once on a budget of 2 never deadlock: each sets aside both descriptors at its first open', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const sources = files(60);
    const dst = tempDir('ioaio-fd-budget-dst-');
    const copies = sources.map((src, i) => ctx.copy(src, join(dst, `c${i}`)));
    await Promise.all(copies);
    const copied = sources.map((_, i) => readFileSync(join(dst, `c${i}`), 'latin1'));
    expect(copied).toEqual(sources.map((src) => readFileSync(src, 'latin1')));
    await expectClean(ctx, fdsBefore);
  });

  test('a copy that fails after its first open gives both set-aside descriptors back', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [src, a, b] = files(3) as [string, string, string];
    const failed = await ctx.copy(src, tempDir('ioaio-fd-budget-dst-')).then(
      () => 'copied',
      (err: unknown) => (err as { code: string }).code,
    );
    expect(failed).toBe('EISDIR');
    // Both units free: two opens at once both start.
    const opens = [ctx.open(a), ctx.open(b)];
    expect([ctx.nready, ctx.nexecute]).toEqual([0, 2]);
    for (const fd of await Promise.all(opens)) await ctx.close(fd);
    await expectClean(ctx, fdsBefore);
  });

  test('a copy cancelled while its first open waits for descriptors takes none', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [src, a, b] = files(3) as [string, string, string];
    const dst = join(tempDir('ioaio-fd-budget-dst-'), 'copy');
    const held = [await ctx.open(a), await ctx.open(b)];
    const copy = ctx.copy(src, dst);
    expect(ctx.nready).toBe(1);
    copy.cancel('enough');
    expect(
      await copy.then(
        () => 'copied',
        (err: unknown) => (err as Error).name,
      ),
    ).toBe('AbortError');
    for (const fd of held) await ctx.close(fd);
    const opens = [ctx.open(a), ctx.open(b)];
    expect([ctx.nready, ctx.nexecute]).toEqual([0, 2]);
    for (const fd of await Promise.all(opens)) await ctx.close(fd);
    expect(readdirSync(dirname(dst))).toEqual([]);
    await expectClean(ctx, fdsBefore);
  });

  test('a stream closed while its first chunk waits opens nothing, and that chunk gives its unit back', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b, c] = files(3) as [string, string, string];
    const held = [await ctx.open(a), await ctx.open(b)];
    const stream = new DirStream(dirname(c));
    const chunk = ctx.readdirChunk(stream);
    expect(ctx.nready).toBe(1);
    stream.close();
    await ctx.close(held[0] as number);
    expect([await chunk, stream.ended]).toEqual([[], true]);
    // Its unit went back: two opens fit again beside the one still held.
    const open = ctx.open(c);
    expect(ctx.nready).toBe(0);
    await ctx.close(await open);
    await ctx.close(held[1] as number);
    await expectClean(ctx, fdsBefore);
  });

  test('copytree, a walk and rmtree finish on a budget of 4: their streams and copies wait their turn', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 4 });
    const src = tempDir('ioaio-fd-budget-tree-');
    const want: string[] = [];
    for (let d = 0; d < 12; d++) {
      mkdirSync(join(src, `d${d}`, 'inner'), { recursive: true });
      for (let f = 0; f < 10; f++) {
        const rel = `d${d}/${f % 2 === 0 ? '' : 'inner/'}f${f}`;
        writeFileSync(join(src, rel), `${rel}\n`.repeat(f));
        want.push(`${rel} ${`${rel}\n`.repeat(f)}`);
      }
    }
    const dst = join(tempDir('ioaio-fd-budget-tree-'), 'copy');
    const [copied, walked] = await Promise.all([ctx.copytree(src, dst), ctx.walk(src)]);
    expect([copied, walked]).toEqual([
      { files: 120, dirs: 25, symlinks: 0, skipped: 0 },
      { dirs: 24, nondirs: 120 },
    ]);
    const got = listTree(dst)
      .filter((rel) => !rel.endsWith('/'))
      .map((rel) => `${rel} ${readFileSync(join(dst, rel), 'latin1')}`);
    expect(got).toEqual(want.sort());
    await ctx.rmtree(dst);
    expect(readdirSync(dirname(dst))).toEqual([]);
    await expectClean(ctx, fdsBefore);
  });

  test('an open directory stream counts as one descriptor until it is closed', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const dirs = [0, 1, 2].map(() => {
      const dir = tempDir('ioaio-fd-budget-dir-');
      for (const name of ['x', 'y', 'z']) writeFileSync(join(dir, name), name);
      return dir;
    });
    const streams = dirs.map((dir) => new DirStream(dir, { chunkEntries: 1 }));
    const { events, note } = recorder();
    await ctx.readdirChunk(streams[0] as DirStream, { callback: note('read 0') });
    await ctx.readdirChunk(streams[1] as DirStream, { callback: note('read 1') });
    const third = ctx.readdirChunk(streams[2] as DirStream, { callback: note('read 2') });
    expect([third.state, ctx.nready, openFdCount()]).toEqual(['execute', 1, fdsBefore + 2]);
    await turns(20);
    expect(events).toEqual(['read 0', 'read 1']);
    (streams[0] as DirStream).close();
    await third;
    expect(events).toEqual(['read 0', 'read 1', 'read 2']);
    for (const stream of streams) stream.close();
    await expectClean(ctx, fdsBefore);
  });
});

describe('releaseFd', () => {
  test('an fd closed with fs.close is counted until releaseFd; it returns whether it was counted', async () => {
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    const [a, b, c] = files(3) as [string, string, string];
    const kept = await ctx.open(a);
    const handed = await ctx.open(b);
    closeSync(handed);
    const waiting = ctx.open(c);
    expect(ctx.nready).toBe(1);
    expect(releaseFd(handed)).toBe(true);
    await ctx.close(await waiting);
    expect(releaseFd(handed)).toBe(false);
    await ctx.close(kept);
    expect(releaseFd(kept)).toBe(false);
    expect(() => releaseFd(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => releaseFd('3' as unknown as number)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    await expectClean(ctx, fdsBefore);
  });

  test('contexts without the option share the process budget; Infinity counts nothing', async () => {
    const shared = defaultFdBudget();
    const before = shared.free;
    const [a] = files(1) as [string];
    const fd = await createAio().open(a);
    expect(shared.free).toBe(before - 1);
    await createAio().close(fd);
    expect(shared.free).toBe(before);
    const unbounded = createAio({ maxOpenFds: Number.POSITIVE_INFINITY });
    const other = await unbounded.open(a);
    expect(shared.free).toBe(before);
    expect(releaseFd(other)).toBe(false);
    await unbounded.close(other);
    expect(new FdBudget(3).free).toBe(3);
  });
});
