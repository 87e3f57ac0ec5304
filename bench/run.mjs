// `pnpm bench`: every scenario, ioaio against its peers, in one run; writes
// bench/RESULTS.md (progress on stderr). A run of some scenarios only writes
// bench/results/raw/RESULTS-partial.md unless --out is given.
// usage: node bench/run.mjs [--rounds N] [--out FILE] [stat|sweep|priority|walk|memory|scaling|feeder|abort|native|copytree ...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, hasGnuTime } from './lib/child.mjs';
import { defaultMaxParallel, kSweep, repoDir } from './lib/ioaio.mjs';
import { machineInfo, machineMarkdown } from './lib/machine.mjs';
import { fmt, markdownTable, ratio } from './lib/table.mjs';
import { ensureTrees } from './make-tree.mjs';
import * as abort from './scenarios/abort.mjs';
import * as copytree from './scenarios/copytree.mjs';
import * as feeder from './scenarios/feeder.mjs';
import * as memory from './scenarios/memory.mjs';
import * as native from './scenarios/native.mjs';
import * as priority from './scenarios/priority.mjs';
import * as queue from './scenarios/queue.mjs';
import * as rmtree from './scenarios/rmtree.mjs';
import * as scaling from './scenarios/scaling.mjs';
import * as stat from './scenarios/stat.mjs';
import * as sweep from './scenarios/sweep.mjs';
import * as walk from './scenarios/walk.mjs';

const kScenarios = {
  stat,
  sweep,
  priority,
  walk,
  memory,
  scaling,
  feeder,
  abort,
  native,
  copytree,
  rmtree,
  queue,
};
const kPackages = ['@ioaio/core', 'fdir', '@nodelib/fs.walk', 'p-limit', 'p-queue'];
const kBudgetSeconds = 60;
/** The rule for the default maxParallel: awaited stats at this multiple of raw fs.stat callbacks (the target)… */
const kMinShareOfRaw = 3;
/** …while every priority-4 read behind the flood completes within this… */
const kMaxLoadedReadMs = 1;
/** …and their median within this multiple of the idle read. */
const kMaxLoadedVsIdle = 2;

