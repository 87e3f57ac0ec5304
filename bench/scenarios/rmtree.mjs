// Scenario: removing a tree, which the removal consumes: every round of every contender gets a
// fresh copy, made before its process starts (outside the timing). Flat directories of 10^4, 10^5
// and 10^6 empty files, and a copy of the nested bench tree (its symlinks, to files and to
// directories of the original, are removed as links, never followed).
// Child protocol: one JSON line { ms }, the removal alone; peak RSS and CPU come from the runner.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { interpScript, nodeScript, runChild } from '../lib/child.mjs';
import { targetRow } from '../lib/compare.mjs';
import { defaultBackend, onDefault, onFs, withFsTwin } from '../lib/ioaio.mjs';
import { checkBackend, field } from '../lib/rounds.mjs';
import { costCells, spreadCells } from '../lib/rows.mjs';
import { median, pairedRatio } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'rmtree';
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

const kRm = 'rm -rf';
const kIoaioBase = 'ioaio aio.rmtree (default context, its own limit)';
const kIoaio = onDefault(kIoaioBase);
/**
 * Perf: rounds per input at most (each copy is made before every run: at 10^5 files and on the
 * nested tree that takes longer than the removal, and a full run must end within the hour).
 */
const kMaxRounds = { 100000: 1, 200000: 1, 1000000: 1 };
/** 10^6 files: only with IOAIO_BENCH_MILLION=1 (making each copy takes minutes on a loaded machine). */
const kMillion = process.env.IOAIO_BENCH_MILLION === '1';

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio?: boolean, upTo?: number }>} */
export const contenders = [
  { name: kRm, argv: (dir) => interpScript('sh', 'peers/rmtree-rm.sh', dir) },
  {
    name: 'node fs.promises.rm({ recursive: true })',
    upTo: 100_000,
    argv: (dir) => nodeScript('peers/rmtree-node.mjs', dir),
  },
  ...withFsTwin({ name: kIoaioBase, ioaio: true, argv: (dir) => nodeScript('ioaio/rmtree.mjs', dir) }),
];

/** `n` empty files in a new directory `dir`. */
function makeFlat(dir, n) {
  fs.mkdirSync(dir);
  for (let i = 0; i < n; i++) fs.closeSync(fs.openSync(path.join(dir, `f${i.toString(36)}`), 'w'));
}

