import type { AioGroup } from './group.js';
import type { NativeRunner } from './native-pool.js';
import type { Done, Executable, RunningRequest } from './request.js';

/** What every descriptor states, whatever its kind. */
interface Descriptor<P extends unknown[], A> {
  /** The IO::AIO request it stands for (`aio_stat`), or null when it has none. */
  readonly perl: string | null;
  /** The system call named in errors (`err.syscall`). */
  readonly syscall: string;
  /** Position of the options object among the parameters. */
  readonly optsIndex: number;
  /**
   * Validates the arguments at the call, with the operation's public
   * signature (its parameter names and types become the method's); throws
   * `TypeError`/`RangeError` with Node's `ERR_*` codes and returns what the
   * operation needs to run. Never does I/O.
   */
  prepare(...params: P): A;
}

/**
 * A single request: validated at the call, run once. `run` says how it runs
 * on `node:fs`; `native`, when present, how it runs on the native pool (a
 * request without it runs on `node:fs` whatever the context's backend).
 */
export interface SingleOperation<P extends unknown[], A, T> extends Descriptor<P, A>, Executable<A, T> {
  readonly kind: 'single';
  run(args: A, done: Done<T>, req: RunningRequest): void;
  readonly native?: NativeRunner<A, T>;
  release?(value: T, released: () => void): void;
}

/**
 * A composite request: a group of single requests, built when called. `H`
 * is the type of the context its `start` is written against (`AioContext`),
 * a parameter so that this module need not import the context.
 */
export interface CompositeOperation<P extends unknown[], A, T, H = unknown> extends Descriptor<P, A> {
  readonly kind: 'composite';
  /** Adds the first members (or a feeder) to the group the method returns. */
  start(aio: H, args: A, group: AioGroup<T>): void;
}

/** Infers a single operation's types from its object. */
export function single<P extends unknown[], A, T>(
  op: Omit<SingleOperation<P, A, T>, 'kind'>,
): SingleOperation<P, A, T> {
  return { kind: 'single', ...op };
}

/** Infers a composite operation's types from its object. */
export function composite<P extends unknown[], A, T, H>(
  op: Omit<CompositeOperation<P, A, T, H>, 'kind'>,
): CompositeOperation<P, A, T, H> {
  return { kind: 'composite', ...op };
}

/** Calls `done` on the next tick: completions are never synchronous. */
export function later<T>(done: Done<T>, err: NodeJS.ErrnoException | null, value?: T): void {
  process.nextTick(done, err, value);
}
