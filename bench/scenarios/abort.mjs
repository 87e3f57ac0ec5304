// Scenario: the cost of cancelling at scale. 1,000,000 requests queued on a
// paused context, all sharing one AbortSignal, then aborted through it; the
// time of the abort against the time of queueing, in the same process.
// Child protocol: one JSON line { kind, n, queueMs, abortMs, ratio }.
import { nodeScript } from '../lib/child.mjs';
import { targetRow } from '../lib/compare.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median, range } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

const kRequests = 1_000_000;
export const title = `Abort: ${fmt(kRequests)} queued requests cancelled through one signal`;
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio: boolean }>} */
export const contenders = [
  { name: 'ioaio nop', ioaio: true, argv: (fx) => nodeScript('ioaio/abort.mjs', 'nop', fx.paths, kRequests) },
  {
    name: 'ioaio stat',
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/abort.mjs', 'stat', fx.paths, kRequests),
  },
];

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[] }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  if (peersOnly) return { markdown: 'ioaio only; no peer rows.', runs: new Map(), targets: [] };
  const runs = await runRounds(contenders, { rounds, fixture, log });
  const rows = contenders.map(({ name }) => {
    const ratios = field(runs.get(name), 'ratio');
    const [lo, hi] = range(ratios);
    return [
      name,
      fmt(median(field(runs.get(name), 'queueMs'))),
      fmt(median(field(runs.get(name), 'abortMs'))),
      ratio(median(ratios)),
      `${ratio(lo)} – ${ratio(hi)}`,
      fmt(median(field(runs.get(name), 'maxRssKiB')) / 1024),
    ];
  });
  const headers = ['contender', 'queue ms', 'abort ms', 'abort ÷ queue', 'min – max', 'peak RSS MiB'];
  const worst = Math.max(...contenders.flatMap(({ name }) => field(runs.get(name), 'ratio')));
  const targets = [
    targetRow(
      'abort',
      `aborting ${fmt(kRequests)} queued requests takes ≤ 1× the time to queue them`,
      Number.isFinite(worst) ? worst <= 1 : null,
      contenders.map(({ name }) => `${name}: ${ratio(median(field(runs.get(name), 'ratio')))}×`).join(', '),
    ),
  ];
  return { markdown: markdownTable(headers, rows), runs, targets };
}
