// Order statistics over per-round samples.

/**
 * Median of finite numbers (mean of the middle two for even counts).
 * @param {number[]} xs
 * @returns {number} NaN for an empty list
 */
export function median(xs) {
  const a = xs.filter(Number.isFinite).sort((x, y) => x - y);
  if (a.length === 0) return Number.NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/**
 * Smallest and largest finite sample.
 * @param {number[]} xs
 * @returns {[number, number]}
 */
export function range(xs) {
  const a = xs.filter(Number.isFinite);
  return a.length ? [Math.min(...a), Math.max(...a)] : [Number.NaN, Number.NaN];
}

/**
 * Median of the per-round ratios a[i] / b[i]: rounds ran back to back, so a
 * noisy stretch of the machine hits both sides of one ratio alike.
 * @param {number[]} a values of the contender, one per round
 * @param {number[]} b values of the reference, same rounds
 * @returns {number}
 */
export function pairedRatio(a, b) {
  const n = Math.min(a.length, b.length);
  const r = [];
  for (let i = 0; i < n; i++) r.push(a[i] / b[i]);
  return median(r);
}
