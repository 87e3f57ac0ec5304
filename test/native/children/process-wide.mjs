// A child process for the native requests that change the whole process (memory locks,
// descriptor limits), so the test runner's own process is left as it was.  argv: MODE
// Prints one JSON line and exits.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** True while /proc/self/maps has a mapping of `path`. */
const isMapped = (path) =>
  readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .some((l) => l.endsWith(` ${path}`));

/** A file of one page in a fresh directory, open read-write. */
function pageFile(dir, name) {
  const path = join(dir, name);
  writeFileSync(path, Buffer.alloc(4096, name));
  return { path, fd: openSync(path, 'r+') };
}

/** Collects and lets the event loop run until `condition` holds, at most 200 turns. */
async function collectUntil(condition) {
  for (let turn = 0; turn < 200 && !condition(); turn++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return condition();
}

const kShared = 1;
const kRead = 1;

Object.assign(modes, {
  // Needs --expose-gc. argv[3]: a directory for the mapped files.
  async 'mmap-gc'() {
    const dir = process.argv[3];
    const a = pageFile(dir, 'a');
    pool.mmap(4096, kRead, kShared, a.fd, 0); // dropped at once: only its finalizer can unmap it
    closeSync(a.fd);
    const mappedAtFirst = isMapped(a.path);
    const unmappedByCollection = await collectUntil(() => !isMapped(a.path));
    // An explicit munmap, then a new mapping (likely at the same address), then the old
    // buffer collected: its finalizer must not unmap the new mapping.
    const b = pageFile(dir, 'b');
    let old = pool.mmap(4096, kRead, kShared, b.fd, 0);
    pool.munmap(old);
    const c = pageFile(dir, 'c');
    const kept = pool.mmap(4096, kRead, kShared, c.fd, 0);
    old = undefined;
    for (let turn = 0; turn < 20; turn++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    closeSync(b.fd);
    closeSync(c.fd);
    return {
      mappedAtFirst,
      unmappedByCollection,
      keptStillMapped: isMapped(c.path),
      keptFirstByte: String.fromCharCode(new Uint8Array(kept)[0]),
    };
  },
});

const out = await modes[mode]();
pool.close();
console.log(JSON.stringify(out));