/** A copy of the nested tree, symlinks kept as symlinks. */
function copyTree(from, dir) {
  const r = spawnSync('cp', ['-a', from, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -a ${from} ${dir}: ${r.stderr}`);
}

/**
 * Every contender once per round, in table order, each on its own fresh copy.
 * @returns {Promise<Map<string, import('../lib/child.mjs').ChildRun[]>>}
 */
async function removeRounds(chosen, rounds, make, work, log) {
  const runs = new Map(chosen.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of chosen) {
      const dir = path.join(work, 'victim');
      fs.rmSync(dir, { recursive: true, force: true });
      make(dir);
      spawnSync('sync');
      try {
        const run = await runChild(c.argv(dir), { env: c.env, timeoutMs: 1_800_000 });
        checkBackend(c, run);
        if (fs.existsSync(dir)) throw new Error(`${dir} is still there`);
        runs.get(c.name).push(run);
        log(`  round ${r + 1}/${rounds} ${c.name}: ${run.result.ms} ms, ${fmt(run.maxRssKiB / 1024)} MiB`);
      } catch (e) {
        log(`  ${c.name} FAILED: ${e.message}`);
      }
    }
  }
  return runs;
}

function table(label, chosen, runs) {
  const ref = field(runs.get(kRm), 'ms');
  const rows = chosen.map(({ name }) => {
    const ms = field(runs.get(name), 'ms');
    return [name, ...spreadCells(ms), ratio(pairedRatio(ms, ref)), ...costCells(runs.get(name))];
  });
  const headers = [
    'remover',
    'median ms',
    'min – max',
    `× ${kRm} (paired; lower is better)`,
    'CPU ms',
    'peak RSS MiB',
  ];
  return `${label}\n\n${markdownTable(headers, rows)}`;
}

/**
 * Runs the scenario and renders one table per input.
 * @param {{ rounds: number, fixture: ReturnType<typeof import('../make-tree.mjs').ensureTrees>, log?: (m: string) => void, peersOnly?: boolean }} opts
 */
export async function run({ rounds, fixture, log = () => {}, peersOnly = false }) {
  const work = path.join(fixture.base, 'rmtree-work');
  fs.mkdirSync(work, { recursive: true });
  const inputs = [
    { label: '10,000 empty files in one directory', n: 10_000, make: (d) => makeFlat(d, 10_000) },
    { label: '100,000 empty files in one directory', n: 100_000, make: (d) => makeFlat(d, 100_000) },
    ...(kMillion
      ? [
          {
            label: '1,000,000 empty files in one directory',
            n: 1_000_000,
            make: (d) => makeFlat(d, 1_000_000),
          },
        ]
      : []),
    {
      label: `the nested bench tree (${fmt(fixture.counts.treeDirs)} dirs, ${fmt(fixture.counts.treeNondirs)} non-dirs)`,
      n: fixture.counts.treeDirs + fixture.counts.treeNondirs,
      make: (d) => copyTree(fixture.tree, d),
    },
  ];
  const sections = [];
  const targets = [];
  const measured = [];
  for (const input of inputs) {
    const chosen = contenders.filter((c) => !(peersOnly && c.ioaio) && input.n <= (c.upTo ?? Infinity));
    const n = Math.min(
      rounds,
      ...Object.entries(kMaxRounds)
        .filter(([size]) => input.n >= Number(size))
        .map(([, r]) => r),
    );
    log(`rmtree: ${input.label}, ${n} round(s)`);
    const runs = await removeRounds(chosen, n, input.make, work, log);
    sections.push(table(input.label, chosen, runs));
    measured.push({ input, runs });
  }
  fs.rmSync(work, { recursive: true, force: true });
  if (!peersOnly) {
    for (const { input, runs } of measured) {
      const vsRm = pairedRatio(field(runs.get(kIoaio), 'ms'), field(runs.get(kRm), 'ms'));
      const fsVsRm = pairedRatio(field(runs.get(onFs(kIoaioBase)), 'ms'), field(runs.get(kRm), 'ms'));
      targets.push(
        targetRow(
          'rmtree',
          `aio.rmtree within 1.2× rm -rf: ${input.label} (${defaultBackend})`,
          Number.isFinite(vsRm) ? vsRm <= 1.2 : null,
          `${ratio(vsRm)}× rm -rf (node:fs backend: ${ratio(fsVsRm)}×)`,
        ),
      );
    }
    const million = measured.find((m) => m.input.n === 1_000_000);
    const rss = median(field(million?.runs.get(kIoaio), 'maxRssKiB')) / 1024;
    targets.push(
      targetRow(
        'rmtree',
        `aio.rmtree peak RSS under 150 MiB at 10^6 files (${defaultBackend})`,
        Number.isFinite(rss) ? rss < 150 : null,
        million ? `${fmt(rss)} MiB` : 'not run (10^6 files only with IOAIO_BENCH_MILLION=1)',
      ),
    );
  }
  const note =
    'Each round of each remover works on its own fresh copy, made (and synced) before its process ' +
    'starts; times are the removal alone, measured inside the process (rm -rf: around the command). ' +
    `Rounds: at most ${kMaxRounds[100000]} at 10^5 files, one on the nested tree, where fs.promises.rm is left out (each copy of the tree takes minutes to make). ` +
    (kMillion ? '' : '10^6 files were left out of this run (IOAIO_BENCH_MILLION=1 adds them). ') +
    `[${defaultBackend}] rows run on the default backend, [node:fs] are the same child with IOAIO_BACKEND=fs.`;
  return { markdown: `${note}\n\n${sections.join('\n\n')}`, runs: measured, targets };
}
