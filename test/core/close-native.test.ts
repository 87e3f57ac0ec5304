import * as fs from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { nativePool } from '../../packages/core/src/native-pool.js';
import { kNative } from '../helpers/backend.js';
import { outcome } from '../helpers/requests.js';
import { tempDir } from '../helpers/tmp.js';

/** The pool's own controls the test drives: hand staged requests over now, and its counts. */
interface PoolProbe {
  flush(): void;
  counters(): { npending: number };
}

/** Waits, without yielding to the event loop, until the pool has run the close and holds its result. */
function untilRunNotDelivered(pool: PoolProbe): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (pool.counters().npending === 0) Atomics.wait(nap, 0, 0, 1);
}

const isOpen = (fd: number): boolean => fs.existsSync(`/proc/self/fd/${fd}`);
const target = (fd: number): string => fs.readlinkSync(`/proc/self/fd/${fd}`);

describe.skipIf(!kNative)('close on the native backend, as IO::AIO aio_close', () => {
  test('the number stays taken until the close settles: an open meanwhile gets another, and cancel changes nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'closed');
    fs.writeFileSync(path, 'data');
    const fd = fs.openSync(path, 'r');
    const ctx = createAio();
    const req = ctx.close(fd);
    const pool = nativePool() as unknown as PoolProbe;
    pool.flush();
    untilRunNotDelivered(pool);
    // The file is released on the pool thread; the callback has not run: the window aio_close guards.
    const other = fs.openSync(join(dir, 'other'), 'w');
    req.cancel(new Error('too late')); // an executing close settles with its real outcome
    const window = { other: other === fd, fdStillOpen: isOpen(fd), names: target(fd).startsWith('pipe:') };
    fs.closeSync(other);
    const settled = await outcome(req);
    expect({ window, settled, state: req.state, afterwards: isOpen(fd) }).toEqual({
      window: { other: false, fdStillOpen: true, names: true },
      settled: [null, undefined],
      state: 'done',
      afterwards: false,
    });
  });

  test('a close of a number not open fails with EBADF as node:fs says it, and leaves the number free', async () => {
    const fd = fs.openSync(join(tempDir(), 'f'), 'w');
    fs.closeSync(fd);
    const [err] = await outcome(createAio().close(fd));
    expect([(err as NodeJS.ErrnoException).code, (err as NodeJS.ErrnoException).syscall, isOpen(fd)]).toEqual(
      ['EBADF', 'close', false],
    );
  });
});
