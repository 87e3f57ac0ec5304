// Scenario: stat() throughput over the 100,000 paths of paths.txt (warm cache).
// Child protocol: one JSON line { n, errors, ms, opsPerSec }.
import { interpScript, nodeScript } from '../lib/child.mjs';
import { bestOf, pairedOf, targetRow } from '../lib/compare.mjs';
import { defaultMaxParallel } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { costCells, errorNote, kCostHeaders, spreadCells } from '../lib/rows.mjs';
import { markdownTable, ratio } from '../lib/table.mjs';

export const title = 'stat() throughput (100,000 existing files, warm cache)';
export const defaultRounds = 3;

const kAwaited = `ioaio default (maxParallel=${defaultMaxParallel}), every request awaited`;
const kCallbacks = `ioaio default (maxParallel=${defaultMaxParallel}), callbacks`;

/**
 * @type {Array<import('../lib/rounds.mjs').Contender & { family?: string, ioaio?: boolean }>}
 * `family` groups the peers whose best row is the reference of a ratio column.
 */
export const contenders = [
  { name: 'node fs.stat cb K=64', family: 'cb', argv: (fx) => nodeScript('peers/stat-cb.mjs', fx.paths, 64) },
  { name: 'node fs.stat cb K=4', family: 'cb', argv: (fx) => nodeScript('peers/stat-cb.mjs', fx.paths, 4) },
  { name: 'node fs.stat cb K=16', family: 'cb', argv: (fx) => nodeScript('peers/stat-cb.mjs', fx.paths, 16) },
  {
    name: 'node fs.stat cb K=all',
    family: 'cb',
    argv: (fx) => nodeScript('peers/stat-cb.mjs', fx.paths, 'all'),
  },
  {
    name: 'p-limit(4) fs.promises.stat',
    family: 'plimit',
    argv: (fx) => nodeScript('peers/stat-plimit.mjs', fx.paths, 4),
  },
  {
    name: 'p-limit(64) fs.promises.stat',
    family: 'plimit',
    argv: (fx) => nodeScript('peers/stat-plimit.mjs', fx.paths, 64),
  },
  {
    name: 'p-queue(4) fs.promises.stat',
    family: 'pqueue',
    argv: (fx) => nodeScript('peers/stat-pqueue.mjs', fx.paths, 4),
  },
  {
    name: 'p-queue(64) fs.promises.stat',
    family: 'pqueue',
    argv: (fx) => nodeScript('peers/stat-pqueue.mjs', fx.paths, 64),
  },
  {
    name: 'perl IO::AIO aio_stat, 4 threads',
    family: 'perl',
    argv: (fx) => interpScript('perl', 'peers/stat-aio.pl', fx.paths, 4),
  },
  {
    name: kAwaited,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/stat.mjs', fx.paths, 'default', 'await'),
  },
  {
    name: kCallbacks,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/stat.mjs', fx.paths, 'default', 'cb'),
  },
];

const kFamilies = [
  ['cb', 'node fs.stat cb'],
  ['plimit', 'p-limit'],
  ['pqueue', 'p-queue'],
  ['perl', 'perl IO::AIO'],
];

/** The best contender of each family, by median ops/s. */
function references(runs, chosen) {
  const refs = {};
  for (const [family] of kFamilies) {
    const names = chosen.filter((c) => c.family === family).map((c) => c.name);
    refs[family] = bestOf(runs, names, 'opsPerSec', 'max');
  }
  return refs;
}

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: ReturnType<typeof import('../make-tree.mjs').ensureTrees>, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[] }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio));
  const runs = await runRounds(chosen, { rounds, fixture, log, warmup: true });
  const refs = references(runs, chosen);
  const rows = chosen.map(({ name }) => {
    const rounds = runs.get(name);
    return [
      name,
      ...spreadCells(field(rounds, 'opsPerSec')),
      ...kFamilies.map(([family]) => ratio(pairedOf(runs, name, refs[family], 'opsPerSec'))),
      ...costCells(rounds),
      errorNote(rounds),
    ];
  });
  const headers = [
    'contender',
    'median ops/s',
    'min – max',
    ...kFamilies.map(([family, label]) => `× ${label} best${refs[family] ? ` (${refs[family]})` : ''}`),
    ...kCostHeaders,
    'note',
  ];
  const markdown = `Ratios are paired round by round against the best row (by median) of each peer family; above 1 is faster.\n\n${markdownTable(headers, rows)}`;

  const targets = [];
  if (!peersOnly) {
    const vsRaw = pairedOf(runs, kAwaited, refs.cb, 'opsPerSec');
    const vsRawCb = pairedOf(runs, kCallbacks, refs.cb, 'opsPerSec');
    const vsQueue = pairedOf(runs, kAwaited, refs.pqueue, 'opsPerSec');
    targets.push(
      targetRow(
        'stat',
        '≥ 0.8× raw fs.stat callbacks at their best depth (ioaio default, every request awaited)',
        Number.isFinite(vsRaw) ? vsRaw >= 0.8 : null,
        `${ratio(vsRaw)}× ${refs.cb ?? '—'} (callbacks instead of await: ${ratio(vsRawCb)}×)`,
      ),
      targetRow(
        'stat',
        '≥ 3× p-queue at its best depth (ioaio default, every request awaited)',
        Number.isFinite(vsQueue) ? vsQueue >= 3 : null,
        `${ratio(vsQueue)}× ${refs.pqueue ?? '—'}`,
      ),
    );
  }
  return { markdown, runs, targets };
}
