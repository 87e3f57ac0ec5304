// The timed part shared by the queue scenario's ioaio side and its p-queue peer, so the two sides
// differ only in the queue and the stat they are given.
import { emit, msSince } from './report.mjs';

/**
 * Stats every path through `queue` (one add per path, a then per task, await onIdle, as a p-queue
 * user writes it) and emits the count, errors, time and rate, and `extra` (e.g. the backend). The
 * first stat is untimed: it starts the threads.
 */
export async function statThroughQueue(paths, queue, stat, extra = {}) {
  let done = 0;
  let errors = 0;
  const count = () => {
    done++;
  };
  const fail = () => {
    errors++;
  };

  await stat(paths[0]);
  const t0 = performance.now();
  for (const p of paths) queue.add(() => stat(p)).then(count, fail);
  await queue.onIdle();
  await new Promise(setImmediate); // let the last .then reactions run
  const ms = msSince(t0);
  emit({ n: done + errors, errors, ms, opsPerSec: (done + errors) / (ms / 1000), ...extra });
}
