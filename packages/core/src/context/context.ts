import { selectPool } from '../backend-select.js';
import { invalidThis } from '../errors.js';
import { budgetFor, validateMaxOpenFds } from '../fd-budget.js';
import { AioGroup, type GroupOptions } from '../group.js';
import type { BackendName } from '../native-pool.js';
import type { CompositeOperation, SingleOperation } from '../operation.js';
import { AioQueue, type QueueOptions } from '../queue.js';
import { AioRequest, type RequestCallback, type RequestOptions } from '../request.js';
import {
  kDefaultMaxParallel,
  kDefaultNativeMaxParallel,
  Scheduler,
  validateMaxParallel,
} from '../scheduler.js';
import { validateFunction, validateObject, validatePriority, validateSignal } from '../validate.js';
import type { OperationMethods } from './methods.js';
import { registryEntries } from './registry.js';

/** Options of {@link createAio}. */
export interface AioOptions {
  /**
   * Which engine runs the requests: `'native'`, the addon's own thread pool
   * (IO::AIO's engine: priorities in the pool, Linux-only requests), or
   * `'fs'`, `node:fs` on libuv's pool. Default: the environment variable
   * `IOAIO_BACKEND` when set, else native where it can run. Asking for
   * native where it cannot run throws `ERR_AIO_BACKEND_UNAVAILABLE`.
   * @default 'auto'
   */
  backend?: 'native' | 'fs' | 'auto' | undefined;
  /**
   * How many requests of this context may be in libuv's thread pool at once;
   * 0 pauses execution. Integer 0..1024.
   * @default 8 (chosen in bench/RESULTS.md: the deepest setting that keeps a priority-4 read behind a flood within 1 ms)
   */
  maxParallel?: number | undefined;
  /**
   * How many descriptors this context's own requests may hold open at once:
   * fds from `open` until `close` (or `releaseFd`), directories of
   * `DirStream`s, and those copy, copytree and rmtree open inside. A request
   * that would open one more waits, in priority order, until one is closed;
   * a copy sets aside both of its descriptors at its first open, so copies
   * never wait on each other. Integer 2..2^31-1, or `Infinity` for no bound.
   * Descriptors opened with `node:fs`, and those a request opens and closes
   * inside itself (readdir, load), are not counted.
   * @default shared by every context without this option: the process's soft RLIMIT_NOFILE less a quarter (at least 64 left over), never below 16; 1024 where the limit cannot be read
   */
  maxOpenFds?: number | undefined;
}

export type { NameOf, OperationMethods, OperationName, ReaddirxEntries } from './methods.js';

/** The request options of one call, checked. */
interface ParsedOptions {
  readonly priority: number;
  readonly signal: AbortSignal | null;
  readonly callback: RequestCallback<unknown> | null;
}

// Perf: a call without options, the common case, shares this object and allocates nothing. Against
// module-level variables (bench/micro/options-parse.mjs, both builds interleaved in one process, six
// runs of 20 paired rounds), calls without options took 0.81-1.06x the time and calls with an options
// object 0.94-1.31x (median about 1.05x, some 8 ns of 150): within this machine's noise, so no globals.
const kNoOptions: ParsedOptions = Object.freeze({ priority: 0, signal: null, callback: null });

/**
 * Checks the options object of a call. Every getter is read once, and the
 * result is built from locals, so a getter that calls another method cannot
 * mix two calls' values.
 */
function parseOptions(options: unknown): ParsedOptions {
  if (options === undefined || options === null) return kNoOptions;
  const o = validateObject(options, 'options') as RequestOptions;
  const priority = validatePriority(o.priority);
  const signal = validateSignal(o.signal) ?? null;
  const callback =
    o.callback === undefined
      ? null
      : validateFunction<RequestCallback<unknown>>(o.callback, 'options.callback');
  return { priority, signal, callback };
}

/** The methods derived from the registry at class set-up (see the static block). */
export interface AioContext extends OperationMethods {}

