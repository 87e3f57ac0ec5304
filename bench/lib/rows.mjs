// Cells every scenario table repeats, so each row builder says only what is its own.
import { field } from './rounds.mjs';
import { median, range } from './stats.mjs';
import { fmt } from './table.mjs';

/** A row's spread cells: the median of `values`, then their `min – max`. */
export function spreadCells(values) {
  const [lo, hi] = range(values);
  return [fmt(median(values)), `${fmt(lo)} – ${fmt(hi)}`];
}

/** The headers of the two columns `costCells` fills. */
export const kCostHeaders = ['CPU ms (whole process)', 'peak RSS MiB'];

/** A row's cost cells from one contender's rounds: median CPU ms (whole process), median peak RSS in MiB. */
export function costCells(rounds) {
  return [fmt(median(field(rounds, 'cpuMs'))), fmt(median(field(rounds, 'maxRssKiB')) / 1024)];
}

/** A row's note on errors: the most any round saw, or nothing when none did. */
export function errorNote(rounds) {
  const errors = Math.max(0, ...field(rounds, 'errors'));
  return errors ? `${errors} errors` : '';
}
