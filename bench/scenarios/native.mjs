// Scenario: the native pool (@ioaio/native) on its own against raw fs.stat callbacks, in one run:
// 100,000 stats of existing files and no-op throughput; then aio.nop through core (the default
// context, on the native backend, and its node:fs twin), which the nop target names.
// Child protocol: one JSON line { n, errors, ms, opsPerSec }.
import { nodeScript } from '../lib/child.mjs';
import { pairedOf, targetRow } from '../lib/compare.mjs';
import { defaultBackend, onDefault, onFs, withFsTwin } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { costCells, errorNote, kCostHeaders, spreadCells } from '../lib/rows.mjs';
import { median } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title =
  'Native pool: 100,000 stats against raw fs.stat, no-op throughput, a priority-4 read behind 100,000 queued stats';
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

const kRaw = 'node fs.stat cb K=64';
const kNative = 'native pool stat, 4 threads, all queued';
const kNativeStats = 'native pool stat, 4 threads, a NativeStats per result';
const kNative2 = 'native pool stat, 2 threads, all queued';
const kNop = 'native pool nop × 1,000,000, 4 threads, all queued';
const kNopFed = 'native pool nop × 1,000,000, 4 threads, 10,000 in flight';
const kNopCount = 1_000_000;
const kPrio = 'native pool, priority-4 1 KiB read behind 100,000 queued priority -4 stats, 4 threads';
const kPrioRounds = 10;
const kCoreNopAll = 'core aio.nop × 1,000,000, default context, callbacks, all issued at once';
const kCoreNopFedBase = 'core aio.nop × 1,000,000, default context, callbacks, 10,000 in flight';
const kCoreNopAwait = 'core aio.nop × 100,000, default context, every request awaited (Promise.all)';

/** @type {Array<import('../lib/rounds.mjs').Contender>} */
export const contenders = [
  { name: kRaw, argv: (fx) => nodeScript('peers/stat-cb.mjs', fx.paths, 64) },
  { name: kNative, argv: (fx) => nodeScript('ioaio/native-stat.mjs', fx.paths, 4, 'raw') },
  { name: kNativeStats, argv: (fx) => nodeScript('ioaio/native-stat.mjs', fx.paths, 4, 'stats') },
  { name: kNative2, argv: (fx) => nodeScript('ioaio/native-stat.mjs', fx.paths, 2, 'raw') },
  { name: kNop, argv: () => nodeScript('ioaio/native-nop.mjs', kNopCount, 4, 'all') },
  { name: kNopFed, argv: () => nodeScript('ioaio/native-nop.mjs', kNopCount, 4, 10_000) },
  {
    name: onDefault(kCoreNopAll),
    backend: defaultBackend,
    argv: () => nodeScript('ioaio/nop.mjs', kNopCount, 'cb', 'all'),
  },
  ...withFsTwin({ name: kCoreNopFedBase, argv: () => nodeScript('ioaio/nop.mjs', kNopCount, 'cb', 10_000) }),
  {
    name: onDefault(kCoreNopAwait),
    backend: defaultBackend,
    argv: () => nodeScript('ioaio/nop.mjs', 100_000, 'await'),
  },
];

/** The nop rows (no ratio against raw fs.stat). */
const kNops = new Set([
  kNop,
  kNopFed,
  onDefault(kCoreNopAll),
  onDefault(kCoreNopFedBase),
  onFs(kCoreNopFedBase),
  onDefault(kCoreNopAwait),
]);

/** Runs in its own rounds after the throughput rows: it reports latencies, not ops/s. */
const kPrioContender = {
  name: kPrio,
  argv: (fx) => nodeScript('ioaio/native-prio.mjs', fx.readFile, fx.paths, 4, kPrioRounds),
};

/** The latency table: each process runs kPrioRounds floods; medians over processes. */
function prioMarkdown(runs) {
  const r = runs.get(kPrio) ?? [];
  const rows = r.map((run, i) => [
    `process ${i + 1}`,
    fmt(run.result.idleMs, 3),
    fmt(run.result.loadedMs, 3),
    fmt(run.result.worstMs, 3),
    String(run.result.lowsBefore),
    (run.result.loadedRoundsMs ?? []).join(', '),
  ]);
  const headers = [
    kPrio,
    'idle ms (median)',
    `loaded ms (median of ${kPrioRounds})`,
    'worst round ms',
    'most low callbacks before it',
    'every round ms',
  ];
  return markdownTable(headers, rows);
}

function row(runs, name, vsRaw) {
  const rounds = runs.get(name);
  return [
    name,
    ...spreadCells(field(rounds, 'opsPerSec')),
    vsRaw ? ratio(pairedOf(runs, name, kRaw, 'opsPerSec')) : '—',
    fmt(median(field(rounds, 'ms'))),
    ...costCells(rounds),
    errorNote(rounds),
  ];
}

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[] }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  if (peersOnly)
    return { markdown: 'native pool only; its peer runs with it.', runs: new Map(), targets: [] };
  const runs = await runRounds(contenders, { rounds, fixture, log, warmup: true });
  const prioRuns = await runRounds([kPrioContender], { rounds, fixture, log });
  const rows = contenders.map((c) => row(runs, c.name, !kNops.has(c.name)));
  const headers = [
    'contender',
    'median ops/s',
    'min – max',
    `× ${kRaw} (paired)`,
    'wall ms (timed part)',
    ...kCostHeaders,
    'note',
  ];
  const targets = [nopTarget(runs)];
  const note =
    'CPU ms is the whole process (all threads, start-up included) from GNU time; wall ms is the timed part only.';
  const markdown = `${note}\n\n${markdownTable(headers, rows)}\n\n${prioMarkdown(prioRuns)}`;
  return { markdown, runs, targets };
}

/** The nop target, through core: the better of the two callback rows (awaited beside). */
function nopTarget(runs) {
  const ops = (name) => median(field(runs.get(name), 'opsPerSec'));
  const all = ops(onDefault(kCoreNopAll));
  const fed = ops(onDefault(kCoreNopFedBase));
  const best = Math.max(all, fed);
  return targetRow(
    'nop',
    `≥ 1,000,000 requests/s through core (aio.nop with callbacks, the better of all-at-once and 10,000 in flight; ${defaultBackend})`,
    Number.isFinite(best) ? best >= 1_000_000 : null,
    `${fmt(best)} requests/s (all at once ${fmt(all)}, 10,000 in flight ${fmt(fed)}; every request awaited ${fmt(ops(onDefault(kCoreNopAwait)))}; node:fs backend 10,000 in flight ${fmt(ops(onFs(kCoreNopFedBase)))}; the bare pool ${fmt(Math.max(ops(kNop), ops(kNopFed)))})`,
  );
}