/**
 * A context: its own ready queue, `maxParallel` and counters. Every operation
 * of the registry is a method that validates its arguments synchronously and
 * returns an {@link AioRequest} (an {@link AioGroup} for composites) at once.
 *
 * @example
 * const ctx = createAio({ maxParallel: 8 });
 * const st = await ctx.stat('/etc/passwd', { priority: 2 });
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class AioContext {
  readonly #scheduler: Scheduler;

  constructor(options?: AioOptions) {
    if (options !== undefined) validateObject(options, 'options');
    const pool = selectPool(options?.backend);
    const maxParallel =
      options?.maxParallel === undefined
        ? pool === null
          ? kDefaultMaxParallel
          : kDefaultNativeMaxParallel
        : validateMaxParallel(options.maxParallel, 'options.maxParallel');
    const maxOpenFds =
      options?.maxOpenFds === undefined
        ? undefined
        : validateMaxOpenFds(options.maxOpenFds, 'options.maxOpenFds');
    this.#scheduler = new Scheduler(maxParallel, pool, budgetFor(maxOpenFds));
  }

  /**
   * The engine this context's requests run on: `'native'` (the addon's pool)
   * or `'fs'` (`node:fs` on libuv's pool). Requests an operation cannot make
   * natively still run on `node:fs`; the README's table says which.
   */
  get backend(): BackendName {
    return this.#scheduler.pool === null ? 'fs' : 'native';
  }

  /**
   * How many requests may be in the thread pool at once; 0 pauses.
   * @see IO::AIO max_parallel
   */
  get maxParallel(): number {
    return this.#scheduler.maxParallel;
  }

  set maxParallel(value: number) {
    this.#scheduler.maxParallel = value;
  }

  /** Requests and groups not yet done. @see IO::AIO nreqs */
  get nreqs(): number {
    return this.#scheduler.nreqs;
  }

  /** Requests waiting in the ready queue. @see IO::AIO nready */
  get nready(): number {
    return this.#scheduler.nready;
  }

  /** Requests in the thread pool. */
  get nexecute(): number {
    return this.#scheduler.nexecute;
  }

  /** Requests finished in the pool whose result is not yet delivered. @see IO::AIO npending */
  get npending(): number {
    return this.#scheduler.npending;
  }

  /**
   * Resolves once `nreqs` is 0. With `maxParallel` 0 and requests queued it
   * waits until execution is resumed.
   * @see IO::AIO flush
   */
  flush(): Promise<void> {
    return this.#scheduler.flush();
  }

  /**
   * Makes an empty group; see {@link AioGroup}.
   * @see IO::AIO aio_group
   */
  group<R = undefined>(options?: GroupOptions<R>): AioGroup<R> {
    const { priority, callback, signal } = parseOptions(options);
    return new AioGroup<R>(this.#scheduler, priority, callback as RequestCallback<R> | null, signal);
  }

  /**
   * Makes a task queue with p-queue's everyday surface; see {@link AioQueue}.
   * @example
   * const queue = aio.queue({ concurrency: 16 });
   * const st = await queue.add(({ priority, signal }) => aio.stat('/etc/passwd', { priority, signal }));
   */
  queue(options?: QueueOptions): AioQueue {
    return new AioQueue(this, options);
  }

  /** The scheduler of `ctx`, or ERR_INVALID_THIS for a method called unbound (`const { stat } = aio`). */
  static #schedulerOf(ctx: unknown): Scheduler {
    if (typeof ctx === 'object' && ctx !== null && #scheduler in ctx) return ctx.#scheduler;
    throw invalidThis('AioContext');
  }

  static {
    const methods = AioContext.prototype as unknown as Record<string, unknown>;
    for (const [name, op] of registryEntries()) {
      const method =
        op.kind === 'single'
          ? singleMethod(op, AioContext.#schedulerOf)
          : compositeMethod(op, AioContext.#schedulerOf);
      Object.defineProperty(method, 'name', { value: name });
      Object.defineProperty(methods, name, { value: method, writable: true, configurable: true });
    }
  }
}

type SchedulerOf = (ctx: unknown) => Scheduler;

/** The method of a single operation: checks its arguments, then makes and queues one request. */
function singleMethod(op: SingleOperation<unknown[], unknown, unknown>, schedulerOf: SchedulerOf) {
  return function (this: unknown, ...params: unknown[]): AioRequest<unknown> {
    const scheduler = schedulerOf(this);
    const args = op.prepare(...params);
    // Invariant: the options are parsed last, right before use; prepare may read getters of the same object.
    const { priority, callback, signal } = parseOptions(params[op.optsIndex]);
    return new AioRequest(scheduler, op, args, priority, callback, signal);
  };
}

/** The method of a composite: checks its arguments, then makes the group and lets the composite start it. */
function compositeMethod(op: CompositeOperation<unknown[], unknown, unknown>, schedulerOf: SchedulerOf) {
  return function (this: AioContext, ...params: unknown[]): AioGroup<unknown> {
    const scheduler = schedulerOf(this);
    const args = op.prepare(...params);
    const { priority, callback, signal } = parseOptions(params[op.optsIndex]);
    const group = new AioGroup(scheduler, priority, callback, signal);
    op.start(this, args, group);
    return group;
  };
}

/**
 * Makes an isolated context: its own queue, limits and counters (the libuv
 * thread pool itself is shared by the whole process).
 * @example const ctx = createAio({ maxParallel: 4 });
 */
export function createAio(options?: AioOptions): AioContext {
  return new AioContext(options);
}
