// Parent side: run one contender in a fresh child process and collect what it reports.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kTimeBin = '/usr/bin/time';
const kMaxRssPattern = /Maximum resident set size \(kbytes\): (\d+)/;
const kUserPattern = /User time \(seconds\): ([\d.]+)/;
const kSystemPattern = /System time \(seconds\): ([\d.]+)/;

/** True when GNU time is present (`-v` prints the peak RSS of the child). */
export const hasGnuTime = (() => {
  const r = spawnSync(kTimeBin, ['-v', 'true'], { encoding: 'utf8' });
  return r.status === 0 && kMaxRssPattern.test(r.stderr);
})();

/** Directory of the bench scripts (this file's parent's parent). */
export const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * argv for a bench-relative Node script, run by the same node binary as the parent.
 * @param {string} script path relative to bench/, e.g. 'peers/stat-cb.mjs'
 * @param {...(string | number)} args
 * @returns {string[]}
 */
export const nodeScript = (script, ...args) => [
  process.execPath,
  path.join(benchDir, script),
  ...args.map(String),
];

/**
 * argv for a bench-relative Perl or shell script.
 * @param {string} interpreter 'perl' or 'sh'
 * @param {string} script path relative to bench/
 * @param {...(string | number)} args
 * @returns {string[]}
 */
export const interpScript = (interpreter, script, ...args) => [
  interpreter,
  path.join(benchDir, script),
  ...args.map(String),
];

/**
 * @typedef {object} ChildRun
 * @property {Record<string, unknown>} result the child's JSON line
 * @property {number} wallMs whole-process wall time, start-up included
 * @property {number} maxRssKiB peak RSS: GNU time's, else the child's own `selfMaxRssKiB`
 * @property {'time -v' | 'self'} rssSource
 * @property {number} cpuMs user + system CPU time of the whole process (all threads), NaN without GNU time;
 *   steadier than wall time on a machine shared with other work
 */

/**
 * Runs argv in a new process and parses the last JSON line of its stdout.
 * Rejects on a non-zero exit, a timeout or a missing JSON line.
 * @param {string[]} argv
 * @param {{ env?: Record<string, string>, timeoutMs?: number }} [opts]
 * @default opts.timeoutMs 180000
 * @returns {Promise<ChildRun>}
 */
export function runChild(argv, { env = {}, timeoutMs = 180_000 } = {}) {
  const full = hasGnuTime ? [kTimeBin, '-v', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(full[0], full.slice(1), {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s) => {
      err += s;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      const json = out
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      if (code !== 0 || !json) {
        reject(new Error(`${argv.join(' ')}: exit ${code ?? signal}\n${err.slice(-2000)}`));
        return;
      }
      const result = JSON.parse(json);
      const m = kMaxRssPattern.exec(err);
      const cpuMs = 1000 * (Number(kUserPattern.exec(err)?.[1]) + Number(kSystemPattern.exec(err)?.[1]));
      resolve(
        m
          ? { result, wallMs, cpuMs, maxRssKiB: Number(m[1]), rssSource: 'time -v' }
          : { result, wallMs, cpuMs, maxRssKiB: Number(result.selfMaxRssKiB), rssSource: 'self' },
      );
    });
  });
}
