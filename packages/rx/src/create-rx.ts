import {
  type AioContext,
  type OperationInfo,
  type OperationMethods,
  type OperationName,
  operations,
  type PathBytes,
  type PathLike,
} from '@ioaio/core';
import { defer, Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { forwardOutcome, fromRequest } from './from-request.js';
import { linkSignal } from './link-signal.js';
import { type ScandirIteratorOptions, scandirIterator } from './scandir-iterator.js';
import { type TreescanOptions, treescan } from './treescan.js';
import { type TreescanIteratorOptions, treescanIterator } from './treescan-iterator.js';

/** The Observable of what a core method's request resolves with. */
type Observed<R> = R extends PromiseLike<infer T> ? Observable<T> : never;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A core method with its return type turned into an Observable: same
 * parameters, `Observable<T>` where the method returns `AioRequest<T>` or
 * `AioGroup<T>`. Overloaded methods (`stat` with `{ bigint: true }`,
 * `walk` with `{ encoding: 'buffer' }`, …) keep both overloads.
 *
 * Invariant: the core's overloaded methods have two signatures; a third
 * would need a third arm here (this matches at most two).
 *
 * @example
 * type StatObservable = ObservableMethod<OperationMethods['stat']>;
 * // ((target, options?) => Observable<Stats>) & ((target, options: { bigint: true }) => Observable<BigIntStats>)
 */
export type ObservableMethod<F> = F extends {
  (...args: infer A1): infer R1;
  (...args: infer A2): infer R2;
}
  ? Same<A1, A2> extends true
    ? (...args: A1) => Observed<R1>
    : ((...args: A1) => Observed<R1>) & ((...args: A2) => Observed<R2>)
  : never;

/**
 * Every operation of a context as a cold Observable factory; see {@link createRx}.
 * @example
 * const ops: RxOperations = createRx(createAio());
 * const sizes = ops.stat('/etc/passwd').pipe(map((st) => st.size));
 */
export type RxOperations = { readonly [K in OperationName]: ObservableMethod<OperationMethods[K]> };

type Issue = (...params: unknown[]) => PromiseLike<unknown>;

/** Options the request can take with our signal merged in: absent, or an object whose `signal` is absent or a signal. */
function mergeable(options: unknown): options is { signal?: AbortSignal } | null | undefined {
  if (options === undefined || options === null) return true;
  if (typeof options !== 'object') return false;
  const signal = (options as { signal?: unknown }).signal;
  return signal === undefined || signal instanceof AbortSignal;
}

/**
 * The parameters with `signal` set in the options object at `optsIndex`;
 * omitted optional parameters before it stay undefined.
 */
function withSignal(
  params: unknown[],
  optsIndex: number,
  options: object | null | undefined,
  signal: AbortSignal,
) {
  const args = params.slice(0, optsIndex);
  args.length = optsIndex;
  args.push({ ...options, signal });
  return args;
}

/**
 * Issues one request for one subscriber, with its own signal linked to the
 * caller's. The teardown aborts only while the request is in flight: a
 * settled request holds nothing.
 */
function issueLinked(
  subscriber: Subscriber<unknown>,
  callerSignal: AbortSignal | undefined,
  issue: (signal: AbortSignal) => PromiseLike<unknown>,
): TeardownLogic {
  const controller = new AbortController();
  const unlink = linkSignal(callerSignal, controller);
  let settled = false;
  const markSettled = (): void => {
    settled = true;
    unlink();
  };
  try {
    forwardOutcome(issue(controller.signal), subscriber, markSettled);
  } catch (error) {
    unlink();
    throw error;
  }
  return () => {
    if (settled) return;
    unlink();
    controller.abort();
  };
}

function observableFactory(
  aio: AioContext,
  name: string,
  op: OperationInfo,
): (...params: unknown[]) => Observable<unknown> {
  const { optsIndex } = op;
  const issue = (aio as unknown as Record<string, Issue>)[name] as Issue;
  const factory = (...params: unknown[]): Observable<unknown> => {
    // Invariant: validate does no I/O, so a programmer error throws here, at its line, and nothing is queued.
    op.validate(...params);
    const options = params[optsIndex];
    // Not an options object: the core method throws its TypeError at subscription, which reaches `error`.
    if (!mergeable(options)) return defer(() => fromRequest(issue.apply(aio, params)));
    return new Observable((subscriber) =>
      issueLinked(subscriber, options?.signal, (signal) =>
        issue.apply(aio, withSignal(params, optsIndex, options, signal)),
      ),
    );
  };
  Object.defineProperty(factory, 'name', { value: name });
  return factory;
}

/**
 * Derives, from core's `operations` list, every operation of a context as a cold
 * Observable factory (and adds `fromRequest`, `treescan`,
 * `treescanIterator` and `scandirIterator` over the same context) with the method's parameters. Calling it validates the
 * arguments (a programmer error throws at the call, as the core methods do)
 * and queues nothing; each subscription issues one request with its own
 * `AbortController` as the `signal` (linked to the `signal` you pass, if
 * any), emits the value and completes, or errors with Node's error object.
 * Unsubscribing before the request settled cancels it: a queued request
 * never runs.
 *
 * @example
 * import { createAio } from '@ioaio/core';
 * import { createRx } from '@ioaio/rx';
 * const rx = createRx(createAio({ maxParallel: 8 }));
 * rx.stat('/etc/passwd', { priority: 2 }).subscribe((st) => console.log(st.size));
 */
export function createRx(aio: AioContext): Rx {
  const ops: Record<string, unknown> = {};
  for (const [name, op] of Object.entries(operations)) ops[name] = observableFactory(aio, name, op);
  const scans: RxScans = {
    fromRequest,
    treescan: ((root: PathLike, options?: TreescanOptions<PathBytes>) =>
      treescan(root, { aio, ...options } as TreescanOptions<string> & {
        encoding?: 'utf8';
      })) as typeof treescan,
    treescanIterator: ((root: PathLike, options?: TreescanIteratorOptions<PathBytes>) =>
      treescanIterator(root, { aio, ...options } as TreescanIteratorOptions<string> & {
        encoding?: 'utf8';
      })) as typeof treescanIterator,
    scandirIterator: ((path: PathLike, options?: ScandirIteratorOptions) =>
      scandirIterator(path, { aio, ...options } as ScandirIteratorOptions & {
        encoding?: 'utf8';
      })) as typeof scandirIterator,
  };
  return Object.freeze({ ...ops, ...scans }) as Rx;
}

/**
 * The scans of an rx object, bound to its context (an `aio` option still
 * overrides it).
 * @example
 * const { treescanIterator } = createRx(createAio({ maxParallel: 8 }));
 */
export interface RxScans {
  fromRequest: typeof fromRequest;
  treescan: typeof treescan;
  treescanIterator: typeof treescanIterator;
  scandirIterator: typeof scandirIterator;
}

/**
 * What {@link createRx} returns: every operation as an Observable factory,
 * and the scans over the same context.
 * @example
 * const rx: Rx = createRx(createAio());
 */
export type Rx = RxOperations & RxScans;
