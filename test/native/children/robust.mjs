// A child process for the native pool's robustness tests.  argv: MODE DIR
// Prints one JSON line (or nothing, when the mode ends in process.exit) and exits.
import { execFileSync } from 'node:child_process';
import { constants, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadNativePool } from '../../../packages/native/dist/index.js';

const [mode, dir] = process.argv.slice(2);
const file = join(dir, 'f');
writeFileSync(file, 'x');

function newPool(options) {
  const pool = loadNativePool(options);
  if ('unavailable' in pool) throw new Error(pool.unavailable);
  return pool;
}

function mkfifo(name) {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function spinUntil(condition) {
  while (!condition()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
}

const modes = {
  // Nothing submitted: the idle pool must not keep the process alive.
  idle() {
    newPool();
    console.log(JSON.stringify({ idle: true }));
  },
  // The script ends with 10,000 requests queued: every callback runs, then the process exits.
  queued() {
    const pool = newPool();
    let done = 0;
    let errors = 0;
    for (let i = 0; i < 10_000; i++)
      pool.submitStat(file, (i % 9) - 4, (errno) => {
        done++;
        if (errno) errors++;
      });
    process.on('exit', () => console.log(JSON.stringify({ done, errors })));
  },
  // process.exit() from the first callback while thousands are queued or running.
  exitMidFlight() {
    const pool = newPool();
    for (let i = 0; i < 10_000; i++) pool.submitStat(file, 0, () => process.exit(7));
  },
  // The second callback throws: the rest of its chunk still runs, the error surfaces once.
  throwing() {
    const pool = newPool({ threads: 0 });
    let done = 0;
    const caught = [];
    process.on('uncaughtException', (error) => caught.push(error.message));
    for (let i = 0; i < 100; i++)
      pool.submitNop(0, () => {
        done++;
        if (i === 1) throw new Error('boom');
      });
    pool.threads = 1;
    process.on('exit', () => console.log(JSON.stringify({ done, caught })));
  },
  // 20 worker threads each make a pool, flood it, and are terminated mid-flight.
  async workers() {
    const source = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(new URL('../../../packages/native/dist/index.js', import.meta.url).href)}).then(({ loadNativePool }) => {
        const pool = loadNativePool({ threads: 2 });
        for (let i = 0; i < 2000; i++) pool.submitStat(${JSON.stringify(file)}, 0, () => {});
        pool.submitNop(4, () => parentPort.postMessage('running'));
      });`;
    const workers = Array.from({ length: 20 }, () => new Worker(source, { eval: true }));
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
    const codes = await Promise.all(workers.map((w) => w.terminate()));
    console.log(JSON.stringify({ terminated: codes.length }));
  },
  // A worker blocked in open() on a FIFO while the process exits.
  fifoExit() {
    const pool = newPool({ threads: 1 });
    pool.submitOpen(mkfifo('fifo'), constants.O_RDONLY, 0, 0, () => {});
    pool.flush();
    spinUntil(() => pool.counters().nexecute === 1);
    process.exit(3);
  },
  // A worker thread whose pool has a thread blocked on a FIFO is terminated; the process then ends.
  async fifoWorker() {
    const fifo = mkfifo('fifo');
    const source = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(new URL('../../../packages/native/dist/index.js', import.meta.url).href)}).then(({ loadNativePool }) => {
        const pool = loadNativePool({ threads: 1 });
        pool.submitOpen(${JSON.stringify(fifo)}, ${constants.O_RDONLY}, 0, 0, () => {});
        pool.flush();
        const timer = setInterval(() => {
          if (pool.counters().nexecute === 1) clearInterval(timer), parentPort.postMessage('blocked');
        }, 1);
      });`;
    const worker = new Worker(source, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    const code = await worker.terminate();
    console.log(JSON.stringify({ terminated: code }));
  },
};

/** Threads of this process now (Linux). */
const threadCount = () => readdirSync('/proc/self/task').length;

Object.assign(modes, {
  // 50 pools used once and dropped unclosed: collected, their threads gone. Needs --expose-gc.
  async dropped() {
    const before = threadCount();
    for (let i = 0; i < 50; i++) {
      const pool = newPool({ threads: 2, maxIdle: 2 });
      await new Promise((resolve) => pool.submitNop(0, resolve));
    }
    // Bounded: a leak ends the loop and shows in the counts.
    for (let i = 0; i < 500 && threadCount() > before; i++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(JSON.stringify({ pools: 50, threadsLeft: threadCount() - before }));
  },
});

const run = modes[mode];
if (run === undefined) throw new Error(`unknown mode ${mode}`);
await run();
