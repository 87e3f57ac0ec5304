/**
 * Seeded randomness for the reliability tests: every random choice comes
 * from a seed that the test prints when it fails, so a failing run replays
 * exactly. `IOAIO_SEED` overrides the fixed default to explore other runs.
 */
export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** The seed a randomized test runs with: `IOAIO_SEED` when set, else `fallback`. */
export function testSeed(fallback: number): number {
  const env = process.env.IOAIO_SEED;
  if (env === undefined || env === '') return fallback >>> 0;
  const seed = Number(env);
  if (!Number.isInteger(seed)) throw new Error(`IOAIO_SEED must be an integer, got ${env}`);
  return seed >>> 0;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    seed: seed >>> 0,
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
  };
}

/** The line a failing randomized test prints, so the run can be replayed. */
export function replayHint(seed: number): string {
  return `replay with IOAIO_SEED=${seed}`;
}
