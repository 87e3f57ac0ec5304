import { closeSync, constants, openSync, readdirSync, readFileSync } from 'node:fs';
import type { Entry } from './sandbox.js';

/*
 * A request that opens a FIFO without O_NONBLOCK holds a libuv thread until
 * a partner opens the other end, and no cancel can release it. The property
 * test must notice that (it is a defect) and then end it (or the process
 * would be starved): the kernel names the wait of such a thread, so this is
 * a condition, not a timing window.
 */

/**
 * Threads of this process blocked in a FIFO open or a pipe read/write, as
 * `tid:wchan`. Platform: Linux /proc; where wchan is hidden (it reads '0'),
 * nothing is seen and the caller's turn bound ends the wait instead.
 */
export function threadsBlockedOnFifos(): string[] {
  const out: string[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    let wchan = '';
    try {
      wchan = readFileSync(`/proc/self/task/${tid}/wchan`, 'utf8');
    } catch {
      continue;
    }
    if (/wait_for_partner|fifo|pipe_(read|write|wait)/.test(wchan)) out.push(`${tid}:${wchan}`);
  }
  return out;
}

/**
 * Opens the other end of every FIFO among `entries` and closes it again:
 * a thread blocked opening one for reading sees a writer come and go (then
 * EOF), one blocked opening for writing sees a reader (then EPIPE).
 */
export function releaseFifos(entries: readonly Entry[]): void {
  for (const entry of entries) {
    if (entry.kind !== 'fifo') continue;
    let reader = -1;
    let writer = -1;
    try {
      reader = openSync(entry.path, constants.O_RDONLY | constants.O_NONBLOCK);
      writer = openSync(entry.path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      // Gone or replaced meanwhile: nothing waits on it.
    }
    if (writer >= 0) closeSync(writer);
    if (reader >= 0) closeSync(reader);
  }
}
