import { errnoError, systemError } from '../errors.js';
import { later, single } from '../operation.js';
import type { Done, RequestOptions } from '../request.js';
import { validateFd, validateInteger, validateLength } from '../validate.js';

type Opts<T = void> = RequestOptions<T>;

/** node:fs has no call for these: on that backend they reject with ENOSYS, never faked. */
function enosys<T>(syscall: string): <A>(args: A, done: Done<T>) => void {
  return (_args, done) => later(done, systemError('ENOSYS', syscall));
}

const kInt32Max = 2 ** 31 - 1;

/** One extent of a file, as FS_IOC_FIEMAP reports it (bytes). */
export interface FiemapExtent {
  /** Offset in the file. */
  logical: number;
  /** Offset on the device. */
  physical: number;
  /** Length in bytes. */
  length: number;
  /** FIEMAP_EXTENT_* bits: LAST 0x1, UNKNOWN 0x2, DELALLOC 0x4, UNWRITTEN 0x800, SHARED 0x2000... */
  flags: number;
}

/** The pool's four numbers per extent as objects. */
function extentsOf(numbers: Float64Array): FiemapExtent[] {
  const out: FiemapExtent[] = [];
  for (let i = 0; i + 3 < numbers.length; i += 4) {
    out.push({
      logical: numbers[i] as number,
      physical: numbers[i + 1] as number,
      length: numbers[i + 2] as number,
      flags: numbers[i + 3] as number,
    });
  }
  return out;
}

/**
 * File requests of IO::AIO that only the native backend makes. Arguments
 * are checked at the call on both backends.
 */
export const nativeOnlyOperations = {
  /**
   * The extents of `[start, start + length)` of a file (FS_IOC_FIEMAP):
   * where its data lies on the device, holes left out. `length` null means
   * to the end; `flags` FIEMAP_FLAG_SYNC (1) flushes first, FIEMAP_FLAG_XATTR
   * (2) maps the extended attributes instead; `count` caps the extents
   * returned (null: all). Rejects with ENOTSUP (EOPNOTSUPP) where the file
   * system has no FIEMAP (tmpfs). Native backend only.
   * @example
   * const extents = await aio.fiemap(fd, 0, null, 1, null);
   * for (const e of extents) console.log(e.logical, e.length);
   * @see IO::AIO aio_fiemap
   */
  fiemap: single({
    perl: 'aio_fiemap',
    syscall: 'fiemap',
    optsIndex: 5,
    prepare: (
      fd: number,
      start: number,
      length: number | null,
      flags: number,
      count: number | null,
      _options?: Opts<FiemapExtent[]>,
    ) => ({
      fd: validateFd(fd),
      start: validateLength(start, 'start'),
      length: length === null || length === undefined ? -1 : validateLength(length, 'length'),
      flags: validateInteger(flags, 'flags', 0, kInt32Max),
      count: count === null || count === undefined ? -1 : validateInteger(count, 'count', 1, kInt32Max),
    }),
    run: enosys<FiemapExtent[]>('fiemap'),
    native: (pool, a, done: Done<FiemapExtent[]>, req) => {
      pool.submitFiemap(a.fd, a.start, a.length, a.flags, a.count, req.priority, (errno, extents) =>
        errno === 0 ? done(null, extentsOf(extents as Float64Array)) : done(errnoError(errno, 'fiemap')),
      );
      return true;
    },
  }),
};
