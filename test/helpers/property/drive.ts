import type { AioContext } from '@ioaio/core';
import { nextTurn } from '../turns.js';
import { releaseFifos, threadsBlockedOnFifos } from './fifo-watch.js';
import type { Op } from './ops.js';
import { type World, worldEntries } from './sandbox.js';

/*
 * Runs one operation of a property sequence on a context and interrupts it
 * as its plan says, watching for pool threads stuck on a FIFO all along.
 */

/**
 * Turns a wait may take before it counts as hung. A hang guard, not a
 * timing window: a healthy operation on a tree this small needs a few
 * hundred; a stuck one never finishes at all.
 */
const kMaxTurns = 400_000;

/** How often (in turns) the threads are looked at: reading /proc is not free. */
const kWatchEvery = 64;

/** How one operation went. */
export interface Run {
  /** 'ok', the error's code or name, or `throw:<code>` when the call threw. */
  result: string;
  /** Problems seen while it ran: a thread blocked on a FIFO, a wait that never ended. */
  problems: string[];
}

type Start = (...args: unknown[]) => PromiseLike<unknown> & { cancel(reason?: unknown): void };

/** Everything the waits share: the context, the world (for the FIFO release) and what went wrong. */
class Driver {
  readonly problems: string[] = [];
  #blockedSeen = false;

  constructor(
    readonly ctx: AioContext,
    readonly world: World,
  ) {}

  /** Looks at the threads; if one waits on a FIFO, says so once and opens the other ends. */
  watch(turn: number): void {
    if (turn % kWatchEvery !== kWatchEvery - 1) return;
    const blocked = threadsBlockedOnFifos();
    if (blocked.length === 0) return;
    if (!this.#blockedSeen) this.problems.push(`a pool thread blocked on a FIFO (${blocked.join(', ')})`);
    this.#blockedSeen = true;
    releaseFifos(worldEntries(this.world));
  }

  /** Turns until `done()` holds, calling `each` every turn; false (and a problem noted) if it never does. */
  async until(done: () => boolean, what: string, each: (turn: number) => void = () => {}): Promise<boolean> {
    for (let turn = 0; turn < kMaxTurns; turn++) {
      each(turn);
      if (done()) return true;
      this.watch(turn);
      await nextTurn();
    }
    this.problems.push(`${what}: still waiting after ${kMaxTurns} turns`);
    releaseFifos(worldEntries(this.world));
    return false;
  }

  /** Runs exactly one queued request of the paused context; false when none was queued. */
  async step(): Promise<boolean> {
    const { ctx } = this;
    if (ctx.nready === 0) return false;
    // Raising the limit starts the head request synchronously; lowering it again lets no other one in.
    ctx.maxParallel = 1;
    ctx.maxParallel = 0;
    return this.until(() => ctx.nexecute === 0 && ctx.npending === 0, 'one step');
  }
}

function outcomeOf(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | null;
  return String(e?.code ?? e?.name ?? err);
}

/**
 * Issues `op` on `ctx` (which runs `maxParallel` requests when not paused),
 * interrupts it after k steps of a paused context or after k turns, waits
 * until the context is idle, and flushes it.
 */
export async function runOp(ctx: AioContext, world: World, op: Op, maxParallel: number): Promise<Run> {
  const driver = new Driver(ctx, world);
  const controller = new AbortController();
  const stepping = op.cancel.by === 'steps';
  ctx.maxParallel = stepping ? 0 : maxParallel;
  let req: ReturnType<Start>;
  try {
    const start = (ctx as unknown as Record<string, Start>)[op.name] as Start;
    req = start.call(ctx, ...op.args, { signal: controller.signal });
  } catch (err) {
    ctx.maxParallel = maxParallel;
    return { result: `throw:${outcomeOf(err)}`, problems: [] };
  }
  let result: string | null = null;
  req.then(
    () => {
      result = 'ok';
    },
    (err: unknown) => {
      result = outcomeOf(err);
    },
  );
  const interrupt = () => {
    if (op.cancel.how === 'cancel') req.cancel(new Error('property cancel'));
    if (op.cancel.how === 'abort') controller.abort(new Error('property abort'));
  };
  if (stepping) {
    for (let i = 0; i < op.cancel.k && (await driver.step()); i++);
    interrupt();
    ctx.maxParallel = maxParallel;
  }
  const onTurn = (turn: number) => {
    if (!stepping && turn === op.cancel.k) interrupt();
  };
  const idle = await driver.until(() => ctx.nreqs === 0 && result !== null, `${op.name} to settle`, onTurn);
  if (idle) await ctx.flush();
  if (ctx.nreqs !== 0) driver.problems.push(`nreqs ${ctx.nreqs} after flush()`);
  return { result: result ?? 'never settled', problems: driver.problems };
}
