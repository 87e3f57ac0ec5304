import { kMaxPriority, kMinPriority } from './validate.js';

const kLevels = kMaxPriority - kMinPriority + 1;

let prevOf: (entry: QueueEntry) => QueueEntry | null;
let nextOf: (entry: QueueEntry) => QueueEntry | null;
let setPrev: (entry: QueueEntry, prev: QueueEntry | null) => void;
let setNext: (entry: QueueEntry, next: QueueEntry | null) => void;

/**
 * What the ready queue holds: an object carrying the two links the queue owns
 * while the entry is queued. Requests extend it.
 *
 * Perf: the links live in the entries, so queueing allocates nothing; they
 * are private, so no user ever sees them.
 */
export class QueueEntry {
  #prev: QueueEntry | null = null;
  #next: QueueEntry | null = null;

  static {
    prevOf = (entry) => entry.#prev;
    nextOf = (entry) => entry.#next;
    setPrev = (entry, prev) => {
      entry.#prev = prev;
    };
    setNext = (entry, next) => {
      entry.#next = next;
    };
  }
}

/**
 * The ready queue: one intrusive FIFO list per priority level, and a bit mask
 * of the non-empty levels.
 *
 * Perf: push, shift and remove are O(1) whatever the length: no sorted array
 * (p-queue's insert is O(n)), no heap.
 */
export class PriorityQueue<T extends QueueEntry> {
  readonly #heads: (T | null)[] = new Array<T | null>(kLevels).fill(null);
  readonly #tails: (T | null)[] = new Array<T | null>(kLevels).fill(null);
  #mask = 0;

  /** Appends an entry at the end of its priority's list. */
  push(entry: T, priority: number): void {
    const level = priority - kMinPriority;
    const tail = this.#tails[level] ?? null;
    setPrev(entry, tail);
    setNext(entry, null);
    if (tail === null) {
      this.#heads[level] = entry;
      this.#mask |= 1 << level;
    } else {
      setNext(tail, entry);
    }
    this.#tails[level] = entry;
  }

  /** Removes and returns the oldest entry of the highest non-empty priority. */
  shift(): T | null {
    if (this.#mask === 0) return null;
    const level = 31 - Math.clz32(this.#mask);
    const entry = this.#heads[level] as T;
    this.#unlink(entry, level);
    return entry;
  }

  /** The highest priority with an entry, or -Infinity when the queue is empty. */
  highestPriority(): number {
    return this.#mask === 0 ? Number.NEGATIVE_INFINITY : 31 - Math.clz32(this.#mask) + kMinPriority;
  }

  /** Removes a queued entry (the caller knows it is queued, at that priority). */
  remove(entry: T, priority: number): void {
    this.#unlink(entry, priority - kMinPriority);
  }

  #unlink(entry: T, level: number): void {
    const prev = prevOf(entry) as T | null;
    const next = nextOf(entry) as T | null;
    if (prev === null) this.#heads[level] = next;
    else setNext(prev, next);
    if (next === null) this.#tails[level] = prev;
    else setPrev(next, prev);
    if (this.#heads[level] === null) this.#mask &= ~(1 << level);
    setPrev(entry, null);
    setNext(entry, null);
  }
}
