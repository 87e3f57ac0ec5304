import { AbortError } from './errors.js';
import { type AioGroup, setFeeder } from './group.js';
import { PriorityQueue, QueueEntry } from './priority-queue.js';
import { AioRequest, groupOf } from './request.js';
import {
  validateFunction,
  validateInteger,
  validateObject,
  validatePriority,
  validateSignal,
} from './validate.js';

/**
 * What a queue needs of its context: a way to make the busy period's group.
 * Invariant: a structural type, so that this folder does not import context/.
 */
interface GroupMaker {
  group(): AioGroup<undefined>;
}

/** Options of `aio.queue()`. */
export interface QueueOptions {
  /**
   * How many tasks run at once: a task runs from the call of its function
   * until its request or promise settles. An integer from 1, or `Infinity`.
   * Settable later through {@link AioQueue.concurrency}.
   * @default Infinity
   */
  concurrency?: number | undefined;
  /** False makes the queue start paused: tasks wait until `start()`. @default true */
  autoStart?: boolean | undefined;
}

/** Options of {@link AioQueue.add}. */
export interface QueueAddOptions {
  /**
   * Integer from -4 to 4, as a request's: a higher priority starts first, and
   * within one priority tasks start first in, first out. Out of range:
   * `ERR_OUT_OF_RANGE`, thrown at the call.
   * @default 0
   */
  priority?: number | undefined;
  /**
   * Aborting it drops a waiting task (its promise rejects with an
   * {@link AbortError} whose `cause` is the reason, and its function never
   * runs) and cancels a running task's {@link AioRequest}; a task that
   * returned another promise gets the signal in its argument.
   */
  signal?: AbortSignal | undefined;
}

/** What a task's function gets: pass them on to the requests it makes. */
export interface QueueTaskContext {
  /** The task's priority, for its requests (`aio.stat(p, { priority })`). */
  readonly priority: number;
  /** The signal given to `add`, if any. */
  readonly signal: AbortSignal | undefined;
}

/** A task: returns an {@link AioRequest} (a group too), a promise, or a plain value. */
export type QueueTask<T> = (context: QueueTaskContext) => PromiseLike<T> | T;

/** Concurrency without a bound: the group's largest limit. */
const kMaxConcurrency = 2 ** 31 - 1;

