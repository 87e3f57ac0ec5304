// Scenario: copy a directory tree (/usr/include, then the bench tree) with aio.copytree against
// `cp -a` and `fs.promises.cp(src, dst, { recursive: true })`, interleaved in the same run. Each
// run copies to a fresh destination beside the fixtures (same file system as the bench tree),
// which this process removes between runs, outside every child and its timing.
// Child protocol: one JSON line { ms, entries } (entries under the copy, root excluded).
import fs from 'node:fs';
import path from 'node:path';
import { interpScript, nodeScript, runChild } from '../lib/child.mjs';
import { pairedOf, targetRow } from '../lib/compare.mjs';
import { defaultBackend, onDefault, onFs, withFsTwin } from '../lib/ioaio.mjs';
import { checkBackend, field } from '../lib/rounds.mjs';
import { costCells, kCostHeaders, spreadCells } from '../lib/rows.mjs';
import { markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Tree copy';
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

const kIncludeDir = '/usr/include';
/** Perf: 200,000 entries take minutes per contender on a shared 2-core machine: one round there. */
const kTreeRounds = 1;
/** A copy of the bench tree by fs.promises.cp on a loaded machine takes well over the usual 3 minutes. */
const kChildTimeoutMs = 1_800_000;
const kCp = 'cp -a';
const kFsCp = 'fs.promises.cp (recursive)';
const kCoreBase = 'ioaio aio.copytree (default context and maxreq)';
const kCore = onDefault(kCoreBase);

/**
 * `argv(src, dst)` copies src to dst, a path that does not exist yet. `wide`: also run on the
 * bench tree (where one run takes minutes).
 * @type {Array<{ name: string, ioaio?: boolean, wide: boolean, env?: Record<string, string>, backend?: string, argv: (src: string, dst: string) => string[] }>}
 */
export const contenders = [
  { name: kCp, wide: true, argv: (src, dst) => interpScript('sh', 'peers/copytree-cp.sh', src, dst) },
  { name: kFsCp, wide: true, argv: (src, dst) => nodeScript('peers/copytree-fscp.mjs', src, dst) },
  ...withFsTwin({
    name: kCoreBase,
    ioaio: true,
    wide: true,
    argv: (src, dst) => nodeScript('ioaio/copytree.mjs', src, dst, 'default', 'default'),
  }),
];

/**
 * Interleaved rounds, each contender in a fresh process copying to a fresh destination, removed
 * here after the run (outside its timing). A failing contender is logged and left out after.
 */
async function copyRounds(chosen, src, base, { rounds, log = () => {} }) {
  const runs = new Map(chosen.map((c) => [c.name, []]));
  const failed = new Set();
  const dst = path.join(base, `copytree-dst-${process.pid}`);
  for (let r = 0; r < rounds; r++) {
    for (const c of chosen.filter((x) => !failed.has(x.name))) {
      fs.rmSync(dst, { recursive: true, force: true });
      try {
        const run = await runChild(c.argv(src, dst), { env: c.env, timeoutMs: kChildTimeoutMs });
        checkBackend(c, run);
        runs.get(c.name).push(run);
        log(`  round ${r + 1}/${rounds} ${c.name}: ${JSON.stringify(run.result)}`);
      } catch (e) {
        failed.add(c.name);
        log(`  ${c.name} FAILED: ${e.message}`);
      }
    }
  }
  fs.rmSync(dst, { recursive: true, force: true });
  return runs;
}

/** 'ok' when every round's copy held as many entries as cp -a's. */
function checkEntries(runs, want) {
  if (!runs?.length) return 'failed';
  const got = runs.map((r) => r.result.entries);
  return got.every((n) => n === want) ? 'ok' : `MISMATCH ${got.join(', ')} (cp -a: ${want})`;
}

async function copyOne(dir, { rounds, fixture, log, peersOnly = false, wide = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio) && (c.wide || !wide));
  const runs = await copyRounds(chosen, dir, fixture.base, { rounds, log });
  const want = runs.get(kCp)?.[0]?.result.entries;
  const rows = chosen.map(({ name }) => {
    return [
      name,
      ...spreadCells(field(runs.get(name), 'ms')),
      ratio(pairedOf(runs, name, kCp, 'ms')),
      ratio(pairedOf(runs, name, kFsCp, 'ms')),
      ...costCells(runs.get(name)),
      checkEntries(runs.get(name), want),
    ];
  });
  const headers = [
    'contender',
    'copy ms (median)',
    'min – max',
    '× cp -a (lower is better)',
    '× fs.promises.cp (lower is better)',
    ...kCostHeaders,
    'entries',
  ];
  const text = `${dir}: ${rounds} round(s)\n\n${markdownTable(headers, rows)}`;
  return { markdown: text, runs };
}

/** The two targets on one tree. */
function targetsOf(label, runs) {
  const vsCp = pairedOf(runs, kCore, kCp, 'ms');
  const vsFs = pairedOf(runs, kCore, kFsCp, 'ms');
  const twin = (ref) => `node:fs backend: ${ratio(pairedOf(runs, onFs(kCoreBase), ref, 'ms'))}×`;
  return [
    targetRow(
      'copytree',
      `aio.copytree ≤ 0.5× fs.promises.cp on ${label} (${defaultBackend})`,
      Number.isFinite(vsFs) ? vsFs <= 0.5 : null,
      `${ratio(vsFs)}× (${twin(kFsCp)})`,
    ),
    targetRow(
      'copytree',
      `aio.copytree ≤ 1.5× cp -a on ${label} (${defaultBackend})`,
      Number.isFinite(vsCp) ? vsCp <= 1.5 : null,
      `${ratio(vsCp)}× (${twin(kCp)})`,
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
  const tree = await copyOne(opts.fixture.tree, {
    ...opts,
    rounds: Math.min(opts.rounds, kTreeRounds),
    wide: true,
  });
  parts.push(tree.markdown);
  runs.tree = tree.runs;
  if (!opts.peersOnly) targets.push(...targetsOf('the bench tree', tree.runs));
  const note =
    'Times are the copy alone, measured inside each process (the shell wrapper times `cp -a` with ' +
    '`date`); the destination is new for every run and removed between runs, outside any timing. ' +
    'What each keeps ' +
    'differs: `cp -a` and aio.copytree keep modes, owners and times; `fs.promises.cp` without ' +
    '`preserveTimestamps` keeps modes only. aio.copytree writes each file to a temporary name and ' +
    'renames it into place, which costs two directory operations per file that the others do not make. ' +
    `[${defaultBackend}] rows run on the default backend, [node:fs] are the same child with IOAIO_BACKEND=fs.`;
  return { markdown: [...parts, note].join('\n\n'), runs, targets };
}
