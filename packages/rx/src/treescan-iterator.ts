import {
  AbortError,
  type AioGroup,
  type PathBytes,
  type PathLike,
  validateInteger,
  type WalkEntry,
  type WalkResult,
} from '@ioaio/core';
import { prepareWalk, type TreescanOptions } from './treescan.js';

/** Buffered entries at which the walk is held, unless `highWaterMark` says otherwise. */
const kDefaultHighWaterMarkEntries = 1024;
const kMaxHighWaterMarkEntries = 2 ** 31 - 1;
/** Consumed chunk slots tolerated at the head of the buffer before it is compacted. */
const kCompactChunks = 1024;

/**
 * Options of {@link treescanIterator}: those of {@link treescan} and the buffer's mark.
 * @example
 * const options: TreescanIteratorOptions = { highWaterMark: 256, maxreq: 4 };
 */
export interface TreescanIteratorOptions<P extends PathBytes = string> extends TreescanOptions<P> {
  /**
   * Entries buffered (delivered by the walk, not yet taken) at which the walk
   * stops issuing directory scans; it resumes once the consumer has taken the
   * buffer down to half of this. Integer, at least 1.
   * @default 1024
   */
  highWaterMark?: number | undefined;
}

/**
 * The async iterator of a tree walk; `for await` takes it directly (it is
 * its own iterable, good for one pass).
 * @example
 * const entries: TreescanIterator = treescanIterator('/srv');
 * const first = await entries.next();
 * console.log(first.value, entries.buffered, entries.paused);
 * await entries.return();
 */
export interface TreescanIterator<P extends PathBytes = string>
  extends AsyncIterator<WalkEntry<P>, undefined> {
  [Symbol.asyncIterator](): TreescanIterator<P>;
  next(): Promise<IteratorResult<WalkEntry<P>, undefined>>;
  /** Cancels the walk and drops the buffer; resolves at once, without waiting for scans in flight. */
  return(): Promise<IteratorReturnResult<undefined>>;
  /** Entries the walk delivered that the consumer has not taken yet. */
  readonly buffered: number;
  /**
   * True while the walk is held for backpressure: its group limit is 0 and
   * none of its scans is in flight, so it issues nothing until the consumer
   * takes entries.
   */
  readonly paused: boolean;
}

interface Waiter<P extends PathBytes> {
  resolve(result: IteratorResult<WalkEntry<P>, undefined>): void;
  reject(error: unknown): void;
}

const kDone: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function validateHighWaterMark(value: unknown): number {
  if (value === undefined) return kDefaultHighWaterMarkEntries;
  return validateInteger(value, 'options.highWaterMark', 1, kMaxHighWaterMarkEntries);
}

type StartWalk = (
  onEntries: (dir: PathBytes, entries: WalkEntry<PathBytes>[]) => void,
) => AioGroup<WalkResult>;

/** The buffer between the walk's `onEntries` and the consumer's `next()`. */
class WalkIterator<P extends PathBytes> implements TreescanIterator<P> {
  #start: StartWalk | null;
  readonly #highWaterMark: number;
  readonly #lowWaterMark: number;
  #walk: AioGroup<WalkResult> | null = null;
  /** Perf: the walk's own per-directory arrays, never copied. Invariant: slots before #head are consumed. */
  #chunks: (WalkEntry<P>[] | undefined)[] = [];
  #head = 0;
  #pos = 0;
  #buffered = 0;
  #held = false;
  #resumeLimit = 0;
  /** The walk settled or the consumer returned: nothing more will be buffered. */
  #ended = false;
  #failure: { error: unknown } | null = null;
  #waiters: Waiter<P>[] = [];

  constructor(start: StartWalk, highWaterMark: number) {
    this.#start = start;
    this.#highWaterMark = highWaterMark;
    this.#lowWaterMark = Math.floor(highWaterMark / 2);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get buffered(): number {
    return this.#buffered;
  }

  get paused(): boolean {
    const walk = this.#walk;
    return this.#held && !this.#ended && walk !== null && walk.state === 'execute' && walk.size === 0;
  }

