import { describe, expect, test } from 'vitest';
import { joinPath, stripTrailingSlashes } from '../../../packages/core/src/composite/path.js';

describe('joinPath', () => {
  test('joins strings and bytes with one slash and no normalisation', () => {
    expect(joinPath('a/./b', 'c')).toBe('a/./b/c');
    expect(joinPath('', 'etc')).toBe('/etc');
    expect(joinPath(Buffer.from('d'), Buffer.from([0x66, 0xff]))).toEqual(
      Buffer.from([0x64, 0x2f, 0x66, 0xff]),
    );
    expect(joinPath('d', Buffer.from([0xff]))).toEqual(Buffer.from([0x64, 0x2f, 0xff]));
  });
});

describe('stripTrailingSlashes', () => {
  test('removes every trailing slash, as treescan does with its roots', () => {
    expect(['a', 'a/', 'a//', '/', '//', './', ''].map((p) => stripTrailingSlashes(p))).toEqual([
      'a',
      'a',
      'a',
      '',
      '',
      '.',
      '',
    ]);
    expect(stripTrailingSlashes(Buffer.from('x//'))).toEqual(Buffer.from('x'));
  });
});
