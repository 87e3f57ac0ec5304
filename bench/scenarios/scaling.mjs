// Scenario: time per request with 10^4, 10^5 and 10^6 requests queued on a
// paused context, then resumed and flushed (the queue must stay O(1) per request).
// Child protocol: one JSON line { op, n, usPerReq, queueUsPerReq, runUsPerReq }.
import { nodeScript } from '../lib/child.mjs';
import { pairedOf, targetRow } from '../lib/compare.mjs';
import { defaultMaxParallel } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median, range } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = `Scaling: time per request with 10^4, 10^5, 10^6 queued (resumed to maxParallel=${defaultMaxParallel})`;
// Three rounds of 10^6 stats alone take ~35 s on 2 cores (on node:fs).
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

const kSizes = [10_000, 100_000, 1_000_000];
/** Small batches repeat inside the child (medians), so start-up noise does not swamp them. */
const kBatches = { 10000: 5, 100000: 2, 1000000: 1 };
const kOps = [
  ['nop', 'nop (queue + dispatch, no I/O)'],
  ['stat', 'stat (paths cycled)'],
];
const name = (op, n) => `ioaio ${op} × ${fmt(n)}`;

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio: boolean, op: string, n: number }>} */
export const contenders = kOps.flatMap(([op]) =>
  kSizes.map((n) => ({
    name: name(op, n),
    ioaio: true,
    op,
    n,
    argv: (fx) => nodeScript('ioaio/scaling.mjs', op, n, fx.paths, kBatches[n]),
  })),
);

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[] }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  if (peersOnly) return { markdown: 'ioaio only; no peer rows.', runs: new Map(), targets: [] };
  const runs = await runRounds(contenders, { rounds, fixture, log });
  const rows = contenders.map((c) => {
    const us = field(runs.get(c.name), 'usPerReq');
    const [lo, hi] = range(us);
    return [
      kOps.find(([op]) => op === c.op)[1],
      fmt(c.n),
      fmt(median(us), 2),
      `${fmt(lo, 2)} – ${fmt(hi, 2)}`,
      fmt(median(field(runs.get(c.name), 'queueUsPerReq')), 2),
      fmt(median(field(runs.get(c.name), 'runUsPerReq')), 2),
      ratio(pairedOf(runs, c.name, name(c.op, kSizes[0]), 'usPerReq')),
      fmt(median(field(runs.get(c.name), 'maxRssKiB')) / 1024),
      fmt(median(field(runs.get(c.name), 'cpuMs'))),
    ];
  });
  const headers = [
    'operation',
    'queued',
    'µs/request (median)',
    'min – max',
    'of which queueing µs',
    'of which running µs',
    `× ${fmt(kSizes[0])} (paired)`,
    'peak RSS MiB',
    'CPU ms (whole process)',
  ];
  const targets = kOps.map(([op]) => {
    const r = pairedOf(runs, name(op, 1_000_000), name(op, 10_000), 'usPerReq');
    return targetRow(
      'scaling',
      `${op}: time per request with 10^6 queued ≤ 1.3× with 10^4`,
      Number.isFinite(r) ? r <= 1.3 : null,
      `${ratio(r)}× (${fmt(median(field(runs.get(name(op, 1_000_000)), 'usPerReq')), 2)} vs ${fmt(median(field(runs.get(name(op, 10_000)), 'usPerReq')), 2)} µs)`,
    );
  });
  const note = `10^4 is the median of ${kBatches[10000]} batches and 10^5 of ${kBatches[100000]} in one process, after one untimed batch of 10^4 (the same warm-up for every size).`;
  return { markdown: `${note}\n\n${markdownTable(headers, rows)}`, runs, targets };
}
