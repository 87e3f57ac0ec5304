/**
 * Aborts `controller` when `outer` aborts, with the outer reason; an outer
 * signal already aborted aborts it at once. Returns the disposer that removes
 * the listener: call it when the work settles or is torn down, so a
 * long-lived outer signal does not keep one listener per finished request.
 */
export function linkSignal(outer: AbortSignal | undefined, controller: AbortController): () => void {
  if (outer === undefined) return noop;
  if (outer.aborted) {
    controller.abort(outer.reason);
    return noop;
  }
  const onAbort = (): void => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  return () => outer.removeEventListener('abort', onAbort);
}

function noop(): void {}
