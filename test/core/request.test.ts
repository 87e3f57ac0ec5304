import * as fs from 'node:fs';
import { join } from 'node:path';
import { AbortError, createAio } from '@ioaio/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { runChild } from '../helpers/child.js';
import { gate } from '../helpers/gate.js';
import { counters, kIdle, rejection } from '../helpers/requests.js';
import { tempFile } from '../helpers/temp-file.js';
import { openFdCount, tempDir } from '../helpers/tmp.js';

describe('states', () => {
  test('ready, execute, result (in the callback), done', async () => {
    const path = tempFile('12345');
    const ctx = createAio({ maxParallel: 0 });
    const seen: unknown[] = [];
    const req = ctx.stat(path, { callback: () => seen.push(['callback', req.state, counters(ctx)]) });
    seen.push(req.state);
    ctx.maxParallel = 1;
    seen.push(req.state);
    await ctx.flush();
    seen.push(req.state);
    expect(seen).toEqual([
      'ready',
      'execute',
      ['callback', 'result', { nreqs: 1, nready: 0, nexecute: 0, npending: 0 }],
      'done',
    ]);
  });

  test('a request that never runs is pending until its AbortError is delivered', async () => {
    const ctx = createAio();
    const seen: unknown[] = [];
    const req = ctx.stat(tempFile(''), {
      signal: AbortSignal.abort('why'),
      callback: (err) => seen.push(['callback', req.state, (err as Error).name, counters(ctx)]),
    });
    seen.push([req.state, counters(ctx)]);
    await ctx.flush();
    seen.push([req.state, counters(ctx)]);
    expect(seen).toEqual([
      ['pending', { nreqs: 1, nready: 0, nexecute: 0, npending: 1 }],
      ['callback', 'result', 'AbortError', { nreqs: 1, nready: 0, nexecute: 0, npending: 0 }],
      ['done', kIdle],
    ]);
  });
});

describe('promise', () => {
  test('is made lazily: then() after done still gives the value', async () => {
    const path = tempFile('12345');
    const ctx = createAio();
    const req = ctx.stat(path);
    await ctx.flush();
    expect(req.state).toBe('done');
    expect(await req).toEqual(fs.statSync(path));
    expect(await req.then((st) => st.size)).toBe(5);
  });

  test('then() after a failure that a callback took gives the same error', async () => {
    const missing = join(tempDir(), 'missing');
    const ctx = createAio();
    const errors: unknown[] = [];
    const req = ctx.stat(missing, { callback: (err) => errors.push(err) });
    await ctx.flush();
    expect(errors).toHaveLength(1);
    expect(await rejection(req)).toBe(errors[0]);
    expect(errors[0]).toMatchObject({ code: 'ENOENT', syscall: 'stat', path: missing });
  });
});

