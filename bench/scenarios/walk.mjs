// Scenario: recursive walk of the nested tree, of /usr and of the flat directory of 200,000 files,
// symlinks (to dirs too) counted as non-dirs and never followed. The ioaio walk and CLI run on the
// default backend (native where it loads) and, as twins, on node:fs (IOAIO_BACKEND=fs).
// Child protocol: one JSON line { ms, dirs, nondirs } (root excluded), or
// { ms, entries } for a walker that only reports a total, or { ms } for one
// that prints nothing (the CLI with -q).
import fs from 'node:fs';
import path from 'node:path';
import { interpScript, nodeScript } from '../lib/child.mjs';
import { pairedOf, splitAvailable, targetRow } from '../lib/compare.mjs';
import {
  cliAvailable,
  cliPath,
  defaultBackend,
  onDefault,
  onFs,
  rxAvailable,
  withFsTwin,
} from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { costCells, kCostHeaders, spreadCells } from '../lib/rows.mjs';
import { median, pairedRatio } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Tree walk';
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

const kCoreBase = 'ioaio aio.walk (onEntries counting)';
const kCore = onDefault(kCoreBase);
const kCliBase = 'ioaio CLI -q DIR (process start-up included)';
const kCli = onDefault(kCliBase);
const kFind = 'find DIR | wc -l';
const kFdir = 'fdir';
const kTreescan = 'treescan DIR (IO::AIO), lines counted';
const kUsr = '/usr';

/**
 * @type {Array<import('../lib/rounds.mjs').Contender & { ioaio?: boolean, available?: () => true | string }>}
 * `fx.dir` is the directory walked; the first is the reference.
 */
export const contenders = [
  { name: kFind, argv: (fx) => interpScript('sh', 'peers/walk-find.sh', fx.dir) },
  { name: kFdir, argv: (fx) => nodeScript('peers/walk-fdir.mjs', fx.dir) },
  { name: '@nodelib/fs.walk', argv: (fx) => nodeScript('peers/walk-nodelib.mjs', fx.dir) },
  {
    name: kTreescan,
    argv: (fx) => interpScript('sh', 'peers/walk-treescan.sh', fx.dir),
  },
  ...withFsTwin({ name: kCoreBase, ioaio: true, argv: (fx) => nodeScript('ioaio/walk.mjs', fx.dir) }),
  {
    name: onDefault('@ioaio/rx treescanIterator'),
    ioaio: true,
    available: () => rxAvailable,
    argv: (fx) => nodeScript('ioaio/walk-rx.mjs', fx.dir),
  },
  ...withFsTwin({
    name: kCliBase,
    ioaio: true,
    available: cliAvailable,
    argv: (fx) => interpScript('sh', 'ioaio/walk-cli.sh', cliPath, fx.dir),
  }),
];

/**
 * Directories and non-directories under `dir` (root excluded; symlinks are non-dirs, never
 * followed), counted here once so every walker's counts can be checked against them.
 */
function countTree(dir) {
  let dirs = 0;
  let nondirs = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        dirs++;
        stack.push(path.join(d, e.name));
      } else nondirs++;
    }
  }
  return { dirs, nondirs };
}

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
      ratio(pairedOf(runs, name, kFind, 'ms')),
      fmt(median(field(runs.get(name), 'wallMs'))),
      ...costCells(runs.get(name)),
      checkCounts(runs.get(name), dirs, nondirs),
    ];
  });
  for (const [name, why] of unavailable) rows.push([name, why, '', '', '', '', '', '', '', '', '']);
  const headers = [
    'walker',
    'median ms',
    'min – max',
    `× ${runnable[0].name} (paired)`,
    `× ${kFdir} (paired)`,
    `× ${kTreescan} (paired)`,
    `× ${kFind} (paired)`,
    'whole process ms',
    ...kCostHeaders,
    `counts (expect ${fmt(dirs)} dirs + ${fmt(nondirs)} non-dirs)`,
  ];
  return { markdown: `${dir}: ${rounds} round(s)\n\n${markdownTable(headers, rows)}`, runs };
}

/** Rounds on /usr and on the big flat directory: the fixtures' default, at most 3. */
const kWideRounds = 3;

