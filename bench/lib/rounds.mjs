// Interleaved rounds: A, B, C, A, B, C, ... each run in a fresh process.
import { runChild } from './child.mjs';

/**
 * @typedef {object} Contender
 * @property {string} name row label; unique within its scenario
 * @property {(fixture: object) => string[]} argv command line of one round
 * @property {Record<string, string>} [env] extra environment (e.g. UV_THREADPOOL_SIZE)
 * @property {string} [backend] the ioaio backend the child must report having run on
 */

/**
 * Throws when a child that says which ioaio backend it ran on ran on another one than its row
 * claims (a twin row that silently ran native would make its ratios meaningless).
 * @param {{ name: string, backend?: string }} contender
 * @param {import('./child.mjs').ChildRun} run
 */
export function checkBackend(contender, run) {
  const got = run.result.backend;
  if (contender.backend && got !== undefined && got !== contender.backend)
    throw new Error(`${contender.name}: ran on backend ${got}, expected ${contender.backend}`);
}

/**
 * Runs every contender once per round, in table order, so slow drifts of a
 * noisy machine spread over all of them. A failing contender is reported and
 * skipped for the remaining rounds; the others go on.
 * @param {Contender[]} contenders
 * @param {{ rounds: number, fixture: object, warmup?: boolean, log?: (msg: string) => void }} opts
 *   warmup: run the first contender once, unmeasured (warms caches and page tables)
 * @returns {Promise<Map<string, import('./child.mjs').ChildRun[]>>} runs per contender name
 */
export async function runRounds(contenders, { rounds, fixture, warmup = false, log = () => {} }) {
  const runs = new Map(contenders.map((c) => [c.name, []]));
  const failed = new Set();
  if (warmup && contenders[0]) await runChild(contenders[0].argv(fixture), { env: contenders[0].env });
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      if (failed.has(c.name)) continue;
      try {
        const run = await runChild(c.argv(fixture), { env: c.env });
        checkBackend(c, run);
        runs.get(c.name).push(run);
        log(`  round ${r + 1}/${rounds} ${c.name}: ${JSON.stringify(run.result)}`);
      } catch (e) {
        failed.add(c.name);
        log(`  ${c.name} FAILED: ${e.message}`);
      }
    }
  }
  return runs;
}

/**
 * One field of each run's result (or of the run itself, e.g. 'maxRssKiB').
 * @param {import('./child.mjs').ChildRun[] | undefined} runs
 * @param {string} key
 * @returns {number[]}
 */
export const field = (runs, key) => (runs ?? []).map((r) => Number(key in r.result ? r.result[key] : r[key]));
