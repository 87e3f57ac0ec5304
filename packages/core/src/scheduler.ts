import { defaultFdBudget, type FdBudget, type FdWaiter } from './fd-budget.js';
import type { NativePoolLike } from './native-pool.js';
import { PriorityQueue, type QueueEntry } from './priority-queue.js';
import { validateInteger } from './validate.js';

/** A request as the scheduler sees it: a queue entry with a priority, which it can start. */
export interface SchedulableRequest extends QueueEntry {
  readonly priority: number;
}

/** What an operation's run hands to {@link waitForFds}: the request it was started with. */
interface StartedRequest {
  readonly priority: number;
  cancel(reason?: unknown): void;
}

/** The scheduler whose request is being started: an operation's run asks it for its fd budget. */
let starting: Scheduler | null = null;
let budgetOf: (host: Scheduler) => FdBudget | null;
let park: (host: Scheduler, req: StartedRequest, waiting: FdWait) => void;

/** A started request parked for descriptors: how it goes on, or is dropped when cancelled meanwhile. */
interface FdWait {
  readonly budget: FdBudget;
  readonly units: number;
  readonly proceed: () => void;
  readonly abandon: () => void;
}

/**
 * For an operation's `run`, called synchronously as it starts: the fd budget
 * of the context starting it, or null when that context has none.
 */
export function startingFdBudget(): FdBudget | null {
  return starting === null ? null : budgetOf(starting);
}

/** The fd budget of a scheduler's requests, or null when it has none. */
export function fdBudgetOf(host: Scheduler): FdBudget | null {
  return budgetOf(host);
}

/**
 * For an operation's `run`, called synchronously as it starts: takes `units`
 * of `budget` and calls `proceed` now; or, when too few are free, gives the
 * request's pool slot back and calls `proceed` once they are taken and a slot
 * is free again. A request cancelled while it waits takes nothing: `abandon`
 * is called instead, and must finish it (done without a value).
 */
export function waitForFds(
  req: StartedRequest,
  budget: FdBudget,
  units: number,
  proceed: () => void,
  abandon: () => void,
): void {
  if (budget.take(units)) return proceed();
  park(starting as Scheduler, req, { budget, units, proceed, abandon });
}

let startRequest: (req: SchedulableRequest) => void = () => {};
let submit: (host: Scheduler, req: SchedulableRequest) => void;
let unqueue: (host: Scheduler, req: SchedulableRequest) => void;
let executed: (host: Scheduler) => void;
let done: (host: Scheduler) => void;

/**
 * The request module hands over, once, how a request is started in the pool: the scheduler never
 * imports the request module, so neither depends on the other at load time.
 */
export function setRequestStarter(start: (req: SchedulableRequest) => void): void {
  startRequest = start;
}

/** A new request: started at once when the pool has room and nothing waits, queued otherwise. */
export function submitRequest(host: Scheduler, req: SchedulableRequest): void {
  submit(host, req);
}

/** A ready request was cancelled: it leaves the queue. */
export function unqueueRequest(host: Scheduler, req: SchedulableRequest): void {
  unqueue(host, req);
}

/** A request came back from the pool: its slot goes to the next ready one. */
export function requestExecuted(host: Scheduler): void {
  executed(host);
}

/** A request or group is done: `flush()` resolves with the last one. */
export function requestDone(host: Scheduler): void {
  done(host);
}

/** Highest `maxParallel` a context accepts. */
export const kMaxParallelLimit = 1024;

/**
 * Default depth, settled by bench/ (RESULTS.md, "Default maxParallel"): deeper gains little
 * throughput but lets more queued work run ahead of a high-priority request.
 * Invariant: at most this many requests of one context are in libuv's pool.
 */
export const kDefaultMaxParallel = 8;

/**
 * Default depth on the native backend: requests of one context handed to the
 * native pool at once. The pool orders its own queue by priority, so a deep
 * window costs a high-priority request little, and the pool's threads never
 * wait for the main thread between result chunks. Chosen in bench/ (RESULTS.md).
 */
export const kDefaultNativeMaxParallel = 256;

/** Native backend: how many requests may overtake a full window (see Scheduler's #overtakes). */
const kOvertakeSlots = 16;

/** `maxParallel` as given, or `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE`. */
export function validateMaxParallel(value: unknown, name = 'maxParallel'): number {
  return validateInteger(value, name, 0, kMaxParallelLimit);
}

/**
 * The ready queue and the dispatcher of one context. It knows nothing about
 * particular operations: it moves requests from the queue into the pool,
 * highest priority first, keeping at most `maxParallel` executing.
 */
export class Scheduler {
  /** Requests and groups not yet done. */
  nreqs = 0;
  /** Requests in the ready queue, and those started that wait for descriptors (see waitForFds). */
  nready = 0;
  /** Requests in the thread pool. */
  nexecute = 0;
  /** Requests finished in the pool whose result is not yet delivered. */
  npending = 0;

