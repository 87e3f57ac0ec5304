// The engine on the native backend in a fresh process: how it ends. argv: MODE DIR.
// Prints one JSON line (when the mode gets that far), which the test asserts whole.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const core = await import(process.env.IOAIO_CORE_DIST);
const [mode, dir] = process.argv.slice(2);
const aio = core.createAio({ backend: 'native' });
const file = join(dir, 'f');
writeFileSync(file, 'x');

const modes = {
  idle: async () => {
    await aio.stat(file);
    console.log(JSON.stringify({ backend: aio.backend, nreqs: aio.nreqs }));
  },
  queued: () => {
    let done = 0;
    let errors = 0;
    const callback = (err) => {
      if (err) errors++;
      if (++done === 10_000) console.log(JSON.stringify({ done, errors }));
    };
    for (let i = 0; i < 10_000; i++) aio.stat(file, { callback, priority: (i % 9) - 4 });
  },
  exitMidFlight: () => {
    for (let i = 0; i < 10_000; i++) aio.stat(file);
    setImmediate(() => process.exit(7));
  },
  throwing: () => {
    const caught = [];
    let done = 0;
    process.on('uncaughtException', (err) => caught.push(err.message));
    const callback = () => {
      if (++done === 50) throw new Error('boom');
    };
    for (let i = 0; i < 100; i++) aio.stat(file, { callback });
    aio
      .flush()
      .then(() => setImmediate(() => console.log(JSON.stringify({ done, caught, nreqs: aio.nreqs }))));
  },
  workers: async () => {
    const source = `
      const core = await import(${JSON.stringify(process.env.IOAIO_CORE_DIST)});
      const { parentPort } = await import('node:worker_threads');
      const ctx = core.createAio({ backend: 'native' });
      for (let i = 0; i < 20000; i++) ctx.stat(${JSON.stringify(file)}, { callback() {} });
      parentPort.postMessage('flooded');`;
    const workers = Array.from({ length: 20 }, () => new Worker(source, { eval: true, type: 'module' }));
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
    const codes = await Promise.all(workers.map((w) => w.terminate()));
    await aio.stat(file); // the main thread's pool still works
    console.log(JSON.stringify({ terminated: codes.length }));
  },
  mlockall: async () => {
    // In a child of its own: a locked process makes V8's madvise fail, which Node 22 does not survive.
    const vmLck = () => Number(/^VmLck:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]);
    await aio.mlockall(1 | 4); // MCL_CURRENT | MCL_ONFAULT: locked as pages are touched, none faulted in now
    const locked = vmLck() > 0;
    await aio.munlockall();
    console.log(JSON.stringify({ locked, after: vmLck() }));
  },
  fifoExit: () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    aio.open(fifo, 'r'); // blocks a pool thread: nobody ever opens the other end
    setTimeout(() => process.exit(3), 100);
  },
};
await modes[mode]();
