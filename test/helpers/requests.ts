import { type AioContext, type AioRequest, operations } from '@ioaio/core';
import { pick, prng } from './prng.js';

/** A context's four counters, compared as one value. */
export interface Counters {
  nreqs: number;
  nready: number;
  nexecute: number;
  npending: number;
}

/** The counters of a context with nothing left to do. */
export const kIdle: Counters = { nreqs: 0, nready: 0, nexecute: 0, npending: 0 };

export function counters(ctx: AioContext): Counters {
  return { nreqs: ctx.nreqs, nready: ctx.nready, nexecute: ctx.nexecute, npending: ctx.npending };
}

type Method = (...params: unknown[]) => AioRequest<unknown>;

/**
 * Calls an operation by its catalogue name, the options object at the
 * operation's options index (the arguments before it left out are undefined).
 */
export function issue(
  ctx: AioContext,
  name: string,
  args: readonly unknown[],
  options?: object,
): AioRequest<unknown> {
  const op = (operations as Readonly<Record<string, { optsIndex: number }>>)[name];
  if (op === undefined) throw new Error(`no operation ${name}`);
  if (args.length > op.optsIndex) throw new Error(`${name}: ${args.length} arguments before the options`);
  const params: unknown[] = [...args];
  params.length = op.optsIndex;
  params.push(options);
  const method = (ctx as unknown as Record<string, Method>)[name] as Method;
  return method.apply(ctx, params);
}

/** `[err, value]` of a settled request, from its promise. */
export function outcome<T>(req: PromiseLike<T>): PromiseLike<[unknown, T | undefined]> {
  return req.then(
    (value): [unknown, T | undefined] => [null, value],
    (err: unknown): [unknown, T | undefined] => [err, undefined],
  );
}

/** The reason a request rejected with; fails if it resolved. */
export async function rejection(req: PromiseLike<unknown>): Promise<unknown> {
  const [err, value] = await outcome(req);
  if (err === null) throw new Error(`expected a rejection, got ${String(value)}`);
  return err;
}

/** What was thrown synchronously by `fn`; fails if nothing was. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a synchronous throw');
}

/** The fields of a Node system error, for whole-value comparison (absent ones undefined). */
export function errorShape(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown>;
  return { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest };
}

/** A deterministic shuffle, so a failing order can be replayed from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = pick(random, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