function validateConcurrency(value: unknown, name: string): number {
  if (value === Number.POSITIVE_INFINITY) return kMaxConcurrency;
  return validateInteger(value, name, 1, kMaxConcurrency);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function ignore(): void {}

/** One added task: waiting in the queue, then running until its outcome is known. */
class Task extends QueueEntry {
  readonly fn: QueueTask<unknown>;
  readonly priority: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  readonly promise: Promise<unknown>;
  waiting = true;
  /** The request it returned, cancelled when its signal aborts. */
  request: AioRequest<unknown> | null = null;
  onAbort: (() => void) | null = null;

  constructor(fn: QueueTask<unknown>, priority: number, signal: AbortSignal | undefined) {
    super();
    this.fn = fn;
    this.priority = priority;
    this.signal = signal;
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    this.promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Rejects with the AbortError of a drop; never reported as an unhandled rejection, as a cancellation. */
  abort(reason: unknown): void {
    this.promise.catch(ignore);
    this.reject(new AbortError(undefined, { cause: reason }));
  }
}

/**
 * A task queue with p-queue's everyday surface, on a group: tasks start in
 * priority order while fewer than `concurrency` run, and a task holds its
 * slot until its request is done, so an aborted task never frees a slot
 * while its system call still runs. It never finishes on its own: add at
 * any time, wait with `onIdle()`. While idle it holds no request, so
 * `aio.flush()` and `nreqs` are not held up by an idle queue.
 *
 * Differences from p-queue: priorities are -4..4 (out of range throws
 * `ERR_OUT_OF_RANGE`; clamp p-queue's numbers yourself); a task that
 * returns an AioRequest is cancelled by its signal; `clear()` and an
 * aborted signal reject the dropped tasks with an `AbortError` instead of
 * leaving their promises pending.
 *
 * @example
 * const queue = aio.queue({ concurrency: 16 });
 * const sizes = await queue.addAll(paths.map((p) => ({ priority }) => aio.stat(p, { priority })));
 * queue.add(() => aio.unlink('/tmp/old'), { priority: -2 });
 * await queue.onIdle();
 */
export class AioQueue {
  readonly #aio: GroupMaker;
  readonly #waiting = new PriorityQueue<Task>();
  #size = 0;
  #pending = 0;
  #concurrency: number;
  #paused: boolean;
  /** The group of the current busy period, held open; null while idle. */
  #group: AioGroup<undefined> | null = null;
  #release: () => void = ignore;
  #idleWaiters: (() => void)[] = [];
  #emptyWaiters: (() => void)[] = [];

  /** Made by `aio.queue()`. */
  constructor(aio: GroupMaker, options?: QueueOptions) {
    if (options !== undefined) validateObject(options, 'options');
    this.#aio = aio;
    this.#concurrency =
      options?.concurrency === undefined
        ? kMaxConcurrency
        : validateConcurrency(options.concurrency, 'options.concurrency');
    this.#paused = options?.autoStart === false;
  }

  /** Tasks waiting to start. */
  get size(): number {
    return this.#size;
  }

  /** Tasks running: started, outcome not yet known. */
  get pending(): number {
    return this.#pending;
  }

  /** True after `pause()` (or `autoStart: false`) until `start()`. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** How many tasks run at once; raising it starts waiting tasks at once. */
  get concurrency(): number {
    return this.#concurrency === kMaxConcurrency ? Number.POSITIVE_INFINITY : this.#concurrency;
  }

  set concurrency(value: number) {
    this.#concurrency = validateConcurrency(value, 'concurrency');
    if (!this.#paused) this.#group?.limit(this.#concurrency);
  }

  /**
   * Queues `fn`; resolves or rejects as the request or promise it returns
   * does. Arguments are checked at the call (`ERR_INVALID_ARG_TYPE`,
   * `ERR_OUT_OF_RANGE`); an already aborted signal gives a rejected promise
   * and `fn` never runs.
   */
  add<T>(fn: QueueTask<T>, options?: QueueAddOptions): Promise<T> {
    validateFunction(fn, 'fn');
    const o = options === undefined ? undefined : (validateObject(options, 'options') as QueueAddOptions);
    const priority = validatePriority(o?.priority);
    const signal = validateSignal(o?.signal);
    const task = new Task(fn as QueueTask<unknown>, priority, signal);
    if (signal?.aborted === true) {
      task.abort(signal.reason);
      return task.promise as Promise<T>;
    }
    if (signal !== undefined) this.#watch(task, signal);
    this.#waiting.push(task, priority);
    this.#size++;
    this.#wake();
    return task.promise as Promise<T>;
  }

  /** Queues every function with the same options; resolves with their values in order. */
  addAll<T>(fns: readonly QueueTask<T>[], options?: QueueAddOptions): Promise<T[]> {
    return Promise.all(fns.map((fn) => this.add(fn, options)));
  }

  /** Stops starting tasks; running ones go on. */
  pause(): void {
    this.#paused = true;
    this.#group?.limit(0);
  }

  /** Starts tasks again after `pause()`. */
  start(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Invariant: a waiting task always has a group; with none, there is nothing to start.
    this.#group?.limit(this.#concurrency);
  }

  /**
   * Drops every waiting task: each rejects with an {@link AbortError} whose
   * `cause` is `reason`. Running tasks go on.
   */
  clear(reason?: unknown): void {
    for (let task = this.#waiting.shift(); task !== null; task = this.#waiting.shift()) {
      this.#size--;
      task.waiting = false;
      this.#unwatch(task);
      task.abort(reason);
    }
    this.#checkEmpty();
    this.#checkIdle();
  }

  /** Resolves once no task waits (some may still run); at once if none waits now. */
  onEmpty(): Promise<void> {
    if (this.#size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /** Resolves once no task waits or runs; at once if the queue is idle now. */
  onIdle(): Promise<void> {
    if (this.#size === 0 && this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** A task is waiting: the busy period's group (made if needed) starts it when a slot is free. */
  #wake(): void {
    let group = this.#group;
    if (group === null) {
      group = this.#aio.group();
      this.#release = group.hold();
      this.#group = group;
      group.limit(this.#paused ? 0 : this.#concurrency);
    }
    // Invariant: the feeder adds one member per started task, so the group's limit is the concurrency.
    setFeeder(group, this.#feeder);
  }

  /** Starts the next waiting task; tasks that gave no request or promise are skipped past. */
  readonly #feeder = (): void => {
    const group = this.#group as AioGroup<undefined>;
    for (let task = this.#waiting.shift(); task !== null; task = this.#waiting.shift()) {
      this.#size--;
      task.waiting = false;
      const started = this.#run(task, group);
      this.#checkEmpty();
      if (started) return;
    }
  };

  /** Runs a task's function; true when it added a member (a request or a promise) to the group. */
  #run(task: Task, group: AioGroup<undefined>): boolean {
    this.#pending++;
    let result: unknown;
    try {
      result = task.fn({ priority: task.priority, signal: task.signal });
    } catch (error) {
      this.#settle(task, error, true);
      return false;
    }
    if (result instanceof AioRequest && groupOf(result) === null) {
      task.request = result;
      result.then(this.#onValue(task), this.#onError(task));
      group.add(result);
      return true;
    }
    if (!isPromiseLike(result)) {
      this.#settle(task, result, false);
      return false;
    }
    group.add(Promise.resolve(result).then(this.#onValue(task), this.#onError(task)));
    return true;
  }

  #onValue(task: Task): (value: unknown) => void {
    return (value) => this.#settle(task, value, false);
  }

  #onError(task: Task): (error: unknown) => void {
    return (error) => this.#settle(task, error, true);
  }

  #settle(task: Task, outcome: unknown, failed: boolean): void {
    this.#pending--;
    this.#unwatch(task);
    task.request = null;
    if (failed) task.reject(outcome);
    else task.resolve(outcome);
    this.#checkIdle();
  }

  #watch(task: Task, signal: AbortSignal): void {
    task.onAbort = () => {
      if (task.waiting) return this.#drop(task, signal.reason);
      task.request?.cancel(signal.reason);
    };
    signal.addEventListener('abort', task.onAbort, { once: true });
  }

  #unwatch(task: Task): void {
    if (task.onAbort === null) return;
    task.signal?.removeEventListener('abort', task.onAbort);
    task.onAbort = null;
  }

  /** A waiting task's signal aborted: it leaves the queue and never runs. */
  #drop(task: Task, reason: unknown): void {
    this.#waiting.remove(task, task.priority);
    this.#size--;
    task.waiting = false;
    task.onAbort = null;
    task.abort(reason);
    this.#checkEmpty();
    this.#checkIdle();
  }

  #checkEmpty(): void {
    if (this.#size !== 0 || this.#emptyWaiters.length === 0) return;
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Idle: the busy period's group is released (it finishes), and onIdle() waiters resolve. */
  #checkIdle(): void {
    if (this.#size !== 0 || this.#pending !== 0) return;
    if (this.#group !== null) {
      this.#group = null;
      this.#release();
      this.#release = ignore;
    }
    const waiters = this.#idleWaiters;
    if (waiters.length === 0) return;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
