import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AioContext, type AioRequest, createAio } from '@ioaio/core';
import { describe, expect, it } from 'vitest';
import { catchingEscapes, fdsUnder } from '../helpers/escapes.js';
import { tempDir } from '../helpers/tmp.js';

/*
 * Sizes that validation lets through but one Buffer or one read(2) cannot
 * take: a length of 2^31 (Node's limit for one fs.read), 2^32 + 1 (over
 * buffer.constants.MAX_LENGTH on Node 20), a file over 2 GiB - 1 (the most
 * fs.readFile reads into one Buffer, on every Node version; load and slurp
 * keep the same limit, while buffer.kMaxLength is 4 GiB on Node 20 and
 * 2^53 - 1 from Node 22 on). Whatever the request answers (the bytes there
 * are, or a coded error), it must answer: settle, close its descriptor, and
 * throw nothing out of the pool.
 */

/** fs.readFile's limit, kIoMaxLength in Node's source: the same on every version. */
const kMaxWholeRead = 2 ** 31 - 1;

/** A sparse file of `size` bytes of zeros: no disk space used. */
function sparseFile(dir: string, size: number): string {
  const path = join(dir, 'huge');
  writeFileSync(path, '');
  truncateSync(path, size);
  return path;
}

const kMaxTurns = 300_000;

type Outcome =
  | { value: string }
  | { code: unknown; message?: unknown }
  | { thrown: unknown }
  | 'never settled';

async function settle(
  ctx: AioContext,
  make: () => AioRequest<Buffer>,
  withMessage = false,
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
        const { code, message } = err as { code?: unknown; message?: unknown };
        outcome = withMessage ? { code, message } : { code };
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

  it('load of a 5 GiB file rejects with ERR_FS_FILE_TOO_LARGE on every Node version, and closes its descriptor', async () => {
    const dir = tempDir();
    const huge = sparseFile(dir, 5 * 2 ** 30);
    const ctx = createAio();
    const { outcome, escaped } = await settle(ctx, () => ctx.load(huge));
    expect({ outcome, escaped, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({
      // Node's own fs.readFile says ERR_FS_FILE_TOO_LARGE for this.
      outcome: { code: 'ERR_FS_FILE_TOO_LARGE' },
      escaped: [],
      nreqs: 0,
      fds: [],
    });
  });

  it('load of a file one byte over fs.readFile limit (2^31 bytes) rejects before reading, as fs.readFile does', async () => {
    const dir = tempDir();
    const huge = sparseFile(dir, kMaxWholeRead + 1);
    const ctx = createAio();
    const { outcome, escaped } = await settle(ctx, () => ctx.load(huge), true);
    expect({ outcome, escaped, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({
      outcome: {
        code: 'ERR_FS_FILE_TOO_LARGE',
        message:
          'File range (2147483648 bytes) is greater than 2147483647 bytes, the most load and slurp read into one Buffer',
      },
      escaped: [],
      nreqs: 0,
      fds: [],
    });
  });

  it('slurp of a range over the limit rejects, and small ranges deep in a 5 GiB file give their bytes', async () => {
    const dir = tempDir();
    const huge = sparseFile(dir, 5 * 2 ** 30);
    // r+ writes over the first bytes without truncating.
    writeFileSync(huge, 'mid', { flag: 'r+' });
    const ctx = createAio();
    const outcomes: Outcome[] = [];
    for (const make of [
      () => ctx.slurp(huge, 0, kMaxWholeRead + 1),
      () => ctx.slurp(huge, -(kMaxWholeRead + 1)),
      () => ctx.slurp(huge, 0, 3),
      () => ctx.slurp(huge, 2 ** 32 - 1, 2),
      () => ctx.slurp(huge, -2),
    ]) {
      const { outcome, escaped } = await settle(ctx, make);
      outcomes.push(escaped.length === 0 ? outcome : { thrown: escaped });
    }
    expect({ outcomes, nreqs: ctx.nreqs, fds: fdsUnder(dir) }).toEqual({
      outcomes: [
        { code: 'ERR_FS_FILE_TOO_LARGE' },
        { code: 'ERR_FS_FILE_TOO_LARGE' },
        { value: 'mid' },
        { value: '\0\0' },
        { value: '\0\0' },
      ],
      nreqs: 0,
      fds: [],
    });
  });
});
