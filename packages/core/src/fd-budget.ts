import { closeSync, readFileSync } from 'node:fs';
import { invalidArgType, outOfRange } from './errors.js';
import { validateFd } from './validate.js';

/** Fewest descriptors a budget may have: a copy holds two at once (its source and its new file). */
export const kMinOpenFds = 2;
/** Most descriptors a budget may have: the largest descriptor table a kernel hands out. */
export const kMaxOpenFds = 2 ** 31 - 1;
/** The default budget never goes below this, whatever the limit: a copytree needs a few to make progress. */
export const kOpenFdsFloor = 16;
/** Descriptors left to the application at least, beside the budget: stdio, its own files, sockets. */
export const kOpenFdsReserve = 64;
/** Where the limit cannot be read (not Linux): what the default budget is. */
export const kFallbackOpenFds = 1024;

const kPriorityLevels = 9;
const kPriorityOffset = 4;

/**
 * A request that found its descriptors spent: it waits, in priority order,
 * until they are free and its context has a pool slot for it.
 */
export interface FdWaiter {
  /** -4..4, as the request's. */
  readonly priority: number;
  /** Descriptors it takes when it resumes. */
  readonly units: number;
  /** True when its context can start it now (a pool slot is free). */
  canResume(): boolean;
  /** Starts it; its units are already taken. */
  resume(): void;
}

/**
 * How many descriptors ioaio's own requests may hold open at once, for one
 * context or for all those that share the process default. Requests take
 * units when they start and give them back when the descriptor is closed;
 * those that find too few wait in priority order, first come first served
 * within one priority.
 *
 * Invariant: `free` is never negative and never above `size`.
 */
export class FdBudget {
  /** The bound. */
  readonly size: number;
  #free: number;
  readonly #waiting: FdWaiter[][] = Array.from({ length: kPriorityLevels }, () => []);
  #nwaiting = 0;
  #dispatching = false;

  constructor(size: number) {
    this.size = size;
    this.#free = size;
  }

  /** Units not taken. */
  get free(): number {
    return this.#free;
  }

  /** Requests waiting for units. */
  get waiting(): number {
    return this.#nwaiting;
  }

  /** Takes `units` if they are free and nobody waits before; false (nothing taken) otherwise. */
  take(units: number): boolean {
    if (this.#nwaiting !== 0 || this.#free < units) return false;
    this.#free -= units;
    return true;
  }

  /** Gives `units` back and resumes whoever now fits. */
  give(units: number): void {
    this.#free = Math.min(this.size, this.#free + units);
    if (this.#nwaiting !== 0) this.dispatch();
  }

  /** Queues a request that found too few units free. */
  wait(waiter: FdWaiter): void {
    (this.#waiting[waiter.priority + kPriorityOffset] as FdWaiter[]).push(waiter);
    this.#nwaiting++;
  }

  /** Removes a waiting request (it was cancelled); false when it was not waiting. */
  unwait(waiter: FdWaiter): boolean {
    const level = this.#waiting[waiter.priority + kPriorityOffset] as FdWaiter[];
    const at = level.indexOf(waiter);
    if (at < 0) return false;
    level.splice(at, 1);
    this.#nwaiting--;
    return true;
  }

  /**
   * Resumes waiting requests, highest priority first, while units are free.
   * Invariant: one that needs more units than are free stops the pass, so a
   * copy waiting for two is never overtaken for ever by single opens; one
   * whose context has no pool slot is passed over, and resumed by that
   * context's next dispatch.
   */
  dispatch(): void {
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let level = kPriorityLevels - 1; level >= 0; level--) {
        if (!this.#dispatchLevel(this.#waiting[level] as FdWaiter[])) return;
      }
    } finally {
      this.#dispatching = false;
    }
  }

  /** One priority's waiters, in order; false when one did not fit (the pass stops). */
  #dispatchLevel(level: FdWaiter[]): boolean {
    for (let i = 0; i < level.length; ) {
      const waiter = level[i] as FdWaiter;
      if (waiter.units > this.#free) return false;
      if (!waiter.canResume()) {
        i++;
        continue;
      }
      level.splice(i, 1);
      this.#nwaiting--;
      this.#free -= waiter.units;
      waiter.resume();
    }
    return true;
  }
}

/** The budget each open descriptor counts against, by number, whichever context closes it. */
const owners = new Map<number, FdBudget>();

/**
 * An open under `budget` returned `fd`: its unit stays taken until the fd is
 * closed through ioaio or given up with {@link releaseFd}. A number already
 * recorded was closed behind ioaio's back (the kernel cannot hand out an open
 * number twice): that old unit is given back first.
 */
export function trackFd(budget: FdBudget, fd: number): void {
  owners.get(fd)?.give(1);
  owners.set(fd, budget);
}

/**
 * Closes `fd` at once, on this thread, and gives its unit back: for a directory descriptor, whose
 * close(2) waits on no I/O. A close that reports an error still frees the number.
 */
export function closeCountedNow(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Invariant: close(2) releases the number even when it reports an error; nothing to retry.
  }
  untrackFd(fd);
}

/** `fd` was closed (or released): its unit goes back. True when it was counted. */
export function untrackFd(fd: number): boolean {
  const owner = owners.get(fd);
  if (owner === undefined) return false;
  owners.delete(fd);
  owner.give(1);
  return true;
}

/**
 * Stops counting `fd`, a descriptor from `aio.open`, against its context's
 * descriptor budget, and returns true if it was counted. Call it when the
 * descriptor leaves ioaio's hands: closed with `fs.close`, or handed to a
 * stream that closes it. `aio.close(fd)` does this itself.
 * @example
 * const fd = await aio.open(path);
 * const stream = fs.createReadStream('', { fd });
 * releaseFd(fd);
 */
export function releaseFd(fd: number): boolean {
  return untrackFd(validateFd(fd));
}

/**
 * Units one composite sets aside at its first open, spent by its later
 * opens, so a step that needs a second descriptor never waits for one while
 * holding the first (many copies at once cannot deadlock).
 */
export class FdReservation {
  /** Descriptors the first open takes at once. */
  readonly units: number;
  #budget: FdBudget | null = null;
  #held = 0;

