import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { unavailable } from './native.js';

const kChild = fileURLToPath(new URL('./children/robust.mjs', import.meta.url));
const kAddon = new URL('../../packages/native/build/ioaio_native.node', import.meta.url);
/** Long enough for a loaded machine and the sanitizer build; a hang fails the test instead of stalling the suite. */
const kChildTimeoutMs = 120_000;

/** Runs one mode of the child; `json` is its last stdout line parsed, when there is one. */
function child(
  mode: string,
  nodeFlags: string[] = [],
): { status: number | null; signal: string | null; json: unknown; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeFlags, kChild, mode, tempDir()], {
    encoding: 'utf8',
    timeout: kChildTimeoutMs,
  });
  // What the child said on stderr shows in the test log, where a failed match alone would hide it.
  if (r.stderr) console.log(`child ${mode} stderr:\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, signal: r.signal, json: last ? JSON.parse(last) : undefined, stderr: r.stderr };
}

describe.skipIf(unavailable !== undefined)(
  'native pool robustness, in child processes',
  { timeout: 150_000 },
  () => {
    it('an idle pool lets the process exit', () => {
      expect(child('idle')).toMatchObject({ status: 0, signal: null, json: { idle: true } });
    });

    it('a script that ends with 10,000 requests queued runs every callback, then exits', () => {
      expect(child('queued')).toMatchObject({ status: 0, signal: null, json: { done: 10_000, errors: 0 } });
    });

    it('process.exit() mid-flight exits at once with its code', () => {
      expect(child('exitMidFlight')).toMatchObject({ status: 7, signal: null, json: undefined });
    });

    it('a throwing callback loses none of its chunk and surfaces once', () => {
      expect(child('throwing')).toMatchObject({
        status: 0,
        signal: null,
        json: { done: 100, caught: ['boom'] },
      });
    });

    it('20 worker threads, each with a flooded pool, terminated mid-flight', () => {
      expect(child('workers')).toMatchObject({ status: 0, signal: null, json: { terminated: 20 } });
    });

    it('process.exit() while a thread is blocked in open() on a FIFO does not hang', () => {
      expect(child('fifoExit')).toMatchObject({ status: 3, signal: null, json: undefined });
    });

    it('terminating a worker thread whose pool is blocked on a FIFO does not hang, and the process exits', () => {
      expect(child('fifoWorker')).toMatchObject({ status: 0, signal: null, json: { terminated: 1 } });
    });

    it('the addon stays mapped when the last worker thread that loaded it exits (its pool threads may still run)', () => {
      const addon = process.env.IOAIO_NATIVE_ADDON ?? fileURLToPath(kAddon);
      const r = spawnSync('readelf', ['-d', addon], { encoding: 'utf8' });
      if (r.status !== 0 || !existsSync(addon)) return void console.log('skipped: readelf not available');
      expect(r.stdout.match(/Flags: .*NODELETE/)?.[0]).toMatch(/NODELETE/);
    });

    it('pools dropped without close are collected and their threads exit', () => {
      expect(child('dropped', ['--expose-gc'])).toMatchObject({
        status: 0,
        signal: null,
        json: { pools: 50, threadsLeft: 0 },
      });
    });
  },
);
