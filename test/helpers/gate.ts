import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { AioContext, AioRequest, RequestOptions } from '@ioaio/core';
import { afterEach } from 'vitest';
import { tempDir } from './tmp.js';

/**
 * A request that holds one execution slot until the test releases it: an
 * `open` of a FIFO's read end, which blocks in a libuv thread until a writer
 * opens the other end. libuv has 4 threads: use at most 2 gates at once.
 */
export interface Gate {
  /** The blocked open; its fd is closed by the gate once it arrives. */
  readonly request: AioRequest<number>;
  /** Opens the write end; resolves once the request settled (with its fd closed). */
  release(): Promise<void>;
}

const unreleased = new Set<{ fifo: string; request: AioRequest<number> }>();

function unblock(fifo: string): void {
  // Blocks until the reader's open is in the FIFO too, then both opens complete.
  closeSync(openSync(fifo, 'w'));
}

export function gate(ctx: AioContext, options?: RequestOptions<number>): Gate {
  const fifo = join(tempDir('ioaio-gate-'), 'gate');
  execFileSync('mkfifo', [fifo]);
  const request = ctx.open(fifo, 'r', undefined, options);
  const settled = request.then(
    (fd) => closeSync(fd),
    () => undefined,
  );
  const entry = { fifo, request };
  unreleased.add(entry);
  return {
    request,
    release() {
      if (request.state !== 'execute') throw new Error(`gate released in state ${request.state}`);
      unreleased.delete(entry);
      // Platform: the native backend hands requests to its pool once per tick (a microtask), so the
      // blocking open of the write end waits one microtask: before that, no reader would ever come.
      return Promise.resolve().then(() => {
        unblock(fifo);
        return settled;
      });
    },
  };
}

// A failed test must not leave a libuv thread blocked in open(2): that would hang the worker.
afterEach(() => {
  for (const entry of unreleased) {
    if (entry.request.state === 'ready') entry.request.cancel();
    else if (entry.request.state === 'execute') unblock(entry.fifo);
  }
  unreleased.clear();
});
