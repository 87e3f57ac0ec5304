import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, result, spinUntil, unavailable } from './native.js';

afterEach(closePools);

const { errno } = osConstants;

/** What fs throws for a call, as its code, or 'ok'. */
function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** Every descriptor of this process that names `path`. */
function descriptorsOf(path: string): string[] {
  return readdirSync('/proc/self/fd').filter((n) => {
    try {
      return readlinkSync(`/proc/self/fd/${n}`) === path;
    } catch {
      return false; // the descriptor readdir itself used, gone by now
    }
  });
}

describe.skipIf(unavailable !== undefined)('native close as IO::AIO aio_close (submitCloseReserved)', () => {
  it('releases the file on the worker but keeps the number taken, on a dead pipe end, until the callback', async () => {
    const path = join(tempDir(), 'file');
    writeFileSync(path, 'data');
    const fd = openSync(path, 'r');
    const p = pool({ threads: 1 });
    let seenAtCallback: unknown;
    const done = result((cb) =>
      p.submitCloseReserved(fd, 0, (e, v) => {
        seenAtCallback = existsSync(`/proc/self/fd/${fd}`);
        cb(e, v);
      }),
    );
    p.flush();
    spinUntil(() => p.counters().npending === 1);
    // The worker ran; the result waits for delivery: the window aio_close protects.
    const holders = descriptorsOf(path);
    const other = openSync(path, 'r');
    const window = {
      fileReleased: holders.length === 0,
      names: readlinkSync(`/proc/self/fd/${fd}`).startsWith('pipe:'),
      anotherOpenGotIt: other === fd,
      read: codeOf(() => readSync(fd, Buffer.alloc(4), 0, 4, null)),
      write: codeOf(() => writeSync(fd, 'x')),
    };
    closeSync(other);
    const outcome = await done;
    expect({ window, outcome, seenAtCallback, afterwards: existsSync(`/proc/self/fd/${fd}`) }).toEqual({
      window: { fileReleased: true, names: true, anotherOpenGotIt: false, read: 'EBADF', write: 'EPIPE' },
      outcome: [0, 0],
      seenAtCallback: false,
      afterwards: false,
    });
  });

  it('fails with EBADF on a number that is not open, and leaves it free', async () => {
    const fd = openSync(join(tempDir(), 'f'), 'w');
    closeSync(fd);
    const outcome = await result((cb) => pool().submitCloseReserved(fd, 0, cb));
    expect([outcome, existsSync(`/proc/self/fd/${fd}`)]).toEqual([[-errno.EBADF, 0], false]);
  });

  it('refuses a bad descriptor synchronously', () => {
    expect(codeOf(() => pool().submitCloseReserved(-1, 0, () => {}))).toBe('ERR_OUT_OF_RANGE');
  });
});
