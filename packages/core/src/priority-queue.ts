import { kMaxPriority, kMinPriority } from './validate.js';

/** What the queue needs of an entry: two links it owns while the entry is queued. */
export interface QueueEntry {
  /** @internal */ _prev: QueueEntry | null;
  /** @internal */ _next: QueueEntry | null;
}

const kLevels = kMaxPriority - kMinPriority + 1;

/**
 * The ready queue: one intrusive FIFO list per priority level, and a bit mask
 * of the non-empty levels.
 *
 * Perf: push, shift and remove are O(1) whatever the length: no sorted array
 * (p-queue's insert is O(n)), no heap, and the links live in the entries, so
 * queueing allocates nothing.
 */
export class PriorityQueue<T extends QueueEntry> {
  readonly #heads: (T | null)[] = new Array<T | null>(kLevels).fill(null);
  readonly #tails: (T | null)[] = new Array<T | null>(kLevels).fill(null);
  #mask = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends an entry at the end of its priority's list. */
  push(entry: T, priority: number): void {
    const level = priority - kMinPriority;
    const tail = this.#tails[level] ?? null;
    entry._prev = tail;
    entry._next = null;
    if (tail === null) {
      this.#heads[level] = entry;
      this.#mask |= 1 << level;
    } else {
      tail._next = entry;
    }
    this.#tails[level] = entry;
    this.#size++;
  }

  /** Removes and returns the oldest entry of the highest non-empty priority. */
  shift(): T | null {
    if (this.#mask === 0) return null;
    const level = 31 - Math.clz32(this.#mask);
    const entry = this.#heads[level] as T;
    this.#unlink(entry, level);
    return entry;
  }

  /** Removes a queued entry (the caller knows it is queued, at that priority). */
  remove(entry: T, priority: number): void {
    this.#unlink(entry, priority - kMinPriority);
  }

  #unlink(entry: T, level: number): void {
    const prev = entry._prev as T | null;
    const next = entry._next as T | null;
    if (prev === null) this.#heads[level] = next;
    else prev._next = next;
    if (next === null) this.#tails[level] = prev;
    else next._prev = prev;
    if (this.#heads[level] === null) this.#mask &= ~(1 << level);
    entry._prev = null;
    entry._next = null;
    this.#size--;
  }
}
