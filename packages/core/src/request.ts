import { unwatchSignal, watchSignal } from './abort.js';
import { AbortError, isAbortError } from './errors.js';
import type { QueueEntry } from './priority-queue.js';

/** Where a request is in its life; see {@link AioRequest.state}. */
export type RequestState = 'ready' | 'execute' | 'pending' | 'result' | 'done';

/** `(err, value)`, Node's callback convention; `err` is null on success. */
export type RequestCallback<T> = (err: NodeJS.ErrnoException | null, value: T) => void;

/** The options every operation takes as its last argument. */
export interface RequestOptions<T = unknown> {
  /**
   * Integer from -4 to 4; a higher priority leaves the ready queue first,
   * and within one priority requests run first in, first out.
   * @default 0
   */
  priority?: number | undefined;
  /** Cancels the request when aborted; an already aborted signal means it never runs. */
  signal?: AbortSignal | undefined;
  /**
   * Called with `(err, value)` before the request counts as done, so it may
   * add further requests to a group and keep that group alive. A callback
   * that throws is reported as an uncaught exception.
   */
  callback?: RequestCallback<T> | undefined;
}

/** What a running operation may ask of its request. */
export interface RunningRequest {
  /** True once the request was cancelled; multi-step operations stop early. */
  readonly cancelled: boolean;
}

/** Completion of one execution: must be called exactly once, and never synchronously. */
export type Done<T> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** What the request needs of an operation to run it. */
export interface Executable<A, T> {
  run(args: A, done: Done<T>, req: RunningRequest): void;
  /**
   * Frees a value whose request was cancelled while it executed (closes an
   * fd), then calls `released` once; the request is done only after that.
   */
  release?(value: T, released: () => void): void;
}

/** A request as the scheduler sees it: a queue entry it can start. */
export interface SchedulableRequest extends QueueEntry {
  readonly priority: number;
  /** @internal */ _start(): void;
}

/** The scheduler as a request sees it. */
export interface RequestHost {
  nreqs: number;
  npending: number;
  /** @internal */ _submit(req: SchedulableRequest): void;
  /** @internal */ _unqueue(req: SchedulableRequest): void;
  /** @internal */ _executed(): void;
  /** @internal */ _done(): void;
}

/** The group a request may belong to, as the request sees it. */
export interface RequestParent {
  /** @internal */ _memberDone(member: object, err: unknown, taken: boolean): void;
}

const kStates: readonly RequestState[] = ['ready', 'execute', 'pending', 'result', 'done'];
const kReady = 0;
const kExecute = 1;
const kPending = 2;
const kResult = 3;
const kDone = 4;

/** The state takes the low three bits of `#bits`, the flags the next three, the priority + 4 the rest. */
const kStateMask = 7;
const kCancelled = 8;
const kObserved = 16;
const kFailed = 32;
const kPriorityShift = 6;

interface Deferred<T> {
  promise: Promise<T>;
  resolve?: (value: T) => void;
  reject?: (reason: unknown) => void;
}

let capturedResolve: ((value: unknown) => void) | undefined;
let capturedReject: ((reason: unknown) => void) | undefined;

/** The executor of every request's promise: it runs synchronously inside `new Promise`. */
function captureResolvers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

function reportUncaught(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}

/**
 * One file-system request. It is returned at once by every operation and is
 * `PromiseLike`: `await req` gives the value, or throws Node's error or an
 * {@link AbortError}.
 *
 * States, in order: `ready` (queued), `execute` (in the thread pool),
 * `pending` (finished there, result not yet delivered), `result` (callback
 * and promise reactions being delivered), `done`.
 *
 * Perf: the native promise is made on the first `then`, so a request nobody
 * awaits costs this object alone.
 *
 * @example
 * const req = aio.stat('/etc/passwd', { priority: 2 });
 * req.cancel();            // no-op once done
 * const st = await req;    // or rejects with an AbortError
 * @see IO::AIO IO::AIO::REQ
 */
export class AioRequest<T = unknown> implements PromiseLike<T>, SchedulableRequest {
  /** @internal */ _prev: QueueEntry | null = null;
  /** @internal */ _next: QueueEntry | null = null;
  /** @internal */ _group: RequestParent | null = null;