  readonly #queue = new PriorityQueue<SchedulableRequest>();
  #maxParallel: number;
  #pumping = false;
  #flushed: (() => void)[] = [];
  /** The budget its requests' descriptors count against; null: none. */
  readonly #fdBudget: FdBudget | null;
  /** Requests parked for descriptors (counted in nready, not in nexecute). */
  #parked = 0;
  /** The native pool this context's requests run on, or null: node:fs (libuv's pool). */
  readonly pool: NativePoolLike | null;

  /**
   * @param fdBudget The descriptor budget of its requests: undefined for the
   * process default, null for none. Invariant: the default is looked up here,
   * so the one read of the descriptor limit never happens inside a request.
   */
  constructor(maxParallel: number, pool: NativePoolLike | null = null, fdBudget?: FdBudget | null) {
    this.#maxParallel = maxParallel;
    this.pool = pool;
    this.#fdBudget = fdBudget === undefined ? defaultFdBudget() : fdBudget;
  }

  get maxParallel(): number {
    return this.#maxParallel;
  }

  set maxParallel(value: number) {
    this.#maxParallel = validateMaxParallel(value);
    this.#pump();
  }

  /** Resolves once no request or group of this context is left. */
  flush(): Promise<void> {
    if (this.nreqs === 0) return Promise.resolve();
    return new Promise((resolve) => this.#flushed.push(resolve));
  }

  static {
    submit = (host, req) => host.#submit(req);
    unqueue = (host, req) => host.#unqueue(req);
    executed = (host) => host.#executed();
    done = (host) => host.#done();
    budgetOf = (host) => host.#fdBudget;
    park = (host, req, waiting) => host.#park(req, waiting);
  }

  #submit(req: SchedulableRequest): void {
    if ((this.nready === this.#parked && this.nexecute < this.#maxParallel) || this.#overtakes(req)) {
      this.nexecute++;
      starting = this;
      startRequest(req);
    } else {
      this.#queue.push(req, req.priority);
      this.nready++;
    }
  }

  /**
   * Native backend: the pool orders its own queue by priority, so a request
   * above everything waiting in this context's queue does not wait for a free
   * slot (the next result chunk): it goes to the pool at once and runs ahead
   * of the lower-priority requests there. At most kOvertakeSlots such
   * requests beyond maxParallel; maxParallel 0 still holds everything.
   */
  #overtakes(req: SchedulableRequest): boolean {
    return (
      this.pool !== null &&
      this.#maxParallel !== 0 &&
      this.nready > this.#parked &&
      req.priority > this.#queue.highestPriority() &&
      this.nexecute < this.#maxParallel + kOvertakeSlots
    );
  }

  /**
   * A started request found its descriptors spent: it gives its slot back and
   * waits in the budget's queue, counted as ready. Until it resumes, its
   * cancel() is shadowed by one that takes it out of that queue, since the
   * request itself only marks an executing request as cancelled.
   */
  #park(req: StartedRequest, waiting: FdWait): void {
    this.nexecute--;
    this.nready++;
    this.#parked++;
    const waiter: FdWaiter = {
      priority: req.priority,
      units: waiting.units,
      canResume: () => this.nexecute < this.#maxParallel,
      resume: () => {
        this.#unpark(req);
        waiting.proceed();
      },
    };
    const cancel = (reason?: unknown): void => {
      if (!waiting.budget.unwait(waiter)) return;
      this.#unpark(req);
      req.cancel(reason);
      waiting.abandon();
    };
    Object.defineProperty(req, 'cancel', { value: cancel, configurable: true, writable: true });
    waiting.budget.wait(waiter);
    // It may fit at once: take() refuses while others wait, though they may have no pool slot.
    waiting.budget.dispatch();
  }

  /** Back to executing: the slot is taken again and the request's own cancel() is back. */
  #unpark(req: StartedRequest): void {
    delete (req as { cancel?: unknown }).cancel;
    this.#parked--;
    this.nready--;
    this.nexecute++;
    starting = this;
  }

  #unqueue(req: SchedulableRequest): void {
    this.#queue.remove(req, req.priority);
    this.nready--;
  }

  #executed(): void {
    this.nexecute--;
    this.#pump();
  }

  #done(): void {
    if (--this.nreqs === 0 && this.#flushed.length > 0) {
      const waiting = this.#flushed;
      this.#flushed = [];
      for (const resolve of waiting) resolve();
    }
  }

  #pump(): void {
    // Invariant: one pump loop at a time; a request that completes while we start others re-enters here.
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      // Parked requests were taken from the queue before those still in it: they get a free slot first.
      if (this.#parked !== 0) (this.#fdBudget as FdBudget).dispatch();
      while (this.nexecute < this.#maxParallel) {
        const req = this.#queue.shift();
        if (req === null) break;
        this.nready--;
        this.nexecute++;
        starting = this;
        startRequest(req);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
