import { unwatchSignal, watchSignal } from './abort.js';
import { AbortError, invalidArgType, isAbortError } from './errors.js';
import type { FdBudget } from './fd-budget.js';
import type { NativeRunner } from './native-pool.js';
import { QueueEntry } from './priority-queue.js';
import {
  fdBudgetOf,
  requestDone,
  requestExecuted,
  type SchedulableRequest,
  type Scheduler,
  setRequestStarter,
  submitRequest,
  unqueueRequest,
} from './scheduler.js';

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
  /** The priority it was queued with, -4..4: the native pool orders its own queue by it. */
  readonly priority: number;
}

/** Completion of one execution: must be called exactly once, and never synchronously. */
export type Done<T> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** What the request needs of an operation to run it. */
export interface Executable<A, T> {
  run(args: A, done: Done<T>, req: RunningRequest): void;
  /** How it runs on the native pool, when it can; false: run it on node:fs after all. */
  readonly native?: NativeRunner<A, T> | undefined;
  /**
   * Frees a value whose request was cancelled while it executed (closes an
   * fd), then calls `released` once; the request is done only after that.
   */
  release?(value: T, released: () => void): void;
  /**
   * True when cancelling cannot take back what the operation does once it
   * runs (a close): `cancel()` is then a no-op from the `execute` state on,
   * and the request settles with its real outcome. A ready one still cancels.
   */
  readonly settlesOnceStarted?: boolean;
}

/** How a request reaches the group it belongs to; set once by the group module. */
export interface GroupHooks {
  /** A member finished (after its callback returned); `err` is null for success and cancellation. */
  memberDone(group: AioRequest<unknown>, member: AioRequest<unknown>, err: unknown, taken: boolean): void;
  /** An executing group was cancelled: it cancels its members and feeder. */
  cancelExecuting(group: AioRequest<unknown>, reason: unknown): void;
}

let groupHooks: GroupHooks = {
  memberDone: () => {},
  cancelExecuting: () => {},
};

/** The group module hands over, once, what a request calls on its group. */
export function setGroupHooks(hooks: GroupHooks): void {
  groupHooks = hooks;
}

const kStates: readonly RequestState[] = ['ready', 'execute', 'pending', 'result', 'done'];
const kReady = 0;
const kExecute = 1;
const kPending = 2;
const kResult = 3;
const kDone = 4;

// The layout of `#bits`: the state in the low three bits, six flags, then the priority + 4.
const kStateMask = 7;
/** cancel() or the signal reached the request. */
const kCancelled = 8;
/** A then/catch/finally was attached: a failure is taken. */
const kObserved = 16;
/** The outcome is an error (or a cancellation). */
const kFailed = 32;
/** `#outcome` holds the cancellation's reason; its AbortError is not built yet. */
const kReasonOnly = 64;
/** Past a composite's commit point: cancel() and the signal no longer reach it (see commitRequest). */
const kCommitted = 128;
/** A cancel reached a committed request: `#outcome` keeps its reason in case the commit is undone. */
const kCancelDeferred = 256;
const kPriorityShift = 9;

function packBits(priority: number, state: number): number {
  return ((priority + 4) << kPriorityShift) | state;
}

function stateOf(bits: number): number {
  return bits & kStateMask;
}

function withState(bits: number, state: number): number {
  return (bits & ~kStateMask) | state;
}

function hasFlag(bits: number, flag: number): boolean {
  return (bits & flag) !== 0;
}

function priorityOf(bits: number): number {
  return (bits >> kPriorityShift) - 4;
}

/** What `#deliver` gets for a cancellation: the reason waits in `#outcome`. */
const kAborted: unique symbol = Symbol('aborted');

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

