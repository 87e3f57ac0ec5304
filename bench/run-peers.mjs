// Runs the peer scenarios (peer rows only; `run.mjs` adds ioaio) and prints their Markdown tables on stdout (progress on stderr).
// usage: node bench/run-peers.mjs [--rounds N] [stat|priority|walk|memory ...]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, hasGnuTime } from './lib/child.mjs';
import { machineInfo, machineMarkdown } from './lib/machine.mjs';
import { ensureTrees } from './make-tree.mjs';
import * as memory from './scenarios/memory.mjs';
import * as priority from './scenarios/priority.mjs';
import * as stat from './scenarios/stat.mjs';
import * as walk from './scenarios/walk.mjs';

const kScenarios = { stat, priority, walk, memory };
const kPackages = ['fdir', '@nodelib/fs.walk', 'p-limit', 'p-queue'];

const { values, positionals } = parseArgs({
  options: { rounds: { type: 'string' }, quiet: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const chosen = positionals.length ? positionals : Object.keys(kScenarios);
for (const name of chosen)
  if (!kScenarios[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(kScenarios)}`);
const log = values.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`);

const fixture = ensureTrees({ log });
const print = (s) => process.stdout.write(`${s}\n`);
print(`# Peer baseline\n\n${machineMarkdown(machineInfo(fixture.base, kPackages))}`);
print(`- peak RSS from: ${hasGnuTime ? '/usr/bin/time -v' : 'the child (process.resourceUsage / VmHWM)'}`);

const raw = {};
for (const name of chosen) {
  const scenario = kScenarios[name];
  const rounds = Number(values.rounds ?? scenario.defaultRounds);
  log(`${name}: ${rounds} round(s)`);
  const t0 = performance.now();
  const { markdown, runs } = await scenario.run({ rounds, fixture, log, peersOnly: true });
  const secs = (performance.now() - t0) / 1000;
  raw[name] = runs;
  print(
    `\n## ${scenario.title}\n\n${rounds} interleaved round(s), fresh process each; scenario took ${secs.toFixed(0)} s.\n\n${markdown}`,
  );
}

// Raw per-round results, for later comparison (bench/results/raw is git-ignored).
const rawDir = path.join(benchDir, 'results', 'raw');
fs.mkdirSync(rawDir, { recursive: true });
const rawFile = path.join(rawDir, `peers-${new Date().toISOString().replaceAll(':', '-')}.json`);
const toJson = (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v);
fs.writeFileSync(rawFile, JSON.stringify(raw, toJson, 1));
log(`raw results: ${rawFile}`);
