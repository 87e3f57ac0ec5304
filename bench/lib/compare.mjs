// Comparisons across contenders of one scenario: the best of a family of
// peers (e.g. fs.stat at its best depth) and paired ratios against it.
import { field } from './rounds.mjs';
import { median, pairedRatio } from './stats.mjs';

/**
 * The contender of `names` with the best median `key`.
 * @param {Map<string, object[]>} runs
 * @param {string[]} names
 * @param {string} key
 * @param {'max' | 'min'} better
 * @returns {string | undefined} undefined when none of them ran
 */
export function bestOf(runs, names, key, better) {
  let best;
  let bestValue = better === 'max' ? -Infinity : Infinity;
  for (const name of names) {
    const m = median(field(runs.get(name), key));
    if (!Number.isFinite(m)) continue;
    if (better === 'max' ? m > bestValue : m < bestValue) {
      best = name;
      bestValue = m;
    }
  }
  return best;
}

/**
 * Median over rounds of `a[key] / b[key]`, round by round.
 * @param {Map<string, object[]>} runs
 * @param {string} a
 * @param {string | undefined} b
 * @param {string} key
 * @returns {number} NaN when either side is missing
 */
export const pairedOf = (runs, a, b, key) =>
  b === undefined ? Number.NaN : pairedRatio(field(runs.get(a), key), field(runs.get(b), key));

/**
 * Rows for the contenders that cannot run here (a package not built, a file
 * missing): `available()` returns true or the reason.
 * @param {Array<{ name: string, available?: () => true | string }>} contenders
 * @returns {{ runnable: object[], unavailable: Array<[string, string]> }}
 */
export function splitAvailable(contenders) {
  const runnable = [];
  const unavailable = [];
  for (const c of contenders) {
    const ok = c.available ? c.available() : true;
    if (ok === true) runnable.push(c);
    else unavailable.push([c.name, ok]);
  }
  return { runnable, unavailable };
}

/**
 * One row of the targets table.
 * @param {string} scenario
 * @param {string} target what must hold, in words
 * @param {boolean | null} met null when it could not be measured
 * @param {string} measured the figure, with its unit or ratio
 * @returns {{ scenario: string, target: string, met: boolean | null, measured: string }}
 */
export const targetRow = (scenario, target, met, measured) => ({ scenario, target, met, measured });
