// Scenario: latency of one 1 KiB read on an open fd, idle and behind 100,000 queued stats.
// Child protocol: one JSON line { idleMs, loadedMs, statsBefore, stats }; the child measures idle
// (median of a few reads) and then loaded, in one process. The ioaio children run kFloods floods
// in one long-lived process and add { worstMs, loadedRoundsMs } (loadedMs: their median).
import { interpScript, nodeScript } from '../lib/child.mjs';
import { targetRow } from '../lib/compare.mjs';
import { defaultBackend, defaultMaxParallel, fsTwin, kSweep } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { costCells, kCostHeaders } from '../lib/rows.mjs';
import { median, pairedRatio } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Priority: one 1 KiB read issued right after 100,000 stats were queued';
// Perf: one process per contender; each ioaio process runs kFloods floods (the rounds).
export const defaultRounds = 1;

/** Floods per ioaio process: the 10 rounds in one long-lived process. */
const kFloods = 10;
const depthName = (depth) =>
  `ioaio read pri 4 behind stat pri -4, maxParallel=${depth}${depth === defaultMaxParallel ? ' (default)' : ''} [${defaultBackend}]`;

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
    backend: defaultBackend,
    argv: (fx) => nodeScript('ioaio/prio.mjs', fx.readFile, fx.paths, depth, kFloods),
  })),
  fsTwin(
    {
      name: 'ioaio read pri 4 behind stat pri -4, default context',
      ioaio: true,
      argv: (fx) => nodeScript('ioaio/prio.mjs', fx.readFile, fx.paths, 'default', kFloods),
    },
    (n) => `${n} [node:fs]`,
  ),
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
      fmt(Math.max(...worstOf(runs.get(name))), 3),
      ratio(pairedRatio(loaded, idle)),
      fmt(median(field(runs.get(name), 'statsBefore'))),
      ...costCells(runs.get(name)),
      everyRound(runs.get(name)),
    ];
  });
  const headers = [
    'contender',
    'idle read ms',
    'loaded read ms (median)',
    'loaded read ms (worst round)',
    'loaded / idle (paired; lower is better)',
    'stat callbacks before the read',
    ...kCostHeaders,
    `every flood's read ms, per process (ioaio: ${kFloods} floods a process)`,
  ];

  const byDepth = new Map();
  for (const c of chosen.filter((x) => x.ioaio)) {
    if (c.depth === undefined) continue;
    const loaded = field(runs.get(c.name), 'loadedMs');
    const idle = field(runs.get(c.name), 'idleMs');
    byDepth.set(c.depth, {
      loadedMs: median(loaded),
      worstMs: Math.max(...worstOf(runs.get(c.name))),
      vsIdle: pairedRatio(loaded, idle),
    });
  }
  const d = byDepth.get(defaultMaxParallel);
  const targets = d ? [prioTarget(d)] : [];
  const note = `The ioaio rows run ${kFloods} floods in one long-lived process each (${kFloods} reads a process, the garbage of earlier floods in the heap); the peers one flood a process.`;
  return { markdown: `${note}\n\n${markdownTable(headers, rows)}`, runs, targets, byDepth };
}

/** Each process's worst flood (the peers' one flood each). */
const worstOf = (rounds) =>
  field(rounds, 'worstMs').map((w, i) => (Number.isFinite(w) ? w : field(rounds, 'loadedMs')[i]));

/** Every flood's read, process by process ('; ' between processes). */
const everyRound = (rounds) =>
  (rounds ?? [])
    .map((r) => (r.result.loadedRoundsMs ?? [r.result.loadedMs]).map((x) => fmt(x, 2)).join(', '))
    .join('; ');

/** The priority target on the default context: every flood's read ≤ 1 ms, the median ≤ 2× idle. */
function prioTarget(d) {
  const ok = Number.isFinite(d.worstMs) ? d.worstMs <= 1 && d.vsIdle <= 2 : null;
  return targetRow(
    'priority',
    `priority-4 read behind 100,000 queued priority -4 stats, ${kFloods} floods in one long-lived process: every one ≤ 1 ms, median ≤ 2× idle (${defaultBackend}, default maxParallel=${defaultMaxParallel})`,
    ok,
    `worst ${fmt(d.worstMs, 3)} ms, median ${fmt(d.loadedMs, 3)} ms = ${ratio(d.vsIdle)}× idle`,
  );
}