  next(): Promise<IteratorResult<WalkEntry<P>, undefined>> {
    if (this.#start !== null) this.#begin(this.#start);
    if (this.#buffered > 0) return Promise.resolve({ value: this.#take(), done: false });
    const failure = this.#failure;
    if (failure !== null) {
      this.#failure = null;
      return Promise.reject(failure.error);
    }
    if (this.#ended) return Promise.resolve(kDone);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    this.#start = null;
    if (!this.#ended) {
      this.#ended = true;
      this.#walk?.cancel();
    }
    this.#held = false;
    this.#dropBuffer();
    this.#failure = null;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(kDone);
    return Promise.resolve(kDone);
  }

  #begin(start: StartWalk): void {
    this.#start = null;
    let walk: AioGroup<WalkResult>;
    try {
      walk = start((_dir, entries) => this.#push(entries as WalkEntry<P>[]));
    } catch (error) {
      this.#ended = true;
      this.#failure = { error };
      return;
    }
    this.#walk = walk;
    walk.then(
      () => this.#end(null),
      (error: unknown) => this.#end({ error }),
    );
  }

  #push(entries: WalkEntry<P>[]): void {
    if (this.#ended) return;
    let given = 0;
    while (given < entries.length && this.#waiters.length > 0) {
      (this.#waiters.shift() as Waiter<P>).resolve({ value: entries[given++] as WalkEntry<P>, done: false });
    }
    if (given === entries.length) return;
    this.#chunks.push(given === 0 ? entries : entries.slice(given));
    this.#buffered += entries.length - given;
    if (!this.#held && this.#buffered >= this.#highWaterMark) {
      // Scans already in flight (at most maxreq) still deliver; the feeder issues no new one.
      const walk = this.#walk as AioGroup<WalkResult>;
      this.#held = true;
      this.#resumeLimit = walk.currentLimit;
      walk.limit(0);
    }
  }

  #take(): WalkEntry<P> {
    const chunk = this.#chunks[this.#head] as WalkEntry<P>[];
    const entry = chunk[this.#pos++] as WalkEntry<P>;
    if (this.#pos === chunk.length) {
      this.#chunks[this.#head++] = undefined;
      this.#pos = 0;
      if (this.#head === this.#chunks.length) {
        this.#chunks.length = 0;
        this.#head = 0;
      } else if (this.#head >= kCompactChunks && this.#head * 2 >= this.#chunks.length) {
        this.#chunks.splice(0, this.#head);
        this.#head = 0;
      }
    }
    this.#buffered--;
    if (this.#held && this.#buffered <= this.#lowWaterMark) {
      this.#held = false;
      (this.#walk as AioGroup<WalkResult>).limit(this.#resumeLimit);
    }
    return entry;
  }

  #dropBuffer(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#pos = 0;
    this.#buffered = 0;
  }

  #end(failure: { error: unknown } | null): void {
    if (this.#ended) return; // returned: the cancellation is ours
    this.#ended = true;
    const waiters = this.#waiters.splice(0);
    if (failure === null) {
      for (const waiter of waiters) waiter.resolve(kDone);
      return;
    }
    // An abort asked for an end: it is reported at once. Any other failure comes after the entries read before it.
    if (failure.error instanceof AbortError) this.#dropBuffer();
    // Invariant: a waiter exists only while the buffer is empty.
    const first = waiters.shift();
    if (first === undefined) {
      this.#failure = failure;
      return;
    }
    first.reject(failure.error);
    for (const waiter of waiters) waiter.resolve(kDone);
  }
}

/**
 * An async iterator over every entry under `root` (`{ path, type }`, as
 * {@link treescan} gives them), with backpressure.
 *
 * Buffer policy: entries the walk delivers wait in a buffer until the
 * consumer takes them. When `highWaterMark` entries (default 1,024) are
 * buffered, the walk's group limit is set to 0: no new directory scan is
 * issued, while the scans already in flight (at most `maxreq`) still deliver.
 * So a consumer that stops pulling holds at most `highWaterMark` entries
 * plus the entries of `maxreq` directories (the directory that crossed the
 * mark included). Once the consumer has taken the buffer down to half of
 * `highWaterMark`, the limit is restored and the walk goes on. `buffered`
 * and `paused` show the state.
 *
 * Nothing is queued until the first `next()`. `break` (or `return()`)
 * cancels the walk and every request of it still queued, and resolves at
 * once. A walk failure is thrown by `next()` after the entries buffered
 * before it; an abort through `signal` is thrown at once, the buffer dropped.
 *
 * @example
 * import { treescanIterator } from '@ioaio/rx';
 * for await (const entry of treescanIterator('/var/log', { highWaterMark: 256 })) {
 *   if (entry.type === 'nondir') await upload(entry.path); // the walk waits while we upload
 * }
 */
export function treescanIterator(
  root: PathLike,
  options?: TreescanIteratorOptions<string> & { encoding?: 'utf8' | undefined },
): TreescanIterator<string>;
export function treescanIterator(
  root: PathLike,
  options: TreescanIteratorOptions<Buffer> & { encoding: 'buffer' },
): TreescanIterator<Buffer>;
export function treescanIterator(
  root: PathLike,
  options?: TreescanIteratorOptions<PathBytes>,
): TreescanIterator<PathBytes> {
  const { highWaterMark, ...walkOptions } = options ?? {};
  const mark = validateHighWaterMark(highWaterMark);
  return new WalkIterator<PathBytes>(prepareWalk(root, walkOptions), mark);
}
