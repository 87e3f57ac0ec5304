import type { BigIntStats } from 'node:fs';
import { fsCpError, systemErrorWithDetail } from '../errors.js';
import { shownPath } from './copytree-paths.js';

/** The syscall every error of copytree's own names. */
export const kCopytreeSyscall = 'copytree';

const kRefusals = {
  EEXIST: 'file already exists',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many symbolic links encountered',
} as const;

/** A kind of entry copytree does not copy. */
export type Special = 'fifo' | 'socket' | 'block' | 'char';

/**
 * A refusal of copytree's own, worded as libuv words the code.
 * @example copytreeRefusal('ENOTEMPTY', 'dst'); // ENOTEMPTY: directory not empty, copytree 'dst'
 */
export function copytreeRefusal(code: keyof typeof kRefusals, raw: string): Error {
  return systemErrorWithDetail(code, kRefusals[code], kCopytreeSyscall, shownPath(raw));
}

/**
 * The refusal of a copy into the source itself, worded as `fs.cp` words it.
 * @example intoItselfError('a', 'a/b'); // ERR_FS_CP_EINVAL
 */
export function intoItselfError(srcRaw: string, dstRaw: string): Error {
  const [src, dst] = [shownPath(srcRaw), shownPath(dstRaw)];
  return fsCpError(
    'ERR_FS_CP_EINVAL',
    kCopytreeSyscall,
    `cannot copy ${src} to a subdirectory of self ${dst}`,
    src,
    dst,
  );
}

/**
 * The error for an entry that is no file, directory or symlink, as `fs.cp` words it.
 * @example specialError('fifo', 'src/pipe'); // ERR_FS_CP_FIFO_PIPE
 */
export function specialError(type: Special, raw: string): Error {
  const path = shownPath(raw);
  if (type === 'fifo')
    return fsCpError('ERR_FS_CP_FIFO_PIPE', kCopytreeSyscall, `src is a FIFO pipe: ${path}`, path);
  if (type === 'socket')
    return fsCpError('ERR_FS_CP_SOCKET', kCopytreeSyscall, `src is a socket: ${path}`, path);
  return fsCpError('ERR_FS_CP_UNKNOWN', kCopytreeSyscall, `src is a ${type} device: ${path}`, path);
}

/**
 * The kind of a stat'ed entry that is no file, directory or symlink.
 * @example specialOf(await aio.lstat('/dev/null', { bigint: true })); // 'char'
 */
export function specialOf(st: BigIntStats): Special {
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return st.isBlockDevice() ? 'block' : 'char';
}