describe('callback', () => {
  test('is called in the result state, before the request counts as done; cb() replaces it', async () => {
    const path = tempFile('12345');
    const ctx = createAio();
    const calls: unknown[] = [];
    const req = ctx.stat(path, { callback: () => calls.push('first') });
    expect(req.cb((err, st) => calls.push(['second', err, st.size, req.state, ctx.nreqs]))).toBe(req);
    await ctx.flush();
    expect(calls).toEqual([['second', null, 5, 'result', 1]]);
  });

  test('cb(null) removes it; cb() with a non-function throws', async () => {
    const ctx = createAio();
    const calls: string[] = [];
    const req = ctx.stat(tempFile('x'), { callback: () => calls.push('called') });
    expect(() => req.cb('nope' as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
    req.cb(null);
    await ctx.flush();
    expect(calls).toEqual([]);
  });

  test('gets the AbortError of a cancel, while ready and while executing', async () => {
    const path = tempFile('x');
    const paused = createAio({ maxParallel: 0 });
    const running = createAio();
    const calls: unknown[] = [];
    const record = (label: string) => (err: unknown, value: unknown) => calls.push([label, err, value]);
    const ready = paused.stat(path, { callback: record('ready') });
    const executing = running.stat(path, { callback: record('executing') });
    const plain = paused.stat(path, { callback: record('plain') });
    expect([ready.state, executing.state, plain.state]).toEqual(['ready', 'execute', 'ready']);
    const reason = new Error('stop');
    ready.cancel(reason);
    executing.cancel(reason);
    plain.cancel();
    // A ready request is done at once; an executing one after it comes back from the pool.
    expect([ready.state, executing.state, plain.state]).toEqual(['done', 'execute', 'done']);
    await running.flush();
    const errors = await Promise.all([ready, executing, plain].map(rejection));
    expect(calls).toEqual([
      ['ready', errors[0], undefined],
      ['plain', errors[2], undefined],
      ['executing', errors[1], undefined],
    ]);
    for (const err of errors) expect(err).toBeInstanceOf(AbortError);
    expect(errors.map((e) => [(e as Error).name, (e as { code: string }).code, (e as Error).cause])).toEqual([
      ['AbortError', 'ABORT_ERR', reason],
      ['AbortError', 'ABORT_ERR', reason],
      ['AbortError', 'ABORT_ERR', undefined],
    ]);
    expect([counters(paused), counters(running)]).toEqual([kIdle, kIdle]);
  });
});

test('cancel() is a no-op once done', async () => {
  const path = tempFile('12345');
  const ctx = createAio();
  const calls: unknown[] = [];
  const req = ctx.stat(path, { callback: (err, st) => calls.push([err, st.size]) });
  await ctx.flush();
  req.cancel(new Error('late'));
  expect([req.state, counters(ctx), calls]).toEqual(['done', kIdle, [[null, 5]]]);
  expect((await req).size).toBe(5);
});

test('cancelling 300 executing opens closes every fd they got, before flush() resolves', async () => {
  const path = tempFile('x');
  const before = openFdCount();
  const ctx = createAio({ maxParallel: 1024 });
  const reason = new Error('drop them');
  // Whether a late close would still be in flight is up to the pool: several rounds make a leak show.
  const seen: unknown[] = [];
  for (let round = 0; round < 10; round++) {
    const reqs = Array.from({ length: 300 }, () => ctx.open(path, 'r'));
    const states = new Set(reqs.map((r) => r.state));
    for (const req of reqs) req.cancel(reason);
    await ctx.flush();
    const fds = openFdCount();
    const causes = new Set((await Promise.all(reqs.map(rejection))).map((e) => (e as Error).cause));
    seen.push([states, fds, causes]);
  }
  expect(seen).toEqual(Array(10).fill([new Set(['execute']), before, new Set([reason])]));
  expect(counters(ctx)).toEqual(kIdle);
});

describe('close cannot be cancelled once executing', () => {
  /** What the process's descriptor `fd` points at now, or null when it is closed. */
  const fdTarget = (fd: number): string | null => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return null;
    }
  };

  test('cancel() and an abort during execution: close settles with its real outcome and the fd is closed', async () => {
    const path = tempFile('x');
    const ctx = createAio();
    const controller = new AbortController();
    const fds = [fs.openSync(path, 'r'), fs.openSync(path, 'r')];
    const calls: unknown[] = [];
    const byCancel = ctx.close(fds[0] as number, { callback: (err, v) => calls.push(['cancel()', err, v]) });
    const byAbort = ctx.close(fds[1] as number, {
      signal: controller.signal,
      callback: (err, v) => calls.push(['abort', err, v]),
    });
    const before = [byCancel.state, byAbort.state];
    byCancel.cancel(new Error('too late'));
    controller.abort(new Error('too late'));
    const after = [byCancel.state, byCancel.cancelled, byAbort.state, byAbort.cancelled];
    const values = await Promise.all([byCancel, byAbort]);
    // The two closes run on two pool threads at once: which callback comes first is the pool's choice.
    const byLabel = [...calls].sort((x, y) =>
      String((x as unknown[])[0]).localeCompare(String((y as unknown[])[0])),
    );
    expect([before, after, values, byLabel, fds.map(fdTarget), counters(ctx)]).toEqual([
      ['execute', 'execute'],
      ['execute', false, 'execute', false],
      [undefined, undefined],
      [
        ['abort', null, undefined],
        ['cancel()', null, undefined],
      ],
      [null, null],
      kIdle,
    ]);
  });

  test('a queued close is still cancelled: it rejects with AbortError and the fd stays open', async () => {
    const path = tempFile('x');
    const ctx = createAio({ maxParallel: 1 });
    const held = gate(ctx);
    const fd = fs.openSync(path, 'r');
    const req = ctx.close(fd);
    const state = req.state;
    req.cancel(new Error('not now'));
    const err = await rejection(req);
    expect([state, req.state, (err as Error).name, (err as Error).cause, fdTarget(fd)]).toEqual([
      'ready',
      'done',
      'AbortError',
      new Error('not now'),
      fs.realpathSync(path),
    ]);
    fs.closeSync(fd);
    await held.release();
    expect(counters(ctx)).toEqual(kIdle);
  });
});

