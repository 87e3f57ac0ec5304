import * as fs from 'node:fs';
import type { NativePoolLike } from '../native-pool.js';
import { single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import {
  type NameEncoding,
  type PathLike,
  validateEncoding,
  validateLinkTarget,
  validateMode,
  validatePath,
} from '../validate.js';
import { voidResult } from './native-results.js';

/** Options of the requests that return names. */
export interface NameOptions<T> extends RequestOptions<T> {
  /** `'buffer'` returns names byte for byte, for names that are not valid UTF-8. @default 'utf8' */
  encoding?: NameEncoding | undefined;
}

export interface PathPair {
  from: string | Buffer;
  to: string | Buffer;
}

function pair(from: unknown, fromName: string, to: unknown, toName: string): PathPair {
  return { from: validatePath(from, fromName), to: validatePath(to, toName) };
}

export interface NamedPath {
  path: string | Buffer;
  options: { encoding: NameEncoding };
}

const kEncodings = new Map<NameEncoding, { encoding: NameEncoding }>();

/** One frozen options object per encoding, shared by every request. */
export function encodingOptions(options: { encoding?: unknown } | undefined): { encoding: NameEncoding } {
  const encoding = validateEncoding(options?.encoding);
  let shared = kEncodings.get(encoding);
  if (shared === undefined) {
    shared = Object.freeze({ encoding });
    kEncodings.set(encoding, shared);
  }
  return shared;
}

function named(path: unknown, options: { encoding?: unknown } | undefined): NamedPath {
  return { path: validatePath(path), options: encodingOptions(options) };
}

function unlinkNative(
  pool: NativePoolLike,
  path: string | Buffer,
  done: Done<void>,
  req: RunningRequest,
): boolean {
  pool.submitUnlink(path, req.priority, voidResult(done, 'unlink', path));
  return true;
}

function rmdirNative(
  pool: NativePoolLike,
  path: string | Buffer,
  done: Done<void>,
  req: RunningRequest,
): boolean {
  pool.submitRmdir(path, req.priority, voidResult(done, 'rmdir', path));
  return true;
}

function mkdirNative(
  pool: NativePoolLike,
  a: { path: string | Buffer; mode: number },
  done: Done<void>,
  req: RunningRequest,
): boolean {
  pool.submitMkdir(a.path, a.mode, req.priority, voidResult(done, 'mkdir', a.path));
  return true;
}

/** Requests on names in directories. */
export const nameOperations = {
  /**
   * Removes a name (not a directory).
   * @see IO::AIO aio_unlink
   */
  unlink: single({
    perl: 'aio_unlink',
    syscall: 'unlink',
    optsIndex: 1,
    prepare: (path: PathLike, _options?: RequestOptions<void>) => validatePath(path),
    run: (path, done: Done<void>) => fs.unlink(path, done),
    native: unlinkNative,
  }),

  /**
   * Removes an empty directory.
   * @see IO::AIO aio_rmdir
   */
  rmdir: single({
    perl: 'aio_rmdir',
    syscall: 'rmdir',
    optsIndex: 1,
    prepare: (path: PathLike, _options?: RequestOptions<void>) => validatePath(path),
    run: (path, done: Done<void>) => fs.rmdir(path, done),
    native: rmdirNative,
  }),

  /**
   * Creates a directory with `mode` (before the umask).
   * @see IO::AIO aio_mkdir
   */
  mkdir: single({
    perl: 'aio_mkdir',
    syscall: 'mkdir',
    optsIndex: 2,
    prepare: (path: PathLike, mode?: number | string | null, _options?: RequestOptions<void>) => ({
      path: validatePath(path),
      mode: validateMode(mode, 'mode', 0o777),
    }),
    run: (a, done: Done<void>) => fs.mkdir(a.path, a.mode, (err) => done(err)),
    native: mkdirNative,
  }),

  /**
   * Makes a hard link `dst` to `src`.
   * @see IO::AIO aio_link
   */
  link: single({
    perl: 'aio_link',
    syscall: 'link',
    optsIndex: 2,
    prepare: (src: PathLike, dst: PathLike, _options?: RequestOptions<void>) => pair(src, 'src', dst, 'dst'),
    run: (a, done: Done<void>) => fs.link(a.from, a.to, done),
  }),

  /**
   * Makes a symlink at `path` whose content is `target`.
   * @see IO::AIO aio_symlink
   */
  symlink: single({
    perl: 'aio_symlink',
    syscall: 'symlink',
    optsIndex: 2,
    prepare: (target: PathLike, path: PathLike, _options?: RequestOptions<void>): PathPair => ({
      from: validateLinkTarget(target),
      to: validatePath(path, 'path'),
    }),
    run: (a, done: Done<void>) => fs.symlink(a.from, a.to, done),
  }),

  /**
   * Resolves with a symlink's content.
   * @see IO::AIO aio_readlink
   */
  readlink: single({
    perl: 'aio_readlink',
    syscall: 'readlink',
    optsIndex: 1,
    prepare: (path: PathLike, options?: NameOptions<string | Buffer>) => named(path, options),
    run: (a: NamedPath, done: Done<string>) => fs.readlink(a.path, a.options as fs.EncodingOption, done),
  }),

  /**
   * Resolves with the canonical absolute path (the C library's realpath).
   * @see IO::AIO aio_realpath
   */
  realpath: single({
    perl: 'aio_realpath',
    syscall: 'realpath',
    optsIndex: 1,
    prepare: (path: PathLike, options?: NameOptions<string | Buffer>) => named(path, options),
    run: (a: NamedPath, done: Done<string>) =>
      fs.realpath.native(a.path, a.options as fs.EncodingOption, done),
  }),

  /**
   * Renames `src` to `dst`, replacing `dst`.
   * @see IO::AIO aio_rename
   */
  rename: single({
    perl: 'aio_rename',
    syscall: 'rename',
    optsIndex: 2,
    prepare: (src: PathLike, dst: PathLike, _options?: RequestOptions<void>) => pair(src, 'src', dst, 'dst'),
    run: (a, done: Done<void>) => fs.rename(a.from, a.to, done),
  }),
};
