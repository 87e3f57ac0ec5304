import { Observable, type Subscriber } from 'rxjs';

/**
 * Sends a request's outcome to a subscriber: its value then `complete`, or
 * `error`. `settled` runs first, so a subscriber that unsubscribes inside
 * `next` (as `take(1)` does) finds the work settled and cancels nothing.
 * @internal
 */
export function forwardOutcome<T>(req: PromiseLike<T>, subscriber: Subscriber<T>, settled: () => void): void {
  req.then(
    (value) => {
      settled();
      subscriber.next(value);
      subscriber.complete();
    },
    (err: unknown) => {
      settled();
      subscriber.error(err);
    },
  );
}

function hasCancel(req: object): req is { cancel(reason?: unknown): void } {
  return typeof (req as { cancel?: unknown }).cancel === 'function';
}

/**
 * An Observable of a request that was already issued: an `AioRequest`, an
 * `AioGroup` or any `PromiseLike`. It emits the value and completes, or
 * errors with the request's error (Node's error object, or an `AbortError`).
 *
 * The request is shared by every subscriber of the returned Observable; when
 * the last of them unsubscribes before it settled, it is cancelled (requests
 * and groups, through their `cancel()`; a plain promise is only no longer
 * observed). Unsubscribing after it settled cancels nothing.
 *
 * @example
 * import { aio } from '@ioaio/core';
 * import { fromRequest } from '@ioaio/rx';
 * const grp = aio.group<number>();
 * fromRequest(grp).subscribe({ next: (n) => console.log(n), error: console.error });
 */
export function fromRequest<T>(req: PromiseLike<T>): Observable<T> {
  let subscribers = 0;
  let settled = false;
  const markSettled = (): void => {
    settled = true;
  };
  return new Observable<T>((subscriber) => {
    subscribers++;
    forwardOutcome(req, subscriber, markSettled);
    return () => {
      subscribers--;
      if (subscribers === 0 && !settled && hasCancel(req)) req.cancel();
    };
  });
}