// Handed out by the class's static block: module functions over its private members.
let parentOf: (req: AioRequest<unknown>) => AioRequest<unknown> | null;
let hostOf: (req: AioRequest<unknown>) => Scheduler;
let setParent: (req: AioRequest<unknown>, group: AioRequest<unknown> | null) => void;
let deliver: (req: AioRequest<unknown>, err: unknown, value: unknown) => void;
let cancelReason: (req: AioRequest<unknown>) => unknown;
let commit: (req: AioRequest<unknown>) => boolean;
let reopen: (req: AioRequest<unknown>) => void;

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
export class AioRequest<T = unknown> extends QueueEntry implements PromiseLike<T>, SchedulableRequest {
  readonly #host: Scheduler;
  #op: Executable<unknown, T> | null;
  #args: unknown;
  /** Perf: state, flags and priority in one small integer; a queued request is mostly this object. */
  #bits: number;
  /** Perf: typed loosely so AioRequest<T> stays covariant in T (assignable to AioRequest<unknown>). */
  #callback: RequestCallback<never> | null;
  #signal: AbortSignal | null = null;
  #parent: AioRequest<unknown> | null = null;
  /** The value, the error, or the reason of a cancellation (see `kReasonOnly`). */
  #outcome: unknown;
  #deferred: Deferred<unknown> | null = null;

  static {
    setRequestStarter((req) => (req as AioRequest<unknown>).#start());
    parentOf = (req) => req.#parent;
    hostOf = (req) => req.#host;
    setParent = (req, group) => {
      req.#parent = group;
    };
    deliver = (req, err, value) => req.#deliver(err, value);
    cancelReason = (req) => req.#cancelReason();
    commit = (req) => req.#commit();
    reopen = (req) => req.#reopen();
  }

  /**
   * Made by a context's operation methods (`aio.stat(…)`, `aio.group()`), never by users.
   * @param host The scheduler of the context the request belongs to.
   * @param op The operation, or null for a group (which never enters the pool).
   */
  constructor(
    host: Scheduler,
    op: Executable<unknown, T> | null,
    args: unknown,
    priority: number,
    callback: RequestCallback<T> | null,
    signal: AbortSignal | null,
  ) {
    super();
    this.#host = host;
    this.#op = op;
    this.#args = args;
    this.#bits = packBits(priority, kReady);
    this.#callback = callback as RequestCallback<never> | null;
    host.nreqs++;
    if (signal !== null) {
      if (signal.aborted) {
        this.#startCancelled(signal.reason);
        return;
      }
      this.#signal = signal;
      watchSignal(signal, this);
    }
    if (op === null) this.#state = kExecute;
    else submitRequest(host, this);
  }

  /** Made with an aborted signal: a request never runs, a group cancels whatever is added to it. */
  #startCancelled(reason: unknown): void {
    this.#bits |= kCancelled | kReasonOnly;
    this.#outcome = reason;
    if (this.#op === null) {
      this.#state = kExecute;
      return;
    }
    // Delivered on a microtask so no callback fires inside the call that made it.
    this.#state = kPending;
    this.#host.npending++;
    queueMicrotask(() => this.#deliver(kAborted, undefined));
  }

  get #state(): number {
    return stateOf(this.#bits);
  }

  set #state(state: number) {
    this.#bits = withState(this.#bits, state);
  }

  #has(flag: number): boolean {
    return hasFlag(this.#bits, flag);
  }

