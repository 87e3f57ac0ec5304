import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { kNative } from '../helpers/backend.js';
import { coreDist } from '../helpers/child.js';
import { tempDir } from '../helpers/tmp.js';

const kChild = fileURLToPath(new URL('./children/native-backend.mjs', import.meta.url));

/** One mode of the child; `json` is its last stdout line, parsed. A hang fails on the timeout. */
function child(mode: string) {
  const r = spawnSync(process.execPath, [kChild, mode, tempDir()], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, IOAIO_CORE_DIST: coreDist },
  });
  if (r.stderr) console.log(`child ${mode} stderr:\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, signal: r.signal, json: last ? JSON.parse(last) : undefined };
}

describe.runIf(kNative)('the engine on the native backend, in child processes', { timeout: 150_000 }, () => {
  test('a process whose requests are all done exits on its own', () => {
    expect(child('idle')).toEqual({ status: 0, signal: null, json: { backend: 'native', nreqs: 0 } });
  });

  test('a script that ends with 10,000 requests queued runs every callback, then exits', () => {
    expect(child('queued')).toEqual({ status: 0, signal: null, json: { done: 10_000, errors: 0 } });
  });

  test('process.exit() with requests in flight exits at once with its code', () => {
    expect(child('exitMidFlight')).toEqual({ status: 7, signal: null, json: undefined });
  });

  test('a callback that throws surfaces once as an uncaught exception; every other request completes', () => {
    expect(child('throwing')).toEqual({
      status: 0,
      signal: null,
      json: { done: 100, caught: ['boom'], nreqs: 0 },
    });
  });

  test('20 worker threads, each flooding its own context, terminated mid-flight', () => {
    expect(child('workers')).toEqual({ status: 0, signal: null, json: { terminated: 20 } });
  });

  test('mlockall locks the process as the kernel reports it (VmLck), munlockall unlocks it', () => {
    // Under the AddressSanitizer runtime (pnpm test:asan) mlockall is a no-op.
    const sanitized = /libasan/.test(process.env.LD_PRELOAD ?? '');
    expect(child('mlockall')).toEqual({ status: 0, signal: null, json: { locked: !sanitized, after: 0 } });
  });

  test('process.exit() while a pool thread is blocked opening a FIFO does not hang', () => {
    expect(child('fifoExit')).toEqual({ status: 3, signal: null, json: undefined });
  });
});
