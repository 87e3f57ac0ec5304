import type { AioContext } from '../context.js';
import type { AioGroup, GroupOptions } from '../group.js';
import type { Done, Executable, RunningRequest } from '../request.js';

/**
 * A single request: validated at the call, run once on `node:fs`.
 * `prepare` has the public signature of the operation (its parameter names
 * and types become the method's); it throws `TypeError`/`RangeError` with
 * Node's `ERR_*` codes and returns what `run` needs.
 */
export interface SingleOperation<P extends unknown[], A, T> extends Executable<A, T> {
  readonly kind: 'single';
  /** The IO::AIO request it stands for, if any. */
  readonly perl: string | null;
  /** The system call named in errors (`err.syscall`). */
  readonly syscall: string;
  /** Position of the options object among the parameters. */
  readonly optsIndex: number;
  prepare(...params: P): A;
  run(args: A, done: Done<T>, req: RunningRequest): void;
  release?(value: T, released: () => void): void;
}

/** A composite request: a group of single requests, built when called. */
export interface CompositeOperation<P extends unknown[], A, T> {
  readonly kind: 'composite';
  readonly perl: string | null;
  readonly syscall: string;
  readonly optsIndex: number;
  prepare(...params: P): A;
  start(aio: AioContext, args: A, group: AioGroup<T>): void;
  /** Options of the group the composite runs in. */
  groupOptions?(args: A, options: GroupOptions<T>): GroupOptions<T>;
}

/** Infers a single operation's types from its object. */
export function single<P extends unknown[], A, T>(
  op: Omit<SingleOperation<P, A, T>, 'kind'>,
): SingleOperation<P, A, T> {
  return { kind: 'single', ...op };
}

/** Infers a composite operation's types from its object. */
export function composite<P extends unknown[], A, T>(
  op: Omit<CompositeOperation<P, A, T>, 'kind'>,
): CompositeOperation<P, A, T> {
  return { kind: 'composite', ...op };
}

/** Calls `done` on the next tick: completions are never synchronous. */
export function later<T>(done: Done<T>, err: NodeJS.ErrnoException | null, value?: T): void {
  process.nextTick(done, err, value);
}
