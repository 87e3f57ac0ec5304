// Scenario: copy a directory tree (/usr/include, then the bench tree) with aio.copytree against
// `cp -a` and `fs.promises.cp(src, dst, { recursive: true })`, interleaved in the same run. Each
// round copies to a fresh destination beside the fixtures (same file system as the bench tree),
// removed by the child after its timing.
// Child protocol: one JSON line { ms, entries } (entries under the copy, root excluded).
import fs from 'node:fs';
import path from 'node:path';
import { interpScript, nodeScript } from '../lib/child.mjs';
import { pairedOf, targetRow } from '../lib/compare.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median, range } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Tree copy';
export const defaultRounds = 3;

const kIncludeDir = '/usr/include';
/** Perf: 200,000 entries take minutes per contender on a shared 2-core machine: one round there. */
const kTreeRounds = 1;
const kCp = 'cp -a';
const kFsCp = 'fs.promises.cp (recursive)';
const kCore = 'ioaio aio.copytree (maxreq 8)';

let dstCount = 0;
/** A destination that does not exist yet, beside the fixtures. */
const freshDst = (fx) => path.join(fx.base, `copytree-dst-${process.pid}-${++dstCount}`);

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio?: boolean }>} `fx.dir` is the tree copied. */
export const contenders = [
  { name: kCp, argv: (fx) => interpScript('sh', 'peers/copytree-cp.sh', fx.dir, freshDst(fx)) },
  { name: kFsCp, argv: (fx) => nodeScript('peers/copytree-fscp.mjs', fx.dir, freshDst(fx)) },
  {
    name: kCore,
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/copytree.mjs', fx.dir, freshDst(fx), 'default', 'default'),
  },
  {
    name: 'ioaio aio.copytree (maxreq 16, maxParallel 16)',
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/copytree.mjs', fx.dir, freshDst(fx), 16, 16),
  },
];

/** 'ok' when every round's copy held as many entries as cp -a's. */
function checkEntries(runs, want) {
  if (!runs?.length) return 'failed';
  const got = runs.map((r) => r.result.entries);
  return got.every((n) => n === want) ? 'ok' : `MISMATCH ${got.join(', ')} (cp -a: ${want})`;
}

async function copyOne(dir, { rounds, fixture, log, peersOnly = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio));
  const runs = await runRounds(chosen, { rounds, fixture: { ...fixture, dir }, log });
  const want = runs.get(kCp)?.[0]?.result.entries;
  const rows = chosen.map(({ name }) => {
    const ms = field(runs.get(name), 'ms');
    const [lo, hi] = range(ms);
    return [
      name,
      fmt(median(ms)),
      `${fmt(lo)} – ${fmt(hi)}`,
      ratio(pairedOf(runs, name, kCp, 'ms')),
      ratio(pairedOf(runs, name, kFsCp, 'ms')),
      fmt(median(field(runs.get(name), 'cpuMs'))),
      fmt(median(field(runs.get(name), 'maxRssKiB')) / 1024),
      checkEntries(runs.get(name), want),
    ];
  });
  const headers = [
    'contender',
    'copy ms (median)',
    'min – max',
    '× cp -a (lower is better)',
    '× fs.promises.cp (lower is better)',
    'CPU ms (whole process)',
    'peak RSS MiB',
    'entries',
  ];
  const text = `${dir}: ${rounds} round(s)\n\n${markdownTable(headers, rows)}`;
  return { markdown: text, runs };
}

/** The two targets on one tree. */
function targetsOf(label, runs) {
  const vsCp = pairedOf(runs, kCore, kCp, 'ms');
  const vsFs = pairedOf(runs, kCore, kFsCp, 'ms');
  return [
    targetRow(
      'copytree',
      `aio.copytree ≤ 0.5× fs.promises.cp on ${label}`,
      Number.isFinite(vsFs) ? vsFs <= 0.5 : null,
      `${ratio(vsFs)}×`,
    ),
    targetRow(
      'copytree',
      `aio.copytree ≤ 1.5× cp -a on ${label}`,
      Number.isFinite(vsCp) ? vsCp <= 1.5 : null,
      `${ratio(vsCp)}×`,
    ),
  ];
}

/**
 * Copies /usr/include (when present), then the bench tree, and renders a table each.
 * @param {{ rounds: number, fixture: ReturnType<typeof import('../make-tree.mjs').ensureTrees>, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: object, targets: object[] }>}
 */
export async function run(opts) {
  const parts = [];
  const targets = [];
  const runs = {};
  if (fs.existsSync(kIncludeDir)) {
    const inc = await copyOne(kIncludeDir, opts);
    parts.push(inc.markdown);
    runs.include = inc.runs;
    if (!opts.peersOnly) targets.push(...targetsOf(kIncludeDir, inc.runs));
  } else {
    parts.push(`${kIncludeDir}: not present on this machine.`);
  }
  const tree = await copyOne(opts.fixture.tree, { ...opts, rounds: Math.min(opts.rounds, kTreeRounds) });
  parts.push(tree.markdown);
  runs.tree = tree.runs;
  if (!opts.peersOnly) targets.push(...targetsOf('the bench tree', tree.runs));
  const note =
    'Times are the copy alone, measured inside each process (the shell wrapper times `cp -a` with ' +
    '`date`); the destination is new each round and removed after the timing. What each keeps ' +
    'differs: `cp -a` and aio.copytree keep modes, owners and times; `fs.promises.cp` without ' +
    '`preserveTimestamps` keeps modes only. aio.copytree writes each file to a temporary name and ' +
    'renames it into place, which costs two directory operations per file that the others do not make.';
  return { markdown: [...parts, note].join('\n\n'), runs, targets };
}
