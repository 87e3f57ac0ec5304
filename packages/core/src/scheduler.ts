import { PriorityQueue } from './priority-queue.js';
import type { RequestHost, SchedulableRequest } from './request.js';
import { validateInteger } from './validate.js';

/** Highest `maxParallel` a context accepts. */
export const kMaxParallelLimit = 1024;

/**
 * Default depth, settled by bench/ (RESULTS.md, "Default maxParallel"): deeper gains little
 * throughput but lets more queued work run ahead of a high-priority request.
 * Invariant: at most this many requests of one context are in libuv's pool.
 */
export const kDefaultMaxParallel = 8;

export function validateMaxParallel(value: unknown, name = 'maxParallel'): number {
  return validateInteger(value, name, 0, kMaxParallelLimit);
}

/**
 * The ready queue and the dispatcher of one context. It knows nothing about
 * particular operations: it moves requests from the queue into the pool,
 * highest priority first, keeping at most `maxParallel` executing.
 */
export class Scheduler implements RequestHost {
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

  /** @internal */
  _submit(req: SchedulableRequest): void {
    if (this.nready === 0 && this.nexecute < this.#maxParallel) {
      this.nexecute++;
      req._start();
    } else {
      this.#queue.push(req, req.priority);
      this.nready++;
    }
  }

  /** @internal A ready request was cancelled. */
  _unqueue(req: SchedulableRequest): void {
    this.#queue.remove(req, req.priority);
    this.nready--;
  }

  /** @internal A request came back from the pool. */
  _executed(): void {
    this.nexecute--;
    this.#pump();
  }

  /** @internal A request or group is done. */
  _done(): void {
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
        req._start();
      }
    } finally {
      this.#pumping = false;
    }
  }
}
