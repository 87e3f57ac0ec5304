import * as fs from 'node:fs';
import { major, makedev, minor } from '@ioaio/core';
import { expect, test } from 'vitest';

test('major and minor split device numbers as the kernel reports them, makedev joins them back', () => {
  const nul = fs.statSync('/dev/null').rdev; // character device 1:3 on Linux
  expect([major(nul), minor(nul), makedev(1, 3)]).toEqual([1, 3, nul]);
  // Numbers past 8 bits of minor and 12 bits of major use the high bits, as glibc lays them out.
  const big = makedev(0x12345, 0x6789a);
  expect([major(big), minor(big), major(BigInt(big)), minor(BigInt(big))]).toEqual([
    0x12345, 0x6789a, 0x12345, 0x6789a,
  ]);
  const devs = fs
    .readdirSync('/dev')
    .map((n) => fs.lstatSync(`/dev/${n}`))
    .filter((st) => st.isCharacterDevice() || st.isBlockDevice());
  for (const st of devs) expect(makedev(major(st.rdev), minor(st.rdev))).toBe(st.rdev);
});

test('bad device numbers are refused with Node codes', () => {
  expect(() => major(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  expect(() => minor('3' as unknown as number)).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
  );
  expect(() => makedev(1, 2 ** 32)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
});
