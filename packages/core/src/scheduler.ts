import { PriorityQueue, type QueueEntry } from './priority-queue.js';
import { validateInteger } from './validate.js';

/** A request as the scheduler sees it: a queue entry with a priority, which it can start. */
export interface SchedulableRequest extends QueueEntry {
  readonly priority: number;
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
  /** Requests in the ready queue. */
  nready = 0;
  /** Requests in the thread pool. */
  nexecute = 0;
  /** Requests finished in the pool whose result is not yet delivered. */
  npending = 0;

  readonly #queue = new PriorityQueue<SchedulableRequest>();
  #maxParallel: number;
  #pumping = false;
  #flushed: (() => void)[] = [];

  constructor(maxParallel: number) {
    this.#maxParallel = maxParallel;
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
  }

  #submit(req: SchedulableRequest): void {
    if (this.nready === 0 && this.nexecute < this.#maxParallel) {
      this.nexecute++;
      startRequest(req);
    } else {
      this.#queue.push(req, req.priority);
      this.nready++;
    }
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
      while (this.nexecute < this.#maxParallel) {
        const req = this.#queue.shift();
        if (req === null) break;
        this.nready--;
        this.nexecute++;
        startRequest(req);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