  constructor(units: number) {
    this.units = units;
  }

  /** The first open took `units` under `budget`, one of them for its own descriptor. */
  filled(budget: FdBudget): void {
    this.#budget = budget;
    this.#held = this.units - 1;
  }

  /** True once the first open took the units (nothing else need wait). */
  get isFilled(): boolean {
    return this.#budget !== null;
  }

  /** A later open spends one set-aside unit; false when none is left under `budget`. */
  spend(budget: FdBudget): boolean {
    if (this.#budget !== budget || this.#held === 0) return false;
    this.#held--;
    return true;
  }

  /** An open that failed gives its unit back here, for the composite's retry or its release. */
  refund(budget: FdBudget): boolean {
    if (this.#budget !== budget) return false;
    this.#held++;
    return true;
  }

  /** The composite is done or failed: what is still set aside goes back to the budget. */
  release(): void {
    const held = this.#held;
    this.#held = 0;
    if (held > 0) this.#budget?.give(held);
  }
}

/** The options key a composite passes its reservation under: a symbol, so no user option can collide. */
export const kFdReservation: unique symbol = Symbol('ioaio.fdReservation');

/** The reservation an options object carries, or null. */
export function reservationOf(options: unknown): FdReservation | null {
  if (typeof options !== 'object' || options === null) return null;
  const found = (options as { [kFdReservation]?: unknown })[kFdReservation];
  return found instanceof FdReservation ? found : null;
}

/** `options` with `reservation` attached, for the opens of one composite. */
export function withReservation<O extends object>(options: O, reservation: FdReservation): O {
  return Object.assign(options, { [kFdReservation]: reservation });
}

/**
 * The soft RLIMIT_NOFILE of this process, from /proc/self/limits (Linux), or
 * null where it cannot be read or is unlimited.
 */
export function readNofileLimit(text?: string): number | null {
  let limits = text;
  if (limits === undefined) {
    try {
      limits = readFileSync('/proc/self/limits', 'latin1');
    } catch {
      return null;
    }
  }
  const line = /^Max open files\s+(\S+)/m.exec(limits);
  const soft = line === null ? Number.NaN : Number(line[1]);
  return Number.isSafeInteger(soft) && soft > 0 ? soft : null;
}

/** The default bound for a soft limit: the limit less a quarter (at least kOpenFdsReserve), never below the floor. */
export function defaultOpenFds(limit: number | null): number {
  if (limit === null) return kFallbackOpenFds;
  const reserve = Math.max(kOpenFdsReserve, Math.floor(limit / 4));
  return Math.min(kMaxOpenFds, Math.max(kOpenFdsFloor, limit - reserve));
}

let processDefault: FdBudget | null = null;

/**
 * The budget every context without its own `maxOpenFds` shares: the limit is
 * the process's, so two such contexts must not each spend all of it. Made,
 * and the limit read, when the first context without the option is made
 * (the default one is made as the package loads).
 */
export function defaultFdBudget(): FdBudget {
  processDefault ??= new FdBudget(defaultOpenFds(readNofileLimit()));
  return processDefault;
}

/**
 * `maxOpenFds` as given: an integer kMinOpenFds..kMaxOpenFds, or `Infinity`
 * for no budget (null); `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` otherwise.
 */
export function validateMaxOpenFds(value: unknown, name = 'maxOpenFds'): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer or Infinity', value);
  if (value < kMinOpenFds || value > kMaxOpenFds)
    throw outOfRange(name, `>= ${kMinOpenFds} && <= ${kMaxOpenFds} or Infinity`, value);
  return value;
}

/** The budget a context's `maxOpenFds` option asks for: undefined means the shared default. */
export function budgetFor(maxOpenFds: number | undefined): FdBudget | null | undefined {
  if (maxOpenFds === undefined) return undefined;
  return maxOpenFds === Number.POSITIVE_INFINITY ? null : new FdBudget(maxOpenFds);
}
