import { validateInteger } from './validate.js';

const kMaxSafe = Number.MAX_SAFE_INTEGER;

/** A device number as a 64-bit unsigned BigInt, checked (ERR_OUT_OF_RANGE / ERR_INVALID_ARG_TYPE). */
function dev64(dev: number | bigint, name: string): bigint {
  if (typeof dev === 'bigint') return BigInt.asUintN(64, dev);
  return BigInt(validateInteger(dev, name, 0, kMaxSafe));
}

/**
 * The major number of a device number (`st_dev`, `st_rdev`), split as
 * Linux's glibc does.
 * @example major(fs.statSync('/dev/null').rdev) // 1
 * @see IO::AIO major
 */
export function major(dev: number | bigint): number {
  const d = dev64(dev, 'dev');
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n));
}

/**
 * The minor number of a device number, split as Linux's glibc does.
 * @example minor(fs.statSync('/dev/null').rdev) // 3
 * @see IO::AIO minor
 */
export function minor(dev: number | bigint): number {
  const d = dev64(dev, 'dev');
  return Number((d & 0xffn) | ((d >> 12n) & 0xffffff00n));
}

/**
 * A device number from its major and minor numbers (for `aio.mknod`), as
 * Linux's glibc builds it.
 * @example await aio.mknod('/tmp/null', fs.constants.S_IFCHR | 0o666, makedev(1, 3));
 * @see IO::AIO makedev
 */
export function makedev(majorNumber: number, minorNumber: number): number {
  const ma = BigInt(validateInteger(majorNumber, 'major', 0, 0xffffffff));
  const mi = BigInt(validateInteger(minorNumber, 'minor', 0, 0xffffffff));
  return Number(
    ((ma & 0xfffn) << 8n) | ((ma & 0xfffff000n) << 32n) | (mi & 0xffn) | ((mi & 0xffffff00n) << 12n),
  );
}
