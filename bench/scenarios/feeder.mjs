// Scenario: peak RSS of 1,000,000 stats (the 100,000 paths cycled) through a
// group with limit(16) and a feeder, against queueing all of them at once.
// Child protocol: one JSON line { mode, n, errors, ms }; the peak RSS comes from the runner.
import { nodeScript } from '../lib/child.mjs';
import { pairedOf, targetRow } from '../lib/compare.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

const kRequests = 1_000_000;
const kLimit = 16;
export const title = `Feeder: ${fmt(kRequests)} stats through a group with limit(${kLimit})`;
// Peak RSS barely varies between rounds; queueing everything at once takes ~12-18 s a round.
// Perf: one round, so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 1;

const kBaseline = 'ioaio baseline (paths loaded, nothing issued)';
const kFeed = `ioaio group limit(${kLimit}) + feeder`;
const kAll = 'ioaio all queued at once (shared callback)';

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio: boolean }>} */
export const contenders = [
  {
    name: kBaseline,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/feeder.mjs', 'baseline', fx.paths, kRequests),
  },
  {
    name: kFeed,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/feeder.mjs', 'feed', fx.paths, kRequests, kLimit),
  },
  { name: kAll, ioaio: true, argv: (fx) => nodeScript('ioaio/feeder.mjs', 'all', fx.paths, kRequests) },
];

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[] }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  if (peersOnly) return { markdown: 'ioaio only; no peer rows.', runs: new Map(), targets: [] };
  const runs = await runRounds(contenders, { rounds, fixture, log });
  const peakMiB = (name) => median(field(runs.get(name), 'maxRssKiB')) / 1024;
  const rows = contenders.map(({ name }) => {
    const ms = median(field(runs.get(name), 'ms'));
    return [
      name,
      fmt(peakMiB(name)),
      fmt(Math.max(...field(runs.get(name), 'maxRssKiB')) / 1024),
      name === kBaseline ? '' : ratio(pairedOf(runs, name, kAll, 'maxRssKiB')),
      fmt(ms),
      name === kBaseline ? '' : fmt(kRequests / (ms / 1000)),
    ];
  });
  const headers = [
    'contender',
    'peak RSS MiB (median)',
    'peak RSS MiB (worst)',
    '× all at once',
    'run ms',
    'ops/s',
  ];
  const peak = peakMiB(kFeed);
  const worst = Math.max(...field(runs.get(kFeed), 'maxRssKiB')) / 1024;
  const targets = [
    targetRow(
      'feeder',
      `peak RSS ≤ 100 MiB for ${fmt(kRequests)} stats through limit(${kLimit})`,
      Number.isFinite(worst) ? worst <= 100 : null,
      `${fmt(peak)} MiB median, ${fmt(worst)} MiB worst (all at once: ${fmt(peakMiB(kAll))} MiB)`,
    ),
  ];
  return { markdown: markdownTable(headers, rows), runs, targets };
}
