import type { AioContext } from '@ioaio/core';
import { nextTurn } from '../turns.js';

/** The only errors a call may throw: Node-style argument errors. */
export function isArgumentError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (err instanceof TypeError || err instanceof RangeError) &&
    typeof code === 'string' &&
    code.startsWith('ERR_')
  );
}

/** A cancellation as the library reports it: an AbortError with code ABORT_ERR. */
export function isAbortError(err: unknown): boolean {
  return (
    err instanceof Error && err.name === 'AbortError' && (err as { code?: unknown }).code === 'ABORT_ERR'
  );
}

/**
 * A failure from the file system: Node's own error object. Node's `fs.truncate(path)` opens,
 * ftruncates and closes, and reports a failing ftruncate and close together as an AggregateError
 * of both; the fuzz provokes that by closing a descriptor twice (the number was reused meanwhile).
 */
export function isSystemError(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.length > 0 && err.errors.every(isSystemError);
  const e = err as { code?: unknown; errno?: unknown; syscall?: unknown } | null;
  return (
    err instanceof Error &&
    typeof e?.code === 'string' &&
    typeof e.errno === 'number' &&
    typeof e.syscall === 'string'
  );
}

/** The context's counters, as one comparable value: nreqs, nready, nexecute, npending. */
export function counters(ctx: AioContext): number[] {
  return [ctx.nreqs, ctx.nready, ctx.nexecute, ctx.npending];
}

/** Turns until the context is idle; a bound instead of a hang. */
export async function drain(
  ctx: AioContext,
  maxTurns: number,
  each?: (turn: number) => boolean | undefined,
): Promise<boolean> {
  for (let turn = 0; turn < maxTurns; turn++) {
    // `each` returning true gives up early (something already failed).
    if (each?.(turn) === true) return false;
    if (ctx.nreqs === 0) return true;
    await nextTurn();
  }
  return ctx.nreqs === 0;
}
