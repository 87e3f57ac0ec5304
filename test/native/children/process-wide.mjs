// A child process for the native requests that change the whole process (memory locks,
// descriptor limits), so the test runner's own process is left as it was.  argv: MODE
// Prints one JSON line and exits.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadNativePool } from '../../../packages/native/dist/index.js';

const [mode] = process.argv.slice(2);
const pool = loadNativePool({ threads: 1 });
if ('unavailable' in pool) throw new Error(pool.unavailable);

const request = (submit) => new Promise((resolve) => submit((errno, value) => resolve([errno, value])));

/** A line of /proc/self/status (VmLck) in kB. */
function statusKb(field) {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]);
}

/** The soft and hard "Max open files" of /proc/self/limits. */
function fdLimits() {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/);
  return [soft === 'unlimited' ? Infinity : Number(soft), hard === 'unlimited' ? Infinity : Number(hard)];
}

const kMclCurrent = 1;
const kMclOnfault = 4;

const modes = {
  async mlockall() {
    const before = statusKb('VmLck');
    const locked = await request((cb) => pool.submitMlockall(kMclCurrent | kMclOnfault, 0, cb));
    const during = statusKb('VmLck');
    const unlocked = await request((cb) => pool.submitMunlockall(0, cb));
    return { before, locked, lockedSome: during > 0, unlocked, after: statusKb('VmLck') };
  },
  async fdlimit() {
    // Node raises the soft limit to the hard one at start: lower it again from outside.
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=300:${fdLimits()[1]}`]);
    const start = fdLimits();
    const same = await request((cb) => pool.submitMinFdlimit(16, 0, cb));
    const raised = await request((cb) => pool.submitMinFdlimit(start[0] + 100, 0, cb));
    return { start, same, raised, now: fdLimits() };
  },
};

const out = await modes[mode]();
pool.close();
console.log(JSON.stringify(out));
