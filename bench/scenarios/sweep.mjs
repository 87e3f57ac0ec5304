// Scenario: ioaio stat() throughput over the 100,000 paths for each
// maxParallel of the sweep, every request awaited and with callbacks, against
// raw fs.stat callbacks at the depths that were best in the stat scenario.
// Child protocol: one JSON line { n, errors, ms, opsPerSec } (as stat).
import { nodeScript } from '../lib/child.mjs';
import { bestOf, pairedOf } from '../lib/compare.mjs';
import { defaultBackend, defaultMaxParallel, kSweep } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median, range } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

export const title = 'maxParallel sweep: stat() throughput (100,000 existing files, warm cache)';
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

const kRawDepths = [16, 64];
const kModes = [
  ['await', 'every request awaited'],
  ['cb', 'callbacks'],
];
const label = (depth, mode) =>
  `ioaio maxParallel=${depth}${depth === defaultMaxParallel ? ' (default)' : ''}, ${mode} [${defaultBackend}]`;

/** @type {Array<import('../lib/rounds.mjs').Contender & { raw?: boolean, depth?: number, mode?: string, ioaio?: boolean }>} */
export const contenders = [
  ...kRawDepths.map((k) => ({
    name: `node fs.stat cb K=${k}`,
    raw: true,
    argv: (fx) => nodeScript('peers/stat-cb.mjs', fx.paths, k),
  })),
  ...kSweep.flatMap((depth) =>
    kModes.map(([mode, words]) => ({
      name: label(depth, words),
      ioaio: true,
      backend: defaultBackend,
      depth,
      mode,
      argv: (fx) => nodeScript('ioaio/stat.mjs', fx.paths, depth, mode),
    })),
  ),
];

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, byDepth: Map<number, Record<string, number>> }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio));
  const runs = await runRounds(chosen, { rounds, fixture, log, warmup: true });
  const ref = bestOf(
    runs,
    chosen.filter((c) => c.raw).map((c) => c.name),
    'opsPerSec',
    'max',
  );
  const rows = chosen.map(({ name }) => {
    const ops = field(runs.get(name), 'opsPerSec');
    const [lo, hi] = range(ops);
    return [
      name,
      fmt(median(ops)),
      `${fmt(lo)} – ${fmt(hi)}`,
      ratio(pairedOf(runs, name, ref, 'opsPerSec')),
      fmt(median(field(runs.get(name), 'cpuMs'))),
      fmt(median(field(runs.get(name), 'maxRssKiB')) / 1024),
    ];
  });
  const headers = [
    'contender',
    'median ops/s',
    'min – max',
    `× ${ref ?? 'raw'} (paired)`,
    'CPU ms (whole process)',
    'peak RSS MiB',
  ];

  /** Per depth: throughput of each mode as a fraction of raw fs.stat at its best depth. */
  const byDepth = new Map();
  for (const c of chosen.filter((x) => x.ioaio)) {
    const entry = byDepth.get(c.depth) ?? {};
    entry[c.mode] = pairedOf(runs, c.name, ref, 'opsPerSec');
    byDepth.set(c.depth, entry);
  }
  return { markdown: markdownTable(headers, rows), runs, byDepth, reference: ref };
}
