import type { BigIntStats, Stats } from 'node:fs';
import { catalogue } from './catalogue/index.js';
import type { StatOptions } from './catalogue/metadata.js';
import type { NameOptions } from './catalogue/names.js';
import type { CompositeOperation, SingleOperation } from './catalogue/operation.js';
import type { ScandirOptions, ScandirResult } from './composite/scandir.js';
import type { WalkOptions, WalkResult } from './composite/walk.js';
import { AioGroup, type GroupOptions } from './group.js';
import { AioRequest, type Executable, type RequestCallback, type RequestOptions } from './request.js';
import { kDefaultMaxParallel, Scheduler, validateMaxParallel } from './scheduler.js';
import {
  type PathLike,
  validateFunction,
  validateObject,
  validatePriority,
  validateSignal,
} from './validate.js';

/** Options of {@link createAio}. */
export interface AioOptions {
  /**
   * How many requests of this context may be in libuv's thread pool at once;
   * 0 pauses execution. Integer 0..1024.
   * @default 8 (chosen in bench/RESULTS.md: the deepest setting that keeps a priority-4 read behind a flood within 1 ms)
   */
  maxParallel?: number | undefined;
}

type Catalogue = typeof catalogue;

/** The method an operation becomes: same parameters, returns its request. */
export type OperationMethod<O> =
  O extends SingleOperation<infer P, infer _A, infer T>
    ? (...params: P) => AioRequest<T>
    : O extends CompositeOperation<infer P, infer _A, infer T>
      ? (...params: P) => AioGroup<T>
      : never;

type Derived = { [K in keyof Catalogue]: OperationMethod<Catalogue[K]> };

type WithBuffers<O> = Omit<O, 'encoding'> & { encoding: 'buffer' };
type WithStrings<O> = Omit<O, 'encoding'> & { encoding?: BufferEncoding | undefined };

/**
 * The few methods whose value type depends on an option (`bigint`,
 * `encoding: 'buffer'`): overloads over the derived signatures.
 */
export interface OptionTypedMethods {
  /** @see IO::AIO aio_stat */
  stat(target: PathLike | number, options?: StatOptions & { bigint?: false | undefined }): AioRequest<Stats>;
  stat(
    target: PathLike | number,
    options: StatOptions<BigIntStats> & { bigint: true },
  ): AioRequest<BigIntStats>;
  /** @see IO::AIO aio_lstat */
  lstat(target: PathLike | number, options?: StatOptions & { bigint?: false | undefined }): AioRequest<Stats>;
  lstat(
    target: PathLike | number,
    options: StatOptions<BigIntStats> & { bigint: true },
  ): AioRequest<BigIntStats>;
  /** @see IO::AIO aio_readdir */
  readdir(path: PathLike, options?: WithStrings<NameOptions<string[]>>): AioRequest<string[]>;
  readdir(path: PathLike, options: WithBuffers<NameOptions<Buffer[]>>): AioRequest<Buffer[]>;
  /** @see IO::AIO aio_readlink */
  readlink(path: PathLike, options?: WithStrings<NameOptions<string>>): AioRequest<string>;
  readlink(path: PathLike, options: WithBuffers<NameOptions<Buffer>>): AioRequest<Buffer>;
  /** @see IO::AIO aio_realpath */
  realpath(path: PathLike, options?: WithStrings<NameOptions<string>>): AioRequest<string>;
  realpath(path: PathLike, options: WithBuffers<NameOptions<Buffer>>): AioRequest<Buffer>;
  /** @see IO::AIO aio_scandir */
  scandir(path: PathLike, options?: WithStrings<ScandirOptions>): AioGroup<ScandirResult<string>>;
  scandir(path: PathLike, options: WithBuffers<ScandirOptions>): AioGroup<ScandirResult<Buffer>>;
  /** Walks a tree; see {@link WalkOptions}. */
  walk(
    root: PathLike,
    options?: WalkOptions<string> & { encoding?: 'utf8' | 'latin1' | undefined },
  ): AioGroup<WalkResult>;
  walk(root: PathLike, options: WalkOptions<Buffer> & { encoding: 'buffer' }): AioGroup<WalkResult>;
}

