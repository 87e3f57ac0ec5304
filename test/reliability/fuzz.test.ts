import { closeSync } from 'node:fs';
import { inspect } from 'node:util';
import { type AioContext, AioRequest, createAio } from '@ioaio/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { catchingEscapes, fdsUnder } from '../helpers/escapes.js';
import { batchArb, type Call, callArb, type Plan } from '../helpers/fuzz/arbitraries.js';
import { counters, drain, isAbortError, isArgumentError, isSystemError } from '../helpers/fuzz/outcomes.js';
import { argsOf, describeCall, makeSandbox, pausedSandbox, type Sandbox } from '../helpers/fuzz/sandbox.js';
import { kNames, kNeverRun, kOperations, kSchema } from '../helpers/fuzz/schema.js';
import { testSeed } from '../helpers/seeded.js';

/*
 * Argument fuzzing over every operation of the catalogue: the generators
 * and the sandbox they run in are in test/helpers/fuzz/ (its sandbox.ts
 * says why no fuzzed call can touch the runner's own files); this file
 * keeps the properties.
 */

const kRunsPerOperation = 120;
const seed = testSeed(0xf022);

/** What the fuzz did, printed with IOAIO_RELIABILITY_REPORT=1 (docs/RELIABILITY.md quotes it). */
const stats = {
  seed,
  paused: { calls: 0, requests: 0, thrown: {} as Record<string, number> },
  batches: {
    runs: 0,
    calls: 0,
    requests: 0,
    outcomes: {} as Record<string, number>,
    cancelStates: {} as Record<string, number>,
  },
};
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
afterAll(() => {
  if (process.env.IOAIO_RELIABILITY_REPORT) console.log(JSON.stringify(stats));
});

type Invoke = (...args: unknown[]) => unknown;
const methodOf = (ctx: AioContext, name: string) => (ctx as unknown as Record<string, Invoke>)[name];

/** A call that threw: it must be an argument error, thrown before anything was queued or called back. */
function expectRejectedAtTheDoor(err: unknown, ctx: AioContext, box: Sandbox, what: string): void {
  bump(stats.paused.thrown, String((err as { code?: unknown }).code));
  if (!isArgumentError(err)) throw new Error(`${what} threw ${inspect(err)}`);
  expect(counters(ctx), what).toEqual([0, 0, 0, 0]);
  expect(
    box.callbacks.map((c) => c.calls),
    what,
  ).toEqual(box.callbacks.map(() => 0));
}

/** A request cancelled before it ran: an AbortError with the right cause, its callback called once. */
async function expectCancelledCleanly(req: unknown, ctx: AioContext, box: Sandbox, what: string) {
  expect(req, what).toBeInstanceOf(AioRequest);
  stats.paused.requests++;
  const request = req as AioRequest<unknown>;
  const settled = request.then(
    () => null,
    (err: unknown) => err,
  );
  const reason = new Error('fuzz cancel');
  request.cancel(reason);
  ctx.maxParallel = 8;
  expect(await drain(ctx, 10_000), `${what} did not settle`).toBe(true);
  const err = await settled;
  expect(isAbortError(err), `${what} settled with ${inspect(err)}`).toBe(true);
  // Its cause: the reason given to cancel(), or the reason of the signal aborted before the call.
  expect((err as Error).cause, what).toBe(box.preAborted.length > 0 ? box.preAborted[0] : reason);
  expect(counters(ctx), what).toEqual([0, 0, 0, 0]);
  // The callback given (if any) is called exactly once, with the AbortError.
  expect(
    box.callbacks.map((c) => [c.calls, c.errors.every(isAbortError)]),
    what,
  ).toEqual(box.callbacks.map(() => [1, true]));
}

