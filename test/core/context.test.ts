import { AioContext, AioGroup, AioRequest, aio, createAio, operations } from '@ioaio/core';
import { describe, expect, test } from 'vitest';

describe('AioContext', () => {
  test('has one method per operation, named after it, returning a request or a group', () => {
    const ctx = createAio({ maxParallel: 0 });
    const kinds = Object.entries(operations).map(([name, op]) => {
      const method = (ctx as unknown as Record<string, { name: string }>)[name];
      return [name, typeof method, method?.name, op.kind];
    });
    expect(kinds).toEqual(Object.entries(operations).map(([name, op]) => [name, 'function', name, op.kind]));
    const req = ctx.nop();
    const grp = ctx.scandir('/');
    // nop, the scandir group and its queued readdir.
    expect([req instanceof AioRequest, grp instanceof AioGroup, ctx.nreqs, ctx.nready]).toEqual([
      true,
      true,
      3,
      2,
    ]);
    req.cancel();
    grp.cancel();
  });

  test('a method called without its context throws ERR_INVALID_THIS and queues nothing', () => {
    const ctx = createAio({ maxParallel: 0 });
    const { stat, scandir } = ctx;
    expect(() => stat('/')).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_THIS' }));
    expect(() => Reflect.apply(scandir, {}, ['/'])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_THIS' }),
    );
    expect(ctx.nreqs).toBe(0);
  });

  test('each call keeps its own options, even when an option getter makes another call', () => {
    const ctx = createAio({ maxParallel: 0 });
    const inner: AioRequest<void>[] = [];
    const options = {
      get priority() {
        inner.push(ctx.nop({ priority: -3 }));
        return 2;
      },
    };
    const outer = ctx.nop(options);
    expect([outer.priority, inner.map((r) => r.priority), ctx.nready]).toEqual([2, [-3], 2]);
    for (const req of [outer, ...inner]) req.cancel();
  });

  test("an unbound method's error is worded as Node words ERR_INVALID_THIS", () => {
    const { nop } = createAio({ maxParallel: 0 });
    expect(() => nop()).toThrow(
      expect.objectContaining({
        message: 'Value of "this" must be of type AioContext',
        code: 'ERR_INVALID_THIS',
      }),
    );
  });

  test('the default context is an AioContext with the default depth', () => {
    expect([aio instanceof AioContext, aio.maxParallel]).toEqual([true, createAio().maxParallel]);
  });

  test('options are checked: an object, with an integer maxParallel from 0 to 1024', () => {
    expect(createAio({ maxParallel: 0 }).maxParallel).toBe(0);
    expect(createAio({}).maxParallel).toBe(createAio().maxParallel);
    expect(() => createAio('x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => createAio({ maxParallel: 2000 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });

  test('group() takes the request options and validates them', async () => {
    const ctx = createAio();
    const seen: unknown[] = [];
    const grp = ctx.group<string>({ priority: -2, callback: (err, value) => seen.push([err, value]) });
    grp.result('r');
    expect([grp.priority, await grp, seen]).toEqual([-2, 'r', [[null, 'r']]]);
    expect(() => ctx.group({ priority: 7 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
