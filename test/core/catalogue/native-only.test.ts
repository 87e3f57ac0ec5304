import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { kNative } from '../../helpers/backend.js';
import { caught, counters, errorShape, issue, kIdle, rejection } from '../../helpers/requests.js';

/** `[name, args]` calls the catalogue refuses at the call, on either backend, with the code expected. */
const kRefused: [string, unknown[], string][] = [
  ['fcntl', [0, 5, 0], 'ERR_INVALID_ARG_VALUE'], // F_GETLK takes a pointer
  ['fcntl', [0, 6, 0], 'ERR_INVALID_ARG_VALUE'], // F_SETLK
  ['fcntl', [0, 3, 2 ** 31], 'ERR_OUT_OF_RANGE'],
  ['fcntl', [0, '3', 0], 'ERR_INVALID_ARG_TYPE'],
  ['ioctl', [0, 2 ** 32, 0], 'ERR_OUT_OF_RANGE'],
  ['ioctl', [0, 0x5450, 0.5], 'ERR_OUT_OF_RANGE'],
  ['fadvise', [0, 0, 0, 6], 'ERR_OUT_OF_RANGE'],
  ['fadvise', [0, -1, 0, 0], 'ERR_OUT_OF_RANGE'],
  ['splice', [0, -1, 1, null, 1, 0], 'ERR_OUT_OF_RANGE'],
  ['splice', [0, null, -1, null, 1, 0], 'ERR_OUT_OF_RANGE'],
  ['tee', [0, 1, -1, 0], 'ERR_OUT_OF_RANGE'],
  ['mlockall', [8], 'ERR_OUT_OF_RANGE'],
  ['minFdlimit', [-1], 'ERR_OUT_OF_RANGE'],
  ['fiemap', [0, 0, null, 0, 0], 'ERR_OUT_OF_RANGE'],
  ['fiemap', [0, -1, null, 0, null], 'ERR_OUT_OF_RANGE'],
  ['msync', [new ArrayBuffer(8), 9, null, 4], 'ERR_OUT_OF_RANGE'],
  ['msync', [new ArrayBuffer(8), 4, 5, 4], 'ERR_OUT_OF_RANGE'],
  ['msync', [new ArrayBuffer(8), 0, null, 8], 'ERR_OUT_OF_RANGE'],
  ['mlock', ['not memory', 0, null], 'ERR_INVALID_ARG_TYPE'],
  ['madvise', [new Uint8Array(8), 0, null, -1], 'ERR_OUT_OF_RANGE'],
];

describe('the native-only requests check their arguments at the call, on every backend', () => {
  test.each(kRefused)('%s(%j) throws %s and queues nothing', (name, args, code) => {
    const ctx = createAio();
    const err = caught(() => issue(ctx, name, args)) as { code?: string };
    expect([err.code, counters(ctx)]).toEqual([code, kIdle]);
  });
});

describe.skipIf(!kNative || !fs.existsSync('/dev/shm'))('fiemap where the file system has none', () => {
  test('on tmpfs it rejects with the whole ENOTSUP (EOPNOTSUPP) error', async () => {
    const dir = fs.mkdtempSync(join('/dev/shm', 'ioaio-fiemap-'));
    try {
      const fd = fs.openSync(join(dir, 'f'), 'w+');
      fs.writeSync(fd, 'data');
      const err = await rejection(issue(createAio(), 'fiemap', [fd, 0, null, 0, null]));
      fs.closeSync(fd);
      expect(errorShape(err)).toEqual({
        code: 'ENOTSUP', // Platform: one number on Linux, which Node names ENOTSUP
        errno: -osConstants.errno.EOPNOTSUPP,
        syscall: 'fiemap',
        path: undefined,
        dest: undefined,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
