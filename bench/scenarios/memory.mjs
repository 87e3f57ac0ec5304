// Scenario: memory of 1,000,000 queued stats (the 100,000 paths repeated).
// Child protocol: one JSON line { n, ms, queuedBytes } (RSS after issuing
// minus RSS before it); the peak RSS comes from the runner.
import { interpScript, nodeScript } from '../lib/child.mjs';
import { targetRow } from '../lib/compare.mjs';
import { defaultMaxParallel, fsMaxParallel, onDefault, onFs, withFsTwin } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { median } from '../lib/stats.mjs';
import { fmt, markdownTable, ratio } from '../lib/table.mjs';

const kRequests = 1_000_000;
export const title = `Memory of ${fmt(kRequests)} queued stats`;
// One round: fs.promises alone takes ~25 s here, and peak RSS barely varies.
export const defaultRounds = 1;

const kIoaioBase = 'ioaio stat, queued on a paused context (maxParallel 0), then resumed to the default';
const kIoaio = onDefault(kIoaioBase);
const kBytesTarget = 150;
const kPeers = [
  ['node fs.stat(cb)', 'fs.stat(cb)'],
  ['node fs.promises.stat', 'fs.promises'],
  ['perl IO::AIO aio_stat', 'perl'],
];

/**
 * @type {Array<import('../lib/rounds.mjs').Contender & { base?: string, ioaio?: boolean }>}
 * `base` names the baseline row (same runtime, paths only) subtracted from the peak.
 */
export const contenders = [
  {
    name: 'node baseline (paths only)',
    argv: (fx) => nodeScript('peers/mem-node.mjs', 'baseline', fx.paths, kRequests),
  },
  {
    name: 'node fs.stat(cb)',
    base: 'node baseline (paths only)',
    argv: (fx) => nodeScript('peers/mem-node.mjs', 'cb', fx.paths, kRequests),
  },
  {
    name: 'node fs.promises.stat',
    base: 'node baseline (paths only)',
    argv: (fx) => nodeScript('peers/mem-node.mjs', 'promise', fx.paths, kRequests),
  },
  {
    name: 'perl baseline (paths only)',
    argv: (fx) => interpScript('perl', 'peers/mem-aio.pl', 'baseline', fx.paths, kRequests),
  },
  {
    name: 'perl IO::AIO aio_stat',
    base: 'perl baseline (paths only)',
    argv: (fx) => interpScript('perl', 'peers/mem-aio.pl', 'stat', fx.paths, kRequests),
  },
  ...withFsTwin({
    name: kIoaioBase,
    base: 'node baseline (paths only)',
    ioaio: true,
    argv: (fx) => nodeScript('ioaio/mem.mjs', 'cb', fx.paths, kRequests),
  }),
];

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]> }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio));
  const runs = await runRounds(chosen, { rounds, fixture, log });
  const peak = (name) => median(field(runs.get(name), 'maxRssKiB')) * 1024;
  const fromPeak = (name, base) => (base ? (peak(name) - peak(base)) / kRequests : Number.NaN);
  const queued = (name, base) =>
    base ? median(field(runs.get(name), 'queuedBytes')) / kRequests : Number.NaN;
  const byName = new Map(chosen.map((c) => [c.name, c]));
  const versus = (name, f) =>
    kPeers.map(([peer]) =>
      byName.has(peer) && peer !== name
        ? ratio(f(name, byName.get(name).base) / f(peer, byName.get(peer).base))
        : '',
    );
  const rows = chosen.map(({ name, base }) => [
    name,
    fmt(peak(name) / 2 ** 20),
    fmt(fromPeak(name, base)),
    fmt(queued(name, base)),
    ...(base ? versus(name, queued) : kPeers.map(() => '')),
    fmt(median(field(runs.get(name), 'ms'))),
    fmt(median(field(runs.get(name), 'cpuMs'))),
  ]);
  const headers = [
    'contender',
    'peak RSS MiB',
    'bytes/req from peak',
    'bytes/req queued',
    ...kPeers.map(([, short]) => `queued × ${short}`),
    'run ms',
    'CPU ms (whole process)',
  ];
  const note =
    '"bytes/req queued": RSS right after the issuing loop minus RSS before it, over the requests; ' +
    '"from peak": peak RSS minus the baseline\'s peak, which also counts results and garbage made while the queue drained. ' +
    `Lower is better in every column; "queued × X" is this row's bytes per queued request over X's. The default maxParallel resumed to is ${defaultMaxParallel} on the default backend, ${fsMaxParallel} on node:fs.`;
  const targets = [];
  if (byName.has(kIoaio)) {
    const q = queued(kIoaio, byName.get(kIoaio).base);
    const p = fromPeak(kIoaio, byName.get(kIoaio).base);
    const fsName = onFs(kIoaioBase);
    const fsQ = byName.has(fsName) ? queued(fsName, byName.get(fsName).base) : Number.NaN;
    targets.push(
      targetRow(
        'memory',
        `≤ ${kBytesTarget} bytes per queued request (1,000,000 queued stats, RSS after queueing; default backend)`,
        Number.isFinite(q) ? q <= kBytesTarget : null,
        `${fmt(q)} B/req queued; from peak RSS: ${fmt(p)} B/req (node:fs backend: ${fmt(fsQ)} B/req queued)`,
      ),
    );
  }
  return { markdown: `${note}\n\n${markdownTable(headers, rows)}`, runs, targets };
}
