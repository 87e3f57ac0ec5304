import type { AioContext } from '@ioaio/core';
import { until } from './turns.js';

/**
 * Runs exactly one queued request of a paused context (`maxParallel` 0)
 * and waits until it is done, callbacks included. Requests that its
 * callback issues stay queued. Returns false when nothing was queued.
 */
export async function stepOne(ctx: AioContext): Promise<boolean> {
  if (ctx.maxParallel !== 0) throw new Error('stepOne needs a paused context');
  if (ctx.nready === 0) return false;
  // Raising the limit starts the head request synchronously; lowering it again lets no other one in.
  ctx.maxParallel = 1;
  ctx.maxParallel = 0;
  await until(() => ctx.nexecute === 0 && ctx.npending === 0, 'the stepped request to finish');
  return true;
}

/**
 * Starts a composite on a paused context, lets exactly `k` of its requests
 * run, cancels it, resumes, and resolves with how it settled ('resolved' or
 * the error's name) once the context is idle again.
 */
export async function cancelAfterSteps(
  ctx: AioContext,
  start: () => PromiseLike<unknown> & { cancel(): void },
  k: number,
): Promise<string> {
  const req = start();
  const settled = Promise.resolve(req).then(
    () => 'resolved',
    (err: unknown) => (err as Error).name,
  );
  for (let i = 0; i < k; i++) await stepOne(ctx);
  req.cancel();
  ctx.maxParallel = 4;
  const outcome = await settled;
  await ctx.flush();
  return outcome;
}
