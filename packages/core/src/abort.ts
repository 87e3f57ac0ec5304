/** Anything a signal can cancel: a request or a group. */
export interface Cancellable {
  cancel(reason?: unknown): void;
}

/** One listener per signal, however many requests share it. */
class SignalWatch {
  readonly targets = new Set<Cancellable>();
  readonly #signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
  }

  readonly onAbort = (): void => {
    const signal = this.#signal;
    // Perf: the watch leaves the map first, so each cancelled target's unwatchSignal is one failed
    // lookup, and the set is walked as it is, not copied. No target joins it now: a request made
    // with an aborted signal never watches it.
    watches.delete(signal);
    const reason = signal.reason;
    for (const target of this.targets) target.cancel(reason);
    this.targets.clear();
  };
}

const watches = new WeakMap<AbortSignal, SignalWatch>();

/**
 * Cancels `target` when `signal` aborts. {@link unwatchSignal} must run when
 * `target` settles; it removes the listener with the last target.
 *
 * Perf: many requests of one group usually share one signal; they share one
 * abort listener too, so a million queued requests do not mean a million
 * listeners (nor Node's MaxListenersExceededWarning).
 */
export function watchSignal(signal: AbortSignal, target: Cancellable): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    watch = new SignalWatch(signal);
    watches.set(signal, watch);
    signal.addEventListener('abort', watch.onAbort, { once: true });
  }
  watch.targets.add(target);
}

/** The disposer for {@link watchSignal}: removes the listener with the last target. */
export function unwatchSignal(signal: AbortSignal, target: Cancellable): void {
  const watch = watches.get(signal);
  if (watch === undefined) return;
  watch.targets.delete(target);
  if (watch.targets.size === 0) {
    signal.removeEventListener('abort', watch.onAbort);
    watches.delete(signal);
  }
}

/** Requests still watching a signal (0 once every one settled, or once the signal fired); for tests. */
export function signalWatchCount(signal: AbortSignal): number {
  return watches.get(signal)?.targets.size ?? 0;
}