/** One generated call on a paused context: it throws an argument error, or it cancels cleanly. */
async function checkPausedCall(call: Call): Promise<void> {
  const box = pausedSandbox();
  const ctx = createAio({ maxParallel: 0 });
  const args = argsOf(call, box);
  const what = describeCall(call, args);
  let req: unknown;
  stats.paused.calls++;
  try {
    req = methodOf(ctx, call.name)?.(...args);
  } catch (err) {
    expectRejectedAtTheDoor(err, ctx, box, what);
    return;
  }
  await expectCancelledCleanly(req, ctx, box, what);
}

describe('argument fuzzing: every operation, on a paused context, cancelled before it runs', () => {
  it('has a schema for every operation of the catalogue, of the arity its options index says', () => {
    expect(Object.keys(kSchema).sort()).toEqual(kNames);
    expect(kNames.map((name) => [name, kSchema[name]?.length])).toEqual(
      kNames.map((name) => [name, kOperations[name]?.optsIndex]),
    );
  });

  for (const name of kNames) {
    it(`${name}: a request or a TypeError/RangeError with an ERR_ code, never anything else`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(callArb(name, 'wild'), callArb(name, 'mostly-valid')), checkPausedCall),
        { numRuns: kRunsPerOperation, seed },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------

const kBatches = 60;

/**
 * The library errors a request may settle with at run time, besides system errors and AbortErrors:
 * a copy whose source shrank under it (the fuzz truncates files concurrently), and a load or slurp
 * of a file larger than a Buffer can hold (the fuzz makes terabyte sparse files), as fs.readFile says.
 */
const kRuntimeCodes = new Set(['ERR_AIO_SHORT_COPY', 'ERR_FS_FILE_TOO_LARGE']);

/**
 * Turns a batch may take before it counts as hung. Generous: an fsync on a busy disk holds a pool
 * thread for a long time while the loop spins; a request stuck for good never comes back at all.
 */
const kMaxTurns = 300_000;

/** Turn after which whatever still runs is cancelled, so a fuzzed terabyte copy cannot run for hours. */
const kCutoffTurn = 60;

interface Issued {
  what: string;
  name: string;
  req: AioRequest<unknown>;
  outcome: Promise<[unknown, unknown]>;
}

/**
 * One batch in a sandbox: its calls issued on a paused context, their
 * cancels scheduled by turn or by callback, then run until idle.
 */
class Batch {
  readonly box = makeSandbox();
  readonly ctx = createAio({ maxParallel: 0 });
  readonly issued: Issued[] = [];
  readonly offenders: string[] = [];
  readonly #byTurn = new Map<number, (() => void)[]>();
  readonly #inCallback = new Map<number, (() => void)[]>();
  #callbacksSeen = 0;

  constructor() {
    this.box.onCallback = () => this.callbackSite();
  }

  /** Callbacks (result state) and promise reactions of the batch are both places to cancel from. */
  callbackSite(): void {
    for (const action of this.#inCallback.get(this.#callbacksSeen++) ?? []) action();
  }

  /** Makes the call; a throw must be an argument error, a return must be a request. */
  issue(call: Call, plan: Plan): void {
    const before = this.box.controllers.length;
    const args = argsOf(call, this.box);
    const what = describeCall(call, args);
    let req: unknown;
    stats.batches.calls++;
    try {
      req = methodOf(this.ctx, call.name)?.(...args);
    } catch (err) {
      if (!isArgumentError(err)) this.offenders.push(`${what} threw ${inspect(err)}`);
      return;
    }
    if (!(req instanceof AioRequest)) {
      this.offenders.push(`${what} returned ${inspect(req)}`);
      return;
    }
    const controller = this.box.controllers.length > before ? (this.box.controllers.at(-1) ?? null) : null;
    this.track(what, call.name, req);
    this.schedule(call.name, plan, req, controller);
  }

  track(what: string, name: string, req: AioRequest<unknown>): void {
    const outcome = req.then(
      (value: unknown): [unknown, unknown] => {
        this.callbackSite();
        return [null, value];
      },
      (err: unknown): [unknown, unknown] => {
        this.callbackSite();
        return [err, undefined];
      },
    );
    this.issued.push({ what, name, req, outcome });
    stats.batches.requests++;
  }

  /** Arms the request's cancel plan: now, after some turns, or from some callback. */
  schedule(name: string, plan: Plan, req: AioRequest<unknown>, controller: AbortController | null): void {
    const stop = () => {
      bump(stats.batches.cancelStates, `${plan.p}:${req.state}`);
      if (plan.p === 'signal' && controller !== null) controller.abort(new Error('fuzz abort'));
      else req.cancel(new Error('fuzz cancel'));
    };
    const at = (map: Map<number, (() => void)[]>, key: number) =>
      map.set(key, [...(map.get(key) ?? []), stop]);
    if (plan.p === 'ready' || kNeverRun.has(name) || kSchema[name] === undefined) req.cancel();
    else if (plan.p === 'turns' || plan.p === 'signal') at(this.#byTurn, plan.k);
    else if (plan.p === 'callback') at(this.#inCallback, plan.j);
  }

  /** Resumes the context and turns until idle, cancelling on schedule and everything at the cut-off. */
  async run(escapes: readonly string[]): Promise<void> {
    this.ctx.maxParallel = 8;
    const settled = await drain(this.ctx, kMaxTurns, (turn) => {
      for (const action of this.#byTurn.get(turn) ?? []) action();
      if (turn === kCutoffTurn) for (const { req } of this.issued) req.cancel(new Error('cut-off'));
      // An escaped exception fails the batch already; a request it left behind never finishes.
      return escapes.length > 0;
    });
    if (settled) return;
    const stuck = this.issued.filter((i) => i.req.state !== 'done').map((i) => `${i.req.state}: ${i.what}`);
    this.offenders.push(
      `the batch did not settle (counters ${counters(this.ctx).join(',')}): ${stuck.join('; ')}`,
    );
  }

  /** Checks how each finished request settled; returns the descriptors the batch opened on purpose. */
  async judge(): Promise<Set<number>> {
    const opened = new Set<number>(this.box.fds);
    for (const entry of this.issued) {
      // A request that never finished is reported by run(); its promise never settles.
      if (entry.req.state !== 'done') continue;
      const [err, value] = await entry.outcome;
      const code = err === null ? 'ok' : String((err as { code?: unknown }).code);
      bump(stats.batches.outcomes, `${entry.name}:${code}`);
      if (entry.name === 'open' && err === null && typeof value === 'number') opened.add(value);
      if (err === null || isSystemError(err) || isAbortError(err) || kRuntimeCodes.has(code)) continue;
      this.offenders.push(`${entry.what} failed with ${inspect(err, { depth: 1 })}`);
    }
    return opened;
  }
}

describe('argument fuzzing: random batches over every operation that run in a sandbox', () => {
  it('every failure is a system error or an AbortError; nothing escapes, hangs or leaks a descriptor', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (calls) => {
        stats.batches.runs++;
        const batch = new Batch();
        const escaped = await catchingEscapes(async (escapes) => {
          for (const { call, plan } of calls) batch.issue(call, plan);
          await batch.run(escapes);
        });
        const opened = await batch.judge();
        // A stream read part way holds its directory open until closed, by design.
        for (const stream of batch.box.streams) stream.close();
        const now = fdsUnder(batch.box.dir);
        const leaked = now.filter((fd) => !opened.has(fd));
        for (const fd of now) closeSync(fd);
        // A callback of a request that was made is called exactly once (those of calls that threw: never).
        const repeatedCallbacks = batch.box.callbacks.map((c) => c.calls).filter((n) => n > 1);
        expect({
          offenders: batch.offenders,
          escaped,
          leaked,
          counters: counters(batch.ctx),
          repeatedCallbacks,
        }).toEqual({ offenders: [], escaped: [], leaked: [], counters: [0, 0, 0, 0], repeatedCallbacks: [] });
      }),
      { numRuns: kBatches, seed },
    );
  }, 300_000);
});
