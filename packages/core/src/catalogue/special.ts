import { invalidArgType, outOfRange } from '../errors.js';
import type { NativePoolLike } from '../native-pool.js';
import { single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import { voidResult } from './native-results.js';

/** Longest busy request, in seconds (setTimeout's limit). */
const kMaxBusySeconds = 2 ** 31 / 1000 - 1;

function nopNative(pool: NativePoolLike, _a: unknown, done: Done<void>, req: RunningRequest): boolean {
  pool.submitNop(req.priority, voidResult(done, 'nop'));
  return true;
}

/** Requests that do no I/O; they take an execution slot like any other. */
export const specialOperations = {
  /**
   * Does nothing, but goes through the queue and an execution slot: useful
   * to wait until everything of higher priority has started.
   * @see IO::AIO aio_nop
   */
  nop: single({
    perl: 'aio_nop',
    syscall: 'nop',
    optsIndex: 0,
    prepare: (_options?: RequestOptions<void>) => undefined,
    run: (_args, done: Done<void>) => {
      setImmediate(done, null);
    },
    native: nopNative,
  }),

  /**
   * Holds one execution slot for `seconds` (fractions allowed). The slot is
   * held on the event loop's timer, not on a libuv thread.
   * @see IO::AIO aio_busy
   */
  busy: single({
    perl: 'aio_busy',
    syscall: 'busy',
    optsIndex: 1,
    prepare: (seconds: number, _options?: RequestOptions<void>) => {
      if (typeof seconds !== 'number') throw invalidArgType('seconds', 'of type number', seconds);
      if (!(seconds >= 0 && seconds <= kMaxBusySeconds))
        throw outOfRange('seconds', `>= 0 && <= ${kMaxBusySeconds}`, seconds);
      return seconds * 1000;
    },
    run: (ms, done: Done<void>) => {
      setTimeout(done, ms, null);
    },
  }),
};