type Overloaded = keyof OptionTypedMethods;

/** Every operation of the catalogue, as a method. */
export type OperationMethods = Omit<Derived, Overloaded> & OptionTypedMethods;

/** Names of the operations in the catalogue. */
export type OperationName = keyof Catalogue;

// Perf: the options of the call being made, parsed without allocating. parseOptions fills them last,
// from locals, so a getter on the options object that calls another method cannot mix two calls' values.
let optPriority = 0;
let optSignal: AbortSignal | null = null;
let optCallback: RequestCallback<unknown> | null = null;

function parseOptions(options: unknown): void {
  if (options === undefined || options === null) {
    optPriority = 0;
    optSignal = null;
    optCallback = null;
    return;
  }
  const o = validateObject(options, 'options') as RequestOptions;
  const priority = validatePriority(o.priority);
  const signal = validateSignal(o.signal) ?? null;
  const callback =
    o.callback === undefined
      ? null
      : validateFunction<RequestCallback<unknown>>(o.callback, 'options.callback');
  optPriority = priority;
  optSignal = signal;
  optCallback = callback;
}

/** The methods derived from the catalogue at class set-up (see the static block). */
export interface AioContext extends OperationMethods {}

/**
 * A context: its own ready queue, `maxParallel` and counters. Every operation
 * of the catalogue is a method that validates its arguments synchronously and
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
    const maxParallel =
      options?.maxParallel === undefined
        ? kDefaultMaxParallel
        : validateMaxParallel(options.maxParallel, 'options.maxParallel');
    this.#scheduler = new Scheduler(maxParallel);
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
    parseOptions(options);
    return new AioGroup<R>(this.#scheduler, optPriority, optCallback as RequestCallback<R> | null, optSignal);
  }

  static {
    const methods = AioContext.prototype as unknown as Record<string, unknown>;
    /** The scheduler of `ctx`, or ERR_INVALID_THIS for a method called unbound (`const { stat } = aio`). */
    const schedulerOf = (ctx: unknown): Scheduler => {
      if (typeof ctx !== 'object' || ctx === null || !(#scheduler in ctx)) {
        throw Object.assign(new TypeError('Value of "this" must be of type AioContext'), {
          code: 'ERR_INVALID_THIS',
        });
      }
      return ctx.#scheduler;
    };
    for (const [name, op] of Object.entries(catalogue) as [string, Operation][]) {
      const method =
        op.kind === 'single'
          ? function (this: AioContext, ...params: unknown[]) {
              const scheduler = schedulerOf(this);
              const args = op.prepare(...params);
              // Invariant: parsed right before use; prepare may read option getters, parseOptions last.
              parseOptions(params[op.optsIndex]);
              return new AioRequest(scheduler, op, args, optPriority, optCallback, optSignal);
            }
          : function (this: AioContext, ...params: unknown[]) {
              const scheduler = schedulerOf(this);
              const args = op.prepare(...params);
              parseOptions(params[op.optsIndex]);
              const group = new AioGroup(scheduler, optPriority, optCallback, optSignal);
              op.start(this, args, group);
              return group;
            };
      Object.defineProperty(method, 'name', { value: name });
      Object.defineProperty(methods, name, { value: method, writable: true, configurable: true });
    }
  }
}

type Operation =
  | (SingleOperation<unknown[], unknown, unknown> & Executable<unknown, unknown>)
  | CompositeOperation<unknown[], unknown, unknown>;

/**
 * Makes an isolated context: its own queue, limits and counters (the libuv
 * thread pool itself is shared by the whole process).
 * @example const ctx = createAio({ maxParallel: 4 });
 */
export function createAio(options?: AioOptions): AioContext {
  return new AioContext(options);
}
