import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AioContext, type AioRequest, createAio } from '@ioaio/core';
import { describe, expect, it } from 'vitest';
import { catchingEscapes, fdsUnder } from '../helpers/escapes.js';
import { tempDir } from '../helpers/tmp.js';

/*
 * Sizes that validation lets through but one Buffer or one read(2) cannot
 * take: a length of 2^31 (Node's limit for one fs.read), 2^32 + 1 (over
 * buffer.constants.MAX_LENGTH), a file larger than a Buffer. Whatever the
 * request answers (the bytes there are, or a coded error), it must answer:
 * settle, close its descriptor, and throw nothing out of the pool.
 */

const kMaxTurns = 300_000;

type Outcome = { value: string } | { code: unknown } | { thrown: unknown } | 'never settled';

async function settle(
  ctx: AioContext,
  make: () => AioRequest<Buffer>,
): Promise<{ outcome: Outcome; escaped: string[] }> {
  let outcome: Outcome = 'never settled';
  const escaped = await catchingEscapes(async (escapes) => {
    let req: AioRequest<Buffer>;
    try {
      req = make();
    } catch (err) {
      outcome = { thrown: (err as { code?: unknown }).code };
      return;
    }
    req.then(
      (buf) => {
        outcome = { value: buf.length > 64 ? `${buf.length} bytes` : buf.toString() };
      },
      (err: unknown) => {
        outcome = { code: (err as { code?: unknown }).code };
      },
    );
    // An exception thrown out of the pool leaves the request executing forever: stop waiting then.
    for (let turn = 0; turn < kMaxTurns && ctx.nreqs > 0 && escapes.length === 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  return { outcome, escaped };
}

describe('slurp and load of sizes no single Buffer or read can take', () => {
  it('slurp with a length of 2^31 gives the bytes there are, and closes its descriptor', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'small'), 'hello');
    const ctx = createAio();
    const { outcome, escaped } = await settle(ctx, () => ctx.slurp(join(dir, 'small'), 0, 2 ** 31));
    expect({ outcome, escaped, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({
      outcome: { value: 'hello' },
      escaped: [],
      nreqs: 0,
      fds: [],
    });
  });

  it('slurp with a length over the Buffer limit throws ERR_OUT_OF_RANGE at the call, or settles cleanly', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'small'), 'hello');
    const ctx = createAio();
    const { outcome, escaped } = await settle(ctx, () => ctx.slurp(join(dir, 'small'), 0, 2 ** 32 + 1));
    expect([{ thrown: 'ERR_OUT_OF_RANGE' }, { value: 'hello' }]).toContainEqual(outcome);
    expect({ escaped, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({ escaped: [], nreqs: 0, fds: [] });
  });

  it('slurp from an offset just under 2^53 gives what is there, and no later position passes 2^53 - 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'small'), 'hello');
    const ctx = createAio();
    const { outcome, escaped } = await settle(ctx, () =>
      ctx.slurp(join(dir, 'small'), Number.MAX_SAFE_INTEGER - 1),
    );
    expect({ outcome, escaped, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({
      outcome: { value: '' },
      escaped: [],
      nreqs: 0,
      fds: [],
    });
  });

  it('load of a file larger than a Buffer can hold rejects with a coded error and closes its descriptor', async () => {
    const dir = tempDir();
    // Sparse: 5 GiB of nothing, no disk space used.
    writeFileSync(join(dir, 'huge'), '');
    truncateSync(join(dir, 'huge'), 5 * 2 ** 30);
    const ctx = createAio();
    const { outcome, escaped } = await settle(ctx, () => ctx.load(join(dir, 'huge')));
    expect({ outcome, escaped, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({
      // Node's own fs.readFile says ERR_FS_FILE_TOO_LARGE for this.
      outcome: { code: 'ERR_FS_FILE_TOO_LARGE' },
      escaped: [],
      nreqs: 0,
      fds: [],
    });
  });
});