  /** `'ready' | 'execute' | 'pending' | 'result' | 'done'`. */
  get state(): RequestState {
    return kStates[this.#state] as RequestState;
  }

  /** The priority it was queued with, -4..4. */
  get priority(): number {
    return priorityOf(this.#bits);
  }

  /** True once cancelled (for operations that run in several steps). */
  get cancelled(): boolean {
    return this.#has(kCancelled);
  }

  /**
   * Cancels the request. A ready request never runs and is done at once; an
   * executing one finishes in the pool, its result is released (an fd is
   * closed) and it rejects with an {@link AbortError} whose `cause` is
   * `reason`. A `close` that is executing is not cancelled: it settles with
   * its real outcome; nor is a composite past its commit point (a `copy`
   * whose final rename was issued). Later states: no-op.
   * @see IO::AIO REQ->cancel
   */
  cancel(reason?: unknown): void {
    const state = this.#state;
    if (state === kReady) {
      unqueueRequest(this.#host, this);
      this.#markCancelled(reason);
      this.#deliver(kAborted, undefined);
    } else if (state === kExecute && !this.#has(kCancelled)) {
      const op = this.#op;
      if (op?.settlesOnceStarted === true) return;
      if (this.#has(kCommitted)) return this.#deferCancel(reason);
      this.#markCancelled(reason);
      // Invariant: only a group executes without an operation.
      if (op === null) groupHooks.cancelExecuting(this as AioRequest<unknown>, reason);
    }
  }

  /** Perf: keeps the reason only; the AbortError is built when something observes it. */
  #markCancelled(reason: unknown): void {
    this.#bits |= kCancelled | kReasonOnly;
    this.#outcome = reason;
  }

  #commit(): boolean {
    if (this.#state !== kExecute || this.#has(kCancelled)) return false;
    this.#bits |= kCommitted;
    return true;
  }

  /** Invariant: only the first cancel counts, as for a request that is not committed. */
  #deferCancel(reason: unknown): void {
    if (this.#has(kCancelDeferred)) return;
    this.#bits |= kCancelDeferred;
    this.#outcome = reason;
  }

  #reopen(): void {
    if (!this.#has(kCommitted) || this.#state !== kExecute) return;
    this.#bits &= ~kCommitted;
    if (!this.#has(kCancelDeferred)) return;
    this.#bits &= ~kCancelDeferred;
    const reason = this.#outcome;
    this.#outcome = undefined;
    this.cancel(reason);
  }

  /** The AbortError of a cancellation, built on first use. */
  #abortError(): unknown {
    if (this.#has(kReasonOnly)) {
      this.#outcome = new AbortError(undefined, { cause: this.#outcome });
      this.#bits &= ~kReasonOnly;
    }
    return this.#outcome;
  }

  #cancelReason(): unknown {
    if (!this.#has(kCancelled)) return undefined;
    if (this.#has(kReasonOnly)) return this.#outcome;
    return (this.#outcome as Error | undefined)?.cause;
  }

  /**
   * Replaces the callback (`null` removes it); returns the request.
   * @see IO::AIO REQ->cb
   */
  cb(callback: RequestCallback<T> | null): this {
    if (callback !== null && typeof callback !== 'function') {
      throw invalidArgType('callback', 'of type function or null', callback);
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
      deferred = {
        promise: this.#has(kFailed) ? Promise.reject(this.#failure()) : Promise.resolve(this.#outcome),
      };
    } else {
      // Perf: a shared executor, not a closure per request, hands over the resolvers.
      const promise = new Promise(captureResolvers);
      deferred = {
        promise,
        resolve: capturedResolve as (value: unknown) => void,
        reject: capturedReject as (reason: unknown) => void,
      };
      // Invariant: the module keeps no resolver once handed over (it would keep this promise,
      // and the value it settles with, alive until the next request made one).
      capturedResolve = undefined;
      capturedReject = undefined;
    }
    this.#deferred = deferred;
    return deferred.promise;
  }

  /** The error of a failed request: its own, or the AbortError of its cancellation. */
  #failure(): unknown {
    return this.#has(kReasonOnly) ? this.#abortError() : this.#outcome;
  }

  /** The scheduler hands the request to the thread pool. */
  #start(): void {
    this.#state = kExecute;
    const op = this.#op as Executable<unknown, T>;
    const done: Done<T> = (err, value) => this.#executed(err, value);
    try {
      const pool = this.#host.pool;
      if (pool === null || op.native === undefined || !op.native(pool, this.#args, done, this))
        op.run(this.#args, done, this);
    } catch (err) {
      // Node's fs threw synchronously: report it as the request's failure, but asynchronously.
      process.nextTick(() => this.#executed(err as NodeJS.ErrnoException, undefined));
    }
  }

  #executed(err: NodeJS.ErrnoException | null, value: T | undefined): void {
    if (this.#state !== kExecute) return; // a misbehaving operation called done twice
    this.#state = kPending;
    const host = this.#host;
    host.npending++;
    // Refill the pool before delivering: the threads get work while callbacks run.
    requestExecuted(host);
    if (!this.#has(kCancelled)) {
      this.#deliver(err, value);
    } else if (err === null && value !== undefined && this.#op?.release !== undefined) {
      // Invariant: a request stays pending until its dropped value is released, so once
      // flush() resolves nothing it got is still held (an fd is closed, not closing).
      this.#release(value);
    } else {
      this.#deliver(kAborted, undefined);
    }
  }

  #release(value: T): void {
    const release = this.#op?.release as (value: T, released: () => void) => void;
    const released = (): void => {
      if (this.#state === kPending) this.#deliver(kAborted, undefined);
    };
    try {
      release(value, released);
    } catch (error) {
      reportUncaught(error);
      released();
    }
  }

  /** Delivers an outcome (`kAborted`: the cancellation): result state, callback, promise, group, done. */
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
    const aborted = err === kAborted;
    const failed = aborted || (err !== null && err !== undefined);
    if (failed) this.#bits |= kFailed;
    if (!aborted) {
      this.#bits &= ~kReasonOnly;
      this.#outcome = failed ? err : value;
    }
    const taken = this.#callback !== null || this.#has(kObserved);
    this.#callBack(failed, value);
    this.#settlePromise(failed, value);
    this.#state = kDone;
    const parent = this.#parent;
    if (parent !== null) {
      this.#parent = null;
      // Invariant: a group never collects a cancellation; nor builds its AbortError.
      groupHooks.memberDone(parent, this as AioRequest<unknown>, failed && !aborted ? err : null, taken);
    } else if (failed && !aborted && !taken && !isAbortError(err)) {
      // Nobody has seen this failure yet: it becomes the request's rejected promise, reported as an
      // unhandled rejection unless a `then` in this same microtask pass takes it, as with native promises.
      this.#deferred = { promise: Promise.reject(err) };
    }
    requestDone(host);
  }

  #callBack(failed: boolean, value: T | undefined): void {
    const callback = this.#callback;
    if (callback === null) return;
    this.#callback = null;
    try {
      (callback as RequestCallback<T | undefined>)(
        (failed ? this.#failure() : null) as NodeJS.ErrnoException | null,
        value,
      );
    } catch (error) {
      reportUncaught(error);
    }
  }

  #settlePromise(failed: boolean, value: T | undefined): void {
    const deferred = this.#deferred;
    if (deferred === null) return;
    if (failed) deferred.reject?.(this.#failure());
    else deferred.resolve?.(value);
    // Perf: the promise keeps the value now. Requests often wait in the queue long enough to reach
    // the old generation, and a value kept there too would survive every scavenge.
    this.#outcome = undefined;
    this.#bits &= ~kReasonOnly;
  }
}

// The engine's surface for groups: module functions over private state, not exported from index.ts,
// so a user's editor never sees them.

/** The group a request belongs to, or null. */
export function groupOf(req: AioRequest<unknown>): AioRequest<unknown> | null {
  return parentOf(req);
}

/** Makes `group` the request's group (null: none). */
export function setGroupOf(req: AioRequest<unknown>, group: AioRequest<unknown> | null): void {
  setParent(req, group);
}

/** A group settles: with `err` when it is not null, else with `value`. */
export function settleRequest(req: AioRequest<unknown>, err: unknown, value: unknown): void {
  deliver(req, err, value);
}

/** A cancelled group settles with its cancellation (its AbortError is built only if observed). */
export function settleCancelled(req: AioRequest<unknown>): void {
  deliver(req, kAborted, undefined);
}

/** The reason a request was cancelled with, or undefined when it was not. */
export function cancellationReason(req: AioRequest<unknown>): unknown {
  return cancelReason(req);
}

/**
 * Marks an executing request (a group) as past its commit point: from now on cancel() and its
 * signal leave it alone and it settles with its real outcome. Returns false, changing nothing,
 * when it is already cancelled or not executing.
 */
export function commitRequest(req: AioRequest<unknown>): boolean {
  return commit(req);
}

/**
 * Undoes {@link commitRequest} when the change turned out not to be made (a move's rename gave
 * EXDEV): the request can be cancelled again, and a cancel that arrived meanwhile takes effect now.
 */
export function reopenRequest(req: AioRequest<unknown>): void {
  reopen(req);
}

/** The descriptor budget of the context `req` belongs to (null: none); composites size what they hold by it. */
export function requestFdBudget(req: AioRequest<unknown>): FdBudget | null {
  return fdBudgetOf(hostOf(req));
}

/**
 * A request for an operation that is no method of any context (a composite's own step), made in the
 * context of `group` and added by the caller like any member.
 */
export function stepRequest<A, T>(
  group: AioRequest<unknown>,
  op: Executable<A, T>,
  args: A,
  priority: number,
  callback: RequestCallback<T>,
): AioRequest<T> {
  return new AioRequest<T>(hostOf(group), op as Executable<unknown, T>, args, priority, callback, null);
}
