import { describe, expect, it } from 'vitest';
import { type NativeBinding, NativePool } from '../../packages/native/src/index.js';

/** A binding whose submit refuses every batch, as C does when it cannot allocate. */
function refusingBinding(): NativeBinding {
  const refuse = () => {
    throw Object.assign(new Error('the native pool refused a batch'), {
      code: 'ERR_IOAIO_NATIVE_REFUSED',
      errno: -12,
    });
  };
  return {
    create: () => ({}),
    submit: refuse,
    cancel: () => false,
    setThreads: () => {},
    setIdle: () => {},
    counters: (_h, out) => out.fill(0),
    close: () => {},
    mmap: () => -38,
    munmap: () => 0,
    mremap: () => -38,
    mprotect: () => -38,
    layout: { i32PerRequest: 9, f64PerRequest: 4, statFields: 18, chunk: 1024, types: 41 },
  };
}

describe('native pool engine', () => {
  it('a batch C refuses completes every one of its requests with the errno, on a later tick', async () => {
    const pool = new NativePool(refusingBinding());
    const events: string[] = [];
    const settled = Promise.all([
      new Promise<void>((resolve) => pool.submitStat('/a', 0, (e) => resolve(void events.push(`stat ${e}`)))),
      new Promise<void>((resolve) => pool.submitNop(4, (e, v) => resolve(void events.push(`nop ${e} ${v}`)))),
      new Promise<void>((resolve) =>
        pool.submitReaddir('/b', -4, (e, d) => resolve(void events.push(`readdir ${e} ${d}`))),
      ),
    ]);
    pool.flush();
    events.push('flushed');
    await settled;
    expect(events).toEqual(['flushed', 'stat -12', 'nop -12 0', 'readdir -12 undefined']);
    expect(pool.counters().nreqs).toBe(0);
  });
});
