/** One turn of the event loop: resolves from the check phase, after pending I/O callbacks ran. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `count` turns of the event loop. */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await nextTurn();
}

/**
 * Waits, turn by turn, until `predicate` holds: a condition, never a time
 * window. Gives up after `maxTurns` turns with an error naming `what`.
 */
export async function until(predicate: () => boolean, what: string, maxTurns = 1_000_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (predicate()) return;
    await nextTurn();
  }
  throw new Error(`Gave up waiting for: ${what}`);
}

/** A promise with its resolve and reject, to hold a group member open until a test releases it. */
export interface Gate<T = void> {
  promise: Promise<T>;
  open(value: T): void;
  fail(reason: unknown): void;
}

export function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  let fail!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}