  readonly #host: RequestHost;
  #op: Executable<unknown, T> | null;
  #args: unknown;
  /** Perf: state, flags and priority in one small integer; a queued request is mostly this object. */
  #bits: number;

  get #state(): number {
    return this.#bits & kStateMask;
  }

  set #state(state: number) {
    this.#bits = (this.#bits & ~kStateMask) | state;
  }
  /** Perf: typed loosely so AioRequest<T> stays covariant in T (assignable to AioRequest<unknown>). */
  #callback: RequestCallback<never> | null;
  #signal: AbortSignal | null = null;
  /** The value, the error, or the pending AbortError of a cancelled execution. */
  #outcome: unknown;
  #deferred: Deferred<unknown> | null = null;

  /** @internal Made by a context's operation methods, never by users. */
  constructor(
    host: RequestHost,
    op: Executable<unknown, T> | null,
    args: unknown,
    priority: number,
    callback: RequestCallback<T> | null,
    signal: AbortSignal | null,
  ) {
    this.#host = host;
    this.#op = op;
    this.#args = args;
    this.#bits = ((priority + 4) << kPriorityShift) | kReady;
    this.#callback = callback as RequestCallback<never> | null;
    host.nreqs++;
    if (signal !== null) {
      if (signal.aborted) {
        const error = new AbortError(undefined, { cause: signal.reason });
        this.#bits |= kCancelled;
        this.#outcome = error;
        if (op === null) {
          // A group: cancelled from the start, it cancels what is added and settles when that is done.
          this.#state = kExecute;
          return;
        }
        // Never runs; delivered on a microtask so no callback fires inside the call that made it.
        this.#state = kPending;
        host.npending++;
        queueMicrotask(() => this.#deliver(error, undefined));
        return;
      }
      this.#signal = signal;
      watchSignal(signal, this);
    }
    if (op === null) this.#state = kExecute;
    else host._submit(this);
  }

  /** `'ready' | 'execute' | 'pending' | 'result' | 'done'`. */
  get state(): RequestState {
    return kStates[this.#state] as RequestState;
  }

  /** The priority it was queued with, -4..4. */
  get priority(): number {
    return (this.#bits >> kPriorityShift) - 4;
  }

  /**
   * Cancels the request. A ready request never runs and is done at once; an
   * executing one finishes in the pool, its result is released (an fd is
   * closed) and it rejects with an {@link AbortError} whose `cause` is
   * `reason`. Later states: no-op.
   * @see IO::AIO REQ->cancel
   */
  cancel(reason?: unknown): void {
    const state = this.#state;
    if (state === kReady) {
      this.#host._unqueue(this);
      this.#bits |= kCancelled;
      this.#deliver(new AbortError(undefined, { cause: reason }), undefined);
    } else if (state === kExecute && (this.#bits & kCancelled) === 0) {
      this.#bits |= kCancelled;
      this.#outcome = new AbortError(undefined, { cause: reason });
      this._cancelExecuting(reason);
    }
  }

  /**
   * Replaces the callback (`null` removes it); returns the request.
   * @see IO::AIO REQ->cb
   */
  cb(callback: RequestCallback<T> | null): this {
    if (callback !== null && typeof callback !== 'function') {
      throw Object.assign(new TypeError('The "callback" argument must be of type function or null'), {
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
    this.#callback = callback as RequestCallback<never> | null;
    return this;
  }

  // biome-ignore lint/suspicious/noThenProperty: a request is a thenable on purpose.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#bits |= kObserved;
    return (this.#promise() as Promise<T>).then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    this.#bits |= kObserved;
    return (this.#promise() as Promise<T>).finally(onfinally);
  }

  #promise(): Promise<unknown> {
    let deferred = this.#deferred;
    if (deferred !== null) return deferred.promise;
    if (this.#state === kDone) {
      const outcome = this.#outcome;
      deferred = {
        promise: this.#bits & kFailed ? Promise.reject(outcome) : Promise.resolve(outcome),
      };
    } else {
      // Perf: a shared executor, not a closure per request, hands over the resolvers.
      const promise = new Promise(captureResolvers);
      deferred = {
        promise,
        resolve: capturedResolve as (value: unknown) => void,
        reject: capturedReject as (reason: unknown) => void,
      };
    }
    this.#deferred = deferred;
    return deferred.promise;
  }

  /** @internal The scheduler hands the request to the thread pool. */
  _start(): void {
    this.#state = kExecute;
    const op = this.#op as Executable<unknown, T>;
    try {
      op.run(this.#args, (err, value) => this.#executed(err, value), this);
    } catch (err) {
      // Node's fs threw synchronously: report it as the request's failure, but asynchronously.
      process.nextTick(() => this.#executed(err as NodeJS.ErrnoException, undefined));
    }
  }

  /** True once cancelled (for operations that run in several steps). */
  get cancelled(): boolean {
    return (this.#bits & kCancelled) !== 0;
  }

  #executed(err: NodeJS.ErrnoException | null, value: T | undefined): void {
    if (this.#state !== kExecute) return; // a misbehaving operation called done twice
    this.#state = kPending;
    const host = this.#host;
    host.npending++;
    // Refill the pool before delivering: the threads get work while callbacks run.
    host._executed();
    if (this.#bits & kCancelled) {
      // Invariant: a request stays pending until its dropped value is released, so once
      // flush() resolves nothing it got is still held (an fd is closed, not closing).
      if (err === null && value !== undefined && this.#op?.release !== undefined) this.#release(value);
      else this.#deliver(this.#outcome as AbortError, undefined);
    } else {
      this.#deliver(err, value);
    }
  }

  #release(value: T): void {
    const release = this.#op?.release as (value: T, released: () => void) => void;
    const released = (): void => {
      if (this.#state === kPending) this.#deliver(this.#outcome as AbortError, undefined);
    };
    try {
      release(value, released);
    } catch (error) {
      reportUncaught(error);
      released();
    }
  }

  /** @internal Delivers an outcome: result state, callback, promise, group, done. */
  _deliver(err: unknown, value: T | undefined): void {
    this.#deliver(err, value);
  }

  /** @internal Hook for groups: cancel what an executing request holds. */
  _cancelExecuting(_reason: unknown): void {}

  /** @internal The AbortError a cancelled group finishes with. */
  get _cancellation(): unknown {
    return this.#bits & kCancelled ? this.#outcome : undefined;
  }

  #deliver(err: unknown, value: T | undefined): void {
    const host = this.#host;
    if (this.#state === kPending) host.npending--;
    this.#state = kResult;
    this.#op = null;
    this.#args = undefined;
    const signal = this.#signal;
    if (signal !== null) {
      this.#signal = null;
      unwatchSignal(signal, this);
    }
    const failed = err !== null && err !== undefined;
    if (failed) {
      this.#bits |= kFailed;
      this.#outcome = err;
    } else {
      this.#outcome = value;
    }
    const callback = this.#callback;
    const taken = callback !== null || (this.#bits & kObserved) !== 0;
    if (callback !== null) {
      this.#callback = null;
      try {
        (callback as RequestCallback<T | undefined>)(
          (failed ? err : null) as NodeJS.ErrnoException | null,
          value,
        );
      } catch (error) {
        reportUncaught(error);
      }
    }
    const deferred = this.#deferred;
    if (deferred !== null) {
      if (failed) deferred.reject?.(err);
      else deferred.resolve?.(value);
    }
    if (deferred !== null) {
      // Perf: the promise keeps the value now. Requests often wait in the queue long enough to reach
      // the old generation, and a value kept there too would survive every scavenge.
      this.#outcome = undefined;
    }
    this.#state = kDone;
    const group = this._group;
    if (group !== null) {
      this._group = null;
      group._memberDone(this, failed ? err : null, taken);
    } else if (failed && !taken && !isAbortError(err)) {
      // Nobody has seen this failure yet: it becomes the request's rejected promise, reported as an
      // unhandled rejection unless a `then` in this same microtask pass takes it, as with native promises.
      this.#deferred = { promise: Promise.reject(err) };
    }
    host._done();
  }
}
