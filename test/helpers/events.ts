import type { Observable, Subscription } from 'rxjs';

/** One notification of an Observable, as a value that compares whole. */
export type RxEvent<T> = ['next', T] | ['error', unknown] | ['complete'];

/** What a recording subscription has seen so far, and the subscription itself. */
export interface Recording<T> {
  readonly events: RxEvent<T>[];
  readonly subscription: Subscription;
  /** Resolves with `events` once the Observable errored or completed. */
  readonly settled: Promise<RxEvent<T>[]>;
}

/** Subscribes and records every notification, in order. */
export function record<T>(source: Observable<T>): Recording<T> {
  const events: RxEvent<T>[] = [];
  let finish!: () => void;
  const settled = new Promise<RxEvent<T>[]>((resolve) => {
    finish = () => resolve(events);
  });
  const subscription = source.subscribe({
    next: (value) => events.push(['next', value]),
    error: (err: unknown) => {
      events.push(['error', err]);
      finish();
    },
    complete: () => {
      events.push(['complete']);
      finish();
    },
  });
  return { events, subscription, settled };
}

/** Every notification until the Observable errors or completes. */
export function events<T>(source: Observable<T>): Promise<RxEvent<T>[]> {
  return record(source).settled;
}

/** Every entry an async iterable yields, then `complete` or the error it threw, as comparable events. */
export async function drain<T>(it: AsyncIterable<T>): Promise<RxEvent<T>[]> {
  const out: RxEvent<T>[] = [];
  try {
    for await (const entry of it) out.push(['next', entry]);
    out.push(['complete']);
  } catch (err) {
    out.push(['error', err]);
  }
  return out;
}
