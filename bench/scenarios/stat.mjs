// Scenario: stat() throughput over the 100,000 paths of paths.txt (warm cache).
// Child protocol: one JSON line { n, errors, ms, opsPerSec }.
import { interpScript, nodeScript } from '../lib/child.mjs';
import { bestOf, pairedOf, targetRow } from '../lib/compare.mjs';
import {
  defaultBackend,
  defaultMaxParallel,
  fsMaxParallel,
  onDefault,
  onFs,
  withFsTwin,
} from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { costCells, errorNote, kCostHeaders, spreadCells } from '../lib/rows.mjs';
import { markdownTable, ratio } from '../lib/table.mjs';

export const title = 'stat() throughput (100,000 existing files, warm cache)';
export const defaultRounds = 3;

const kAwaitedBase = 'ioaio default context, every request awaited';
const kCallbacksBase = 'ioaio default context, callbacks';
const kAwaited = onDefault(kAwaitedBase);
const kCallbacks = onDefault(kCallbacksBase);
/** The node:fs twin of the awaited row: the same child with IOAIO_BACKEND=fs. */
const kFsAwaited = onFs(kAwaitedBase);

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
  ...withFsTwin({
    name: kAwaitedBase,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/stat.mjs', fx.paths, 'default', 'await'),
  }),
  ...withFsTwin({
    name: kCallbacksBase,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/stat.mjs', fx.paths, 'default', 'cb'),
  }),
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
  const markdown = `Ratios are paired round by round against the best row (by median) of each peer family; above 1 is faster (higher is better). Rows marked [node:fs] are the same ioaio children run with IOAIO_BACKEND=fs; the default context's maxParallel is ${defaultMaxParallel} on ${defaultBackend} and ${fsMaxParallel} on node:fs.\n\n${markdownTable(headers, rows)}`;

  const targets = peersOnly ? [] : statTargets(runs, refs);
  return { markdown, runs, targets };
}

/** The issue's stat targets for the default (native) backend, with the node:fs twin's figure beside. */
function statTargets(runs, refs) {
  const vs = (name, ref) => pairedOf(runs, name, ref, 'opsPerSec');
  const vsRaw = vs(kAwaited, refs.cb);
  const vsPerl = vs(kAwaited, refs.perl);
  const vsQueue = vs(kAwaited, refs.pqueue);
  const met = (x, ok) => (Number.isFinite(x) ? ok(x) : null);
  return [
    targetRow(
      'stat',
      `≥ 3× raw fs.stat callbacks at their best depth, 100,000 queued, every request awaited (${defaultBackend})`,
      met(vsRaw, (x) => x >= 3),
      `${ratio(vsRaw)}× ${refs.cb ?? '—'} (callbacks: ${ratio(vs(kCallbacks, refs.cb))}×; node:fs backend awaited: ${ratio(vs(kFsAwaited, refs.cb))}×)`,
    ),
    targetRow(
      'stat',
      `≥ 1.0× Perl IO::AIO aio_stat, every request awaited (${defaultBackend})`,
      met(vsPerl, (x) => x >= 1),
      `${ratio(vsPerl)}× ${refs.perl ?? '—'} (callbacks: ${ratio(vs(kCallbacks, refs.perl))}×; node:fs backend awaited: ${ratio(vs(kFsAwaited, refs.perl))}×)`,
    ),
    targetRow(
      'stat',
      `≥ 3× p-queue at its best depth, every request awaited (${defaultBackend})`,
      met(vsQueue, (x) => x >= 3),
      `${ratio(vsQueue)}× ${refs.pqueue ?? '—'} (node:fs backend: ${ratio(vs(kFsAwaited, refs.pqueue))}×)`,
    ),
  ];
}