/**
 * Walks tree/, then /usr (when present), then the flat directory of 200,000 files, and renders one
 * table each.
 * @param {{ rounds: number, fixture: ReturnType<typeof import('../make-tree.mjs').ensureTrees>, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: object, targets: object[] }>}
 */
export async function run(opts) {
  const { tree, flatBig, counts } = opts.fixture;
  const wide = { ...opts, rounds: Math.min(opts.rounds, kWideRounds) };
  const t = await walkOne(tree, counts.treeDirs, counts.treeNondirs, opts);
  const usrCounts = fs.existsSync(kUsr) ? countTree(kUsr) : undefined;
  const u = usrCounts ? await walkOne(kUsr, usrCounts.dirs, usrCounts.nondirs, wide) : undefined;
  const f = await walkOne(flatBig, 0, counts.flatBigNondirs, wide);
  const note =
    'Times are what each walker reports: Node walkers time the walk inside the process; the shell ' +
    'wrappers (find, treescan, the CLI) time the whole command, start-up included. Every "×" column ' +
    "is this row's time over that walker's, paired round by round: lower is better. Rows marked " +
    `[${defaultBackend}] run on the default backend, [node:fs] are the same children with IOAIO_BACKEND=fs.`;
  const targets = opts.peersOnly ? [] : walkTargets(t.runs, u?.runs, f.runs);
  const parts = [note, t.markdown, u ? u.markdown : `${kUsr}: not present on this machine.`, f.markdown];
  return {
    markdown: parts.join('\n\n'),
    runs: { tree: t.runs, usr: u?.runs, flat: f.runs },
    targets,
  };
}

/** A target row from a paired ratio `x` (NaN: not measured) and the bound it must stay within. */
function ratioTarget(target, x, bound, versus, also = '') {
  return targetRow('walk', target, Number.isFinite(x) ? x <= bound : null, `${ratio(x)}× ${versus}${also}`);
}

/** The walk and treescan-CLI targets, each with the node:fs twin's figure beside. */
function walkTargets(tree, usr, flat) {
  const twin = (runs, name, ref, key) => `; node:fs backend: ${ratio(pairedOf(runs, onFs(name), ref, key))}×`;
  const rows = [];
  for (const [label, runs] of [
    ['the nested tree', tree],
    [kUsr, usr],
  ]) {
    rows.push(
      ratioTarget(
        `aio.walk ≤ 0.6× fdir on ${label} (time inside the process; ${defaultBackend})`,
        pairedOf(runs ?? new Map(), kCore, kFdir, 'ms'),
        0.6,
        kFdir,
        runs ? twin(runs, kCoreBase, kFdir, 'ms') : '',
      ),
    );
  }
  for (const [label, runs] of [
    [kUsr, usr],
    ['the nested tree', tree],
  ]) {
    rows.push(
      ratioTarget(
        `treescan CLI ≤ 1.0× find on ${label} (whole command, start-up included; ${defaultBackend})`,
        pairedOf(runs ?? new Map(), kCli, kFind, 'ms'),
        1,
        kFind,
        runs ? twin(runs, kCliBase, kFind, 'ms') : '',
      ),
    );
  }
  const rss = pairedOf(flat, kCli, kTreescan, 'maxRssKiB');
  rows.push(
    ratioTarget(
      `treescan CLI ≤ 1.0× Perl treescan on the flat directory of 200,000 files (whole command; ${defaultBackend})`,
      pairedOf(flat, kCli, kTreescan, 'ms'),
      1,
      'treescan',
      twin(flat, kCliBase, kTreescan, 'ms'),
    ),
    ratioTarget(
      `treescan CLI peak RSS ≤ 2× Perl treescan's on the flat directory of 200,000 files (${defaultBackend})`,
      rss,
      2,
      "treescan's peak RSS",
      `, ${fmt(median(field(flat.get(kCli), 'maxRssKiB')) / 1024)} vs ${fmt(median(field(flat.get(kTreescan), 'maxRssKiB')) / 1024)} MiB${twin(flat, kCliBase, kTreescan, 'maxRssKiB')}`,
    ),
  );
  return rows;
}
