// Scenario: latency of one 1 KiB read on an open fd, idle and behind 100,000 queued stats.
// Child protocol: one JSON line { idleMs, loadedMs, statsBefore, stats }; the
// child measures idle (median of a few reads) and then loaded, in one process.
import { interpScript, nodeScript } from '../lib/child.mjs';
import { targetRow } from '../lib/compare.mjs';
import { defaultMaxParallel, kSweep } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median, pairedRatio } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Priority: one 1 KiB read issued right after 100,000 stats were queued';
export const defaultRounds = 3;

const depthName = (depth) =>
  `ioaio read pri 4 behind stat pri -4, maxParallel=${depth}${depth === defaultMaxParallel ? ' (default)' : ''}`;

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio?: boolean, depth?: number }>} */
export const contenders = [
  {
    name: 'node fs.read behind fs.stat (FIFO)',
    argv: (fx) => nodeScript('peers/prio-node.mjs', fx.readFile, fx.paths),
  },
  {
    name: 'perl IO::AIO aio_read pri 4 behind aio_stat pri -4, 4 threads',
    argv: (fx) => interpScript('perl', 'peers/prio-aio.pl', fx.readFile, fx.paths, 4),
  },
  ...kSweep.map((depth) => ({
    name: depthName(depth),
    ioaio: true,
    depth,
    argv: (fx) => nodeScript('ioaio/prio.mjs', fx.readFile, fx.paths, depth),
  })),
];

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[], byDepth: Map<number, Record<string, number>> }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio));
  const runs = await runRounds(chosen, { rounds, fixture, log });
  const rows = chosen.map(({ name }) => {
    const idle = field(runs.get(name), 'idleMs');
    const loaded = field(runs.get(name), 'loadedMs');
    return [
      name,
      fmt(median(idle), 3),
      fmt(median(loaded), 3),
      `${fmt(Math.max(...loaded), 3)}`,
      ratio(pairedRatio(loaded, idle)),
      fmt(median(field(runs.get(name), 'statsBefore'))),
    ];
  });
  const headers = [
    'contender',
    'idle read ms',
    'loaded read ms (median)',
    'loaded read ms (worst round)',
    'loaded / idle (paired)',
    'stat callbacks before the read',
  ];

  const byDepth = new Map();
  for (const c of chosen.filter((x) => x.ioaio)) {
    const loaded = field(runs.get(c.name), 'loadedMs');
    const idle = field(runs.get(c.name), 'idleMs');
    byDepth.set(c.depth, {
      loadedMs: median(loaded),
      worstMs: Math.max(...loaded),
      vsIdle: pairedRatio(loaded, idle),
    });
  }
  const targets = [];
  const d = byDepth.get(defaultMaxParallel);
  if (d) {
    targets.push(
      targetRow(
        'priority',
        `priority-4 read behind the flood ≤ 2× the idle read (default maxParallel=${defaultMaxParallel})`,
        Number.isFinite(d.vsIdle) ? d.vsIdle <= 2 : null,
        `${ratio(d.vsIdle)}× idle`,
      ),
      targetRow(
        'priority',
        `priority-4 read behind the flood ≤ 1 ms (default maxParallel=${defaultMaxParallel})`,
        Number.isFinite(d.loadedMs) ? d.loadedMs <= 1 : null,
        `${fmt(d.loadedMs, 3)} ms median, ${fmt(d.worstMs, 3)} ms worst round`,
      ),
    );
  }
  return { markdown: markdownTable(headers, rows), runs, targets, byDepth };
}