describe('the public types', () => {
  test('dist/index.d.ts shows no underscore member and no @internal item', () => {
    const dts = fs.readFileSync(new URL('../../packages/core/dist/index.d.ts', import.meta.url), 'utf8');
    // A member declaration starts its line: `  _name(`, `  readonly _name:`, `  get _name()`.
    const members = dts
      .split('\n')
      .filter((line) => /^\s+(?:readonly |static |get |set )*_\w*\??[(:<]/.test(line));
    expect([members, dts.includes('@internal')]).toEqual([[], false]);
  });
});

describe('unobserved outcomes (fresh process, built dist)', () => {
  beforeAll(() => {
    // runChild imports packages/core/dist/index.js: build it first (see test/helpers/child.ts).
    expect(fs.existsSync(new URL('../../packages/core/dist/index.js', import.meta.url))).toBe(true);
  });

  const record = `
    const events = [];
    process.on('unhandledRejection', (err) => events.push(['unhandledRejection', err.code, err.syscall, err.path]));
    process.on('uncaughtException', (err) => events.push(['uncaughtException', err.message, core.aio.nreqs]));
    process.on('exit', () => console.log(JSON.stringify({ events, nreqs: core.aio.nreqs })));
    const missing = process.argv[1];
  `;

  test('a failure nobody takes is reported once, as an unhandled rejection with the error', () => {
    const missing = join(tempDir(), 'missing');
    const child = runChild(`${record} core.aio.stat(missing);`, [missing]);
    expect([child.status, JSON.parse(child.stdout)]).toEqual([
      0,
      { events: [['unhandledRejection', 'ENOENT', 'stat', missing]], nreqs: 0 },
    ]);
  });

  test('without a handler it ends the process as a native unhandled rejection does', () => {
    const missing = join(tempDir(), 'missing');
    const child = runChild('core.aio.stat(process.argv[1]);', [missing]);
    expect(child.status).toBe(1);
    expect(child.stderr).toContain(`ENOENT: no such file or directory, stat '${missing}'`);
  });

  test('a cancelled request nobody observes reports nothing', () => {
    const missing = join(tempDir(), 'missing');
    const child = runChild(
      `${record}
      core.aio.stat(missing).cancel();
      const paused = core.createAio({ maxParallel: 0 });
      paused.stat(missing).cancel(new Error('why'));
      core.aio.stat(missing, { signal: AbortSignal.abort() });
      const controller = new AbortController();
      core.aio.stat(missing, { signal: controller.signal });
      controller.abort();`,
      [missing],
    );
    expect([child.status, child.stderr, JSON.parse(child.stdout)]).toEqual([0, '', { events: [], nreqs: 0 }]);
  });

  test('a callback that throws is an uncaught exception, and the request still counts as done', () => {
    const missing = join(tempDir(), 'missing');
    const child = runChild(
      `${record}
      core.aio.stat(missing, { callback: () => { throw new Error('boom'); } });`,
      [missing],
    );
    expect([child.status, JSON.parse(child.stdout)]).toEqual([
      0,
      { events: [['uncaughtException', 'boom', 0]], nreqs: 0 },
    ]);
  });
});
