import { constants } from 'node:os';
import { AbortError } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import {
  aioError,
  invalidArgType,
  invalidArgValue,
  isAbortError,
  outOfRange,
  systemError,
} from '../../packages/core/src/errors.js';

describe('AbortError', () => {
  test('is shaped as Node makes it, with the reason as cause', () => {
    const reason = new Error('why');
    const err = new AbortError(undefined, { cause: reason });
    expect([err.name, err.code, err.message, err.cause, err instanceof Error]).toEqual([
      'AbortError',
      'ABORT_ERR',
      'The operation was aborted',
      reason,
      true,
    ]);
    expect(isAbortError(err)).toBe(true);
    expect(isAbortError(new Error('x'))).toBe(false);
  });

  test("is recognised when Node's own fs makes it", async () => {
    const { readFile } = await import('node:fs/promises');
    const err = await readFile('/etc/hostname', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
  });
});

describe('coded errors', () => {
  test('carry Node-style codes and messages', () => {
    const type = invalidArgType('path', 'of type string', 42);
    expect([type.name, type.code, type.message]).toEqual([
      'TypeError',
      'ERR_INVALID_ARG_TYPE',
      'The "path" argument must be of type string. Received type number (42)',
    ]);
    const value = invalidArgValue('path', 'a\u0000b', 'must be a string without null bytes');
    expect([value.name, value.code]).toEqual(['TypeError', 'ERR_INVALID_ARG_VALUE']);
    const range = outOfRange('priority', '>= -4 && <= 4', 9);
    expect([range.name, range.code, range.message]).toEqual([
      'RangeError',
      'ERR_OUT_OF_RANGE',
      'The value of "priority" is out of range. It must be >= -4 && <= 4. Received 9',
    ]);
    const own = aioError('ERR_AIO_GROUP_FINISHED', 'done');
    expect([own.name, own.code, own.message]).toEqual(['Error', 'ERR_AIO_GROUP_FINISHED', 'done']);
    expect(type.stack?.split('\n')[0]).toBe(`TypeError [ERR_INVALID_ARG_TYPE]: ${type.message}`);
  });

  test('system errors look like the ones node:fs makes', () => {
    expect({ ...systemError('ENOSYS', 'lseek') }).toEqual({
      code: 'ENOSYS',
      errno: -constants.errno.ENOSYS,
      syscall: 'lseek',
    });
    const withPath = systemError('ENOTDIR', 'rmdir', '/x');
    expect([withPath.message, withPath.path]).toEqual(["ENOTDIR: not a directory, rmdir '/x'", '/x']);
  });
});
