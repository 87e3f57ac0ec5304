// Scenario: 100,000 stats (paths.txt, warm cache) through a task queue at the same concurrency:
// aio.queue with aio.stat inside, against p-queue with fs.promises.stat inside, as users write them.
// Child protocol: one JSON line { n, errors, ms, opsPerSec }.
import { nodeScript } from '../lib/child.mjs';
import { pairedOf, targetRow } from '../lib/compare.mjs';
import { defaultBackend, onDefault, onFs, withFsTwin } from '../lib/ioaio.mjs';
import { field, runRounds } from '../lib/rounds.mjs';
import { costCells, errorNote, kCostHeaders, spreadCells } from '../lib/rows.mjs';
import { markdownTable, ratio } from '../lib/table.mjs';

export const title = 'Task queue: 100,000 stats through aio.queue and p-queue at the same concurrency';
// Perf: rounds cut so a full run ends within about 45 minutes on the shared 2-core machine.
export const defaultRounds = 2;

/** The concurrencies compared: a few tasks in flight, and many. */
const kDepths = [16, 64];

const peerName = (k) => `p-queue(${k}) fs.promises.stat`;
const ioaioBase = (k) => `aio.queue(${k}) aio.stat`;
const ioaioName = (k) => onDefault(ioaioBase(k));

/** @type {Array<import('../lib/rounds.mjs').Contender & { ioaio: boolean, depth: number }>} */
export const contenders = kDepths.flatMap((k) => [
  {
    name: peerName(k),
    ioaio: false,
    depth: k,
    argv: (fx) => nodeScript('peers/stat-pqueue.mjs', fx.paths, k),
  },
  ...withFsTwin({
    name: ioaioBase(k),
    ioaio: true,
    depth: k,
    argv: (fx) => nodeScript('ioaio/queue.mjs', fx.paths, k),
  }),
]);

/**
 * Runs the scenario and renders its table.
 * @param {{ rounds: number, fixture: object, log?: (m: string) => void, peersOnly?: boolean }} opts
 * @returns {Promise<{ markdown: string, runs: Map<string, object[]>, targets: object[] }>}
 */
export async function run({ rounds, fixture, log, peersOnly = false }) {
  const chosen = contenders.filter((c) => !(peersOnly && c.ioaio));
  const runs = await runRounds(chosen, { rounds, fixture, log, warmup: true });
  const rows = chosen.map(({ name, ioaio, depth }) => {
    const rounds = runs.get(name);
    return [
      name,
      ...spreadCells(field(rounds, 'opsPerSec')),
      ioaio ? ratio(pairedOf(runs, name, peerName(depth), 'opsPerSec')) : '',
      ...costCells(rounds),
      errorNote(rounds),
    ];
  });
  const headers = [
    'contender',
    'median ops/s',
    'min – max',
    '× p-queue, same concurrency (higher is better)',
    ...kCostHeaders,
    'note',
  ];
  const markdown = `Ratios are paired round by round against p-queue at the same concurrency; above 1 is faster. [${defaultBackend}] rows run on the default backend, [node:fs] are the same child with IOAIO_BACKEND=fs.\n\n${markdownTable(headers, rows)}`;
  const targets = peersOnly
    ? []
    : kDepths.map((k) => {
        const vs = pairedOf(runs, ioaioName(k), peerName(k), 'opsPerSec');
        const fsVs = pairedOf(runs, onFs(ioaioBase(k)), peerName(k), 'opsPerSec');
        return targetRow(
          'queue',
          `≥ 3× p-queue's throughput on 100,000 stats at concurrency ${k} (${defaultBackend})`,
          Number.isFinite(vs) ? vs >= 3 : null,
          `${ratio(vs)}× ${peerName(k)} (node:fs backend: ${ratio(fsVs)}×)`,
        );
      });
  return { markdown, runs, targets };
}