const { values, positionals } = parseArgs({
  options: {
    rounds: { type: 'string' },
    out: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const chosen = positionals.length ? positionals : Object.keys(kScenarios);
for (const name of chosen)
  if (!kScenarios[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(kScenarios)}`);
const complete = chosen.length === Object.keys(kScenarios).length;
const outFile = path.resolve(
  values.out ??
    (complete
      ? path.join(benchDir, 'RESULTS.md')
      : path.join(benchDir, 'results', 'raw', 'RESULTS-partial.md')),
);
const log = values.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`);

const git = (...args) => spawnSync('git', ['-C', repoDir, ...args], { encoding: 'utf8' }).stdout.trim();
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const startedAt = new Date();
const loadBefore = loadavg();
const fixture = ensureTrees({ log });
const distFile = path.join(repoDir, 'packages', 'core', 'dist', 'index.js');
const distBuilt = () => (fs.existsSync(distFile) ? fs.statSync(distFile).mtime.toISOString() : 'missing');
const distAtStart = distBuilt();
const commitAtStart = git('rev-parse', '--short', 'HEAD');

const sections = [];
const results = {};
for (const name of chosen) {
  const scenario = kScenarios[name];
  const rounds = Number(values.rounds ?? scenario.defaultRounds);
  log(`${name}: ${rounds} round(s)`);
  const t0 = performance.now();
  const result = await scenario.run({ rounds, fixture, log });
  const secs = (performance.now() - t0) / 1000;
  results[name] = { ...result, secs, rounds };
  const over = secs > kBudgetSeconds ? ` (over the ${kBudgetSeconds} s budget)` : '';
  sections.push(
    `## ${scenario.title}\n\n${rounds} interleaved round(s), fresh process each; scenario took ${secs.toFixed(0)} s${over}.\n\n${result.markdown}`,
  );
}

/** The targets of the issue, met or missed, with the measured figure. */
function targetsSection() {
  const rows = Object.values(results)
    .flatMap((r) => r.targets ?? [])
    .map((t) => [
      t.scenario,
      t.target,
      t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED',
      t.measured,
    ]);
  if (rows.length === 0) return '';
  return `## Targets\n\nMeasured as above; the benchmark is not tuned to them.\n\n${markdownTable(['scenario', 'target', 'result', 'measured'], rows)}`;
}

/** The rule for the default maxParallel, applied to the sweep and the priority scenario. */
function depthSection() {
  const s = results.sweep?.byDepth;
  const p = results.priority?.byDepth;
  if (!s || !p) return '';
  const rows = [];
  const fits = [];
  for (const depth of kSweep) {
    const t = s.get(depth) ?? {};
    const l = p.get(depth) ?? {};
    const fast = t.await >= kMinShareOfRaw;
    const prompt = l.worstMs <= kMaxLoadedReadMs && l.vsIdle <= kMaxLoadedVsIdle;
    if (fast && prompt) fits.push(depth);
    rows.push([
      `${depth}${depth === defaultMaxParallel ? ' (current default)' : ''}`,
      ratio(t.await),
      ratio(t.cb),
      fmt(l.loadedMs, 3),
      fmt(l.worstMs, 3),
      ratio(l.vsIdle),
      fast ? 'yes' : 'no',
      prompt ? 'yes' : 'no',
    ]);
  }
  const best = fits.sort((a, b) => (s.get(b)?.await ?? 0) - (s.get(a)?.await ?? 0))[0];
  const verdict =
    best === undefined
      ? `No depth of the sweep meets both (awaited ≥ ${kMinShareOfRaw}× raw, every loaded read ≤ ${kMaxLoadedReadMs} ms and its median ≤ ${kMaxLoadedVsIdle}× idle).`
      : `Depths meeting both: ${fits.sort((a, b) => a - b).join(', ')}; the fastest of them: **${best}**.`;
  return [
    '## Default maxParallel',
    `The rule for the default (the issue's two targets): 100,000 stats, every request awaited, at ≥ ${kMinShareOfRaw}× raw fs.stat callbacks at their best depth (${results.sweep.reference}), while every priority-4 read behind 100,000 queued priority -4 stats completes within ${kMaxLoadedReadMs} ms and their median within ${kMaxLoadedVsIdle}× the idle read (floods in one long-lived process each). Throughput ratios: higher is better; read times and × idle: lower is better.`,
    markdownTable(
      [
        'maxParallel',
        'awaited × raw best',
        'callbacks × raw best',
        'loaded read ms (median)',
        'loaded read ms (worst flood)',
        'loaded × idle',
        `awaited ≥ ${kMinShareOfRaw}× raw`,
        `every read ≤ ${kMaxLoadedReadMs} ms, median ≤ ${kMaxLoadedVsIdle}× idle`,
      ],
      rows,
    ),
    verdict,
  ].join('\n\n');
}

const srcDirty = git('status', '--porcelain', '--', 'packages/core/src') !== '';
const distAtEnd = distBuilt();
const info = {
  ...machineInfo(fixture.base, kPackages),
  'load average (1, 5, 15 min) at start': loadBefore,
  'load average at end': loadavg(),
  'ioaio commit': `${commitAtStart}${srcDirty ? ' + uncommitted changes in packages/core/src' : ''}`,
  'packages/core/dist built':
    distAtStart === distAtEnd ? distAtStart : `${distAtStart}, REBUILT during the run (${distAtEnd})`,
  'peak RSS from': hasGnuTime ? '/usr/bin/time -v' : 'the child (process.resourceUsage / VmHWM)',
};
/** The hand-written reading of the missed targets (bench/ANALYSIS.md), kept beside the figures. */
function analysisSection() {
  const file = path.join(benchDir, 'ANALYSIS.md');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
}

const doc = [
  '# Benchmark results',
  `<!-- Generated by \`pnpm bench\` (bench/run.mjs) on ${startedAt.toISOString()}; do not edit by hand. -->`,
  `Scenarios: ${chosen.join(', ')}. Each round runs every contender once, in table order, each in a fresh process; medians over rounds, ratios paired round by round. Load from other processes on the machine is recorded below: on a shared machine, compare ratios, not absolute figures.`,
  machineMarkdown(info),
  targetsSection(),
  analysisSection(),
  depthSection(),
  ...sections,
]
  .filter(Boolean)
  .join('\n\n');
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, `${doc}\n`);
log(`wrote ${outFile}`);

// Raw per-round results, for later comparison (bench/results/raw is git-ignored).
const rawDir = path.join(benchDir, 'results', 'raw');
fs.mkdirSync(rawDir, { recursive: true });
const rawFile = path.join(rawDir, `bench-${startedAt.toISOString().replaceAll(':', '-')}.json`);
const toJson = (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v);
fs.writeFileSync(rawFile, JSON.stringify(results, toJson, 1));
log(`raw results: ${rawFile}`);
