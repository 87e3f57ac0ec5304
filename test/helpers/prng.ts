/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the
 * same sequence, so a failing run can be replayed from its seed.
 */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** An integer in [0, n) from `random`. */
export function pick(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
