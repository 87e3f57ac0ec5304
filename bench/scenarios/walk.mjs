// Scenario: recursive walk of the nested tree and of the flat directory,
// symlinks (to dirs too) counted as non-dirs and never followed.
// Child protocol: one JSON line { ms, dirs, nondirs } (root excluded), or
// { ms, entries } for a walker that only reports a total, or { ms } for one
// that prints nothing (the CLI with -q).
import { interpScript, nodeScript } from '../lib/child.mjs';
import { pairedOf, splitAvailable, targetRow } from '../lib/compare.mjs';
import { cliAvailable, cliPath, rxAvailable } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { spreadCells } from '../lib/rows.mjs';
import { median, pairedRatio } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Tree walk';
export const defaultRounds = 3;

const kCore = 'ioaio aio.walk (onEntries counting)';
const kFdir = 'fdir';
const kTreescan = 'treescan DIR (IO::AIO), lines counted';

/**
 * @type {Array<import('../lib/rounds.mjs').Contender & { ioaio?: boolean, available?: () => true | string }>}
 * `fx.dir` is the directory walked; the first is the reference.
 */
export const contenders = [
  { name: 'find DIR | wc -l', argv: (fx) => interpScript('sh', 'peers/walk-find.sh', fx.dir) },
  { name: kFdir, argv: (fx) => nodeScript('peers/walk-fdir.mjs', fx.dir) },
  { name: '@nodelib/fs.walk', argv: (fx) => nodeScript('peers/walk-nodelib.mjs', fx.dir) },
  {
    name: kTreescan,
    argv: (fx) => interpScript('sh', 'peers/walk-treescan.sh', fx.dir),
  },
  { name: kCore, ioaio: true, argv: (fx) => nodeScript('ioaio/walk.mjs', fx.dir) },
  {
    name: 'ioaio walk on createAio({ maxParallel: 32 })',
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/walk.mjs', fx.dir, '', 32),
  },
  {
    name: '@ioaio/rx treescanIterator',
    ioaio: true,
    available: () => rxAvailable,
    argv: (fx) => nodeScript('ioaio/walk-rx.mjs', fx.dir),
  },
  {
    name: 'ioaio CLI -q DIR (process start-up included)',
    ioaio: true,
    available: cliAvailable,
    argv: (fx) => interpScript('sh', 'ioaio/walk-cli.sh', cliPath, fx.dir),
  },
];

/** 'ok' when every round reported the expected counts (or total). */
function checkCounts(runs, dirs, nondirs) {
  if (!runs?.length) return 'failed';
  const ok = runs.every(({ result: r }) =>
    'entries' in r ? r.entries === dirs + nondirs : r.dirs === dirs && r.nondirs === nondirs,
  );
  if (runs.every(({ result: r }) => !('entries' in r) && !('dirs' in r)))
    return 'not counted (prints nothing)';
  if (!ok) return `MISMATCH ${JSON.stringify(runs.map((r) => r.result))}`;
  return 'entries' in runs[0].result ? 'ok (total only)' : 'ok';
}

async function walkOne(dir, dirs, nondirs, { rounds, fixture, log, peersOnly = false }) {
  const { runnable, unavailable } = splitAvailable(contenders.filter((c) => !(peersOnly && c.ioaio)));
  const runs = await runRounds(runnable, { rounds, fixture: { ...fixture, dir }, log, warmup: true });
  const ref = field(runs.get(runnable[0].name), 'ms');
  const rows = runnable.map(({ name }) => {
    const ms = field(runs.get(name), 'ms');
    return [
      name,
      ...spreadCells(ms),
      ratio(pairedRatio(ms, ref)),
      ratio(pairedOf(runs, name, kFdir, 'ms')),
      ratio(pairedOf(runs, name, kTreescan, 'ms')),
      fmt(median(field(runs.get(name), 'wallMs'))),
      fmt(median(field(runs.get(name), 'maxRssKiB')) / 1024),
      checkCounts(runs.get(name), dirs, nondirs),
    ];
  });
  for (const [name, why] of unavailable) rows.push([name, why, '', '', '', '', '', '', '']);
  const headers = [
    'walker',
    'median ms',
    'min – max',
    `× ${runnable[0].name} (paired)`,
    `× ${kFdir} (paired)`,
    `× ${kTreescan} (paired)`,
    'whole process ms',
    'peak RSS MiB',
    `counts (expect ${fmt(dirs)} dirs + ${fmt(nondirs)} non-dirs)`,
  ];
  return { markdown: `${dir}\n\n${markdownTable(headers, rows)}`, runs };
}

/**
 * Walks tree/ then flat/ and renders one table each.
 * @param {{ rounds: number, fixture: ReturnType<typeof import('../make-tree.mjs').ensureTrees>, log?: (m: string) => void }} opts
 * @returns {Promise<{ markdown: string, runs: object }>}
 */
export async function run(opts) {
  const { tree, flat, counts } = opts.fixture;
  const t = await walkOne(tree, counts.treeDirs, counts.treeNondirs, opts);
  const f = await walkOne(flat, 0, counts.flatNondirs, opts);
  const note =
    'Times are what each walker reports: Node walkers time the walk inside the process; the shell ' +
    'wrappers (find, treescan, the CLI) time the whole command, start-up included.';
  const targets = [];
  if (!opts.peersOnly) {
    const vsFdir = pairedOf(t.runs, kCore, kFdir, 'ms');
    const vsTree = (runs) => [
      pairedOf(runs, kCore, kTreescan, 'wallMs'),
      pairedOf(runs, kCore, kTreescan, 'ms'),
    ];
    const [treeWall, treeMs] = vsTree(t.runs);
    const [flatWall, flatMs] = vsTree(f.runs);
    targets.push(
      targetRow(
        'walk',
        'aio.walk ≤ 1.0× fdir on the nested tree (time inside the process)',
        Number.isFinite(vsFdir) ? vsFdir <= 1 : null,
        `${ratio(vsFdir)}× fdir`,
      ),
      targetRow(
        'walk',
        'aio.walk faster than Perl treescan on the nested tree (whole process, start-up included on both sides)',
        Number.isFinite(treeWall) ? treeWall < 1 : null,
        `${ratio(treeWall)}× treescan (walk alone vs treescan with start-up: ${ratio(treeMs)}×)`,
      ),
      targetRow(
        'walk',
        'aio.walk faster than Perl treescan on the flat directory (whole process, start-up included on both sides)',
        Number.isFinite(flatWall) ? flatWall < 1 : null,
        `${ratio(flatWall)}× treescan (walk alone vs treescan with start-up: ${ratio(flatMs)}×)`,
      ),
    );
  }
  return {
    markdown: `${note}\n\n${t.markdown}\n\n${f.markdown}`,
    runs: { tree: t.runs, flat: f.runs },
    targets,
  };
}
