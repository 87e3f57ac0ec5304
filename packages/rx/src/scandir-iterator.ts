import { fileURLToPath } from 'node:url';
import {
  type AioContext,
  type AioGroup,
  AioWorkingDirectory,
  aio as defaultAio,
  joinPath,
  operations,
  type PathBytes,
  type PathLike,
  type ScandirOptions,
  type ScandirResult,
  stripTrailingSlashes,
  type WalkEntry,
} from '@ioaio/core';

/**
 * Options of {@link scandirIterator}: those of the core scandir (`maxreq`,
 * `types`, `encoding`, `priority`, `signal`), less its callback, plus the
 * context to scan with.
 * @example
 * const options: ScandirIteratorOptions = { encoding: 'buffer', maxreq: 8 };
 */
export interface ScandirIteratorOptions extends Omit<ScandirOptions, 'callback' | 'encoding'> {
  /** `'buffer'` gives paths as Buffers, byte for byte. @default 'utf8' */
  encoding?: 'utf8' | 'buffer' | undefined;
  /**
   * The context whose queue the scan goes through.
   * @default the default context, `aio` of `@ioaio/core`
   */
  aio?: AioContext | undefined;
}

/**
 * The directory as entry paths start, in the form the names come in:
 * trailing slashes removed, a `file:` URL as its path. Only called once the
 * arguments were validated, so `dir` is a string, a byte array or a `file:` URL.
 */
function entryBase(dir: PathLike, buffers: boolean): PathBytes {
  const path = plainPath(dir);
  if (typeof path === 'string') return stripTrailingSlashes(buffers ? Buffer.from(path) : path);
  // Any byte array is a path, as core takes it; a view, not a copy.
  const bytes = Buffer.from(path.buffer, path.byteOffset, path.byteLength);
  return stripTrailingSlashes(buffers ? bytes : bytes.toString());
}

/** A path as a string or bytes: a URL's path, a wd's canonical path, or `[wd, rel]` joined onto it. */
function plainPath(dir: PathLike): string | Uint8Array {
  if (dir instanceof URL) return fileURLToPath(dir);
  if (dir instanceof AioWorkingDirectory) return dir.path;
  if (Array.isArray(dir)) return (dir[0] as AioWorkingDirectory).resolve(dir[1] as PathBytes);
  return dir as string | Uint8Array;
}

async function* scanEntries(
  scan: () => AioGroup<ScandirResult<PathBytes>>,
  base: PathBytes,
): AsyncGenerator<WalkEntry<PathBytes>, undefined, undefined> {
  const { dirs, nondirs } = await scan();
  for (const name of dirs) yield { path: joinPath(base, name), type: 'dir' };
  for (const name of nondirs) yield { path: joinPath(base, name), type: 'nondir' };
  return undefined;
}

/**
 * An async iterator over the entries of one directory, `{ path, type }` as
 * the tree walk gives them (`path` is the directory joined with the name;
 * `type` is `'dir'` for real subdirectories, `'nondir'` for everything else,
 * symlinks to directories included): first the directories, then the rest.
 *
 * It stands on `aio.scandir`, which delivers a directory's names at once, so
 * there is nothing to hold back: the whole listing is in memory while you
 * iterate. Nothing is queued until the first `next()`; invalid arguments
 * throw at the call. By the time a `for await` can `break`, the scan has
 * finished, so there is nothing left to cancel; to stop a scan still in
 * flight, abort its `signal`.
 *
 * @example
 * import { scandirIterator } from '@ioaio/rx';
 * for await (const { path, type } of scandirIterator('/etc')) {
 *   console.log(type === 'dir' ? `${path}/` : path);
 * }
 * @see IO::AIO aio_scandir
 */
export function scandirIterator(
  path: PathLike,
  options?: ScandirIteratorOptions & { encoding?: 'utf8' | undefined },
): AsyncGenerator<WalkEntry<string>, undefined, undefined>;
export function scandirIterator(
  path: PathLike,
  options: ScandirIteratorOptions & { encoding: 'buffer' },
): AsyncGenerator<WalkEntry<Buffer>, undefined, undefined>;
export function scandirIterator(
  path: PathLike,
  options?: ScandirIteratorOptions,
): AsyncGenerator<WalkEntry<PathBytes>, undefined, undefined> {
  const { aio = defaultAio, ...scanOptions } = options ?? {};
  operations.scandir.validate(path, scanOptions);
  const base = entryBase(path, scanOptions.encoding === 'buffer');
  return scanEntries(() => aio.scandir(path, scanOptions as ScandirOptions & { encoding?: 'utf8' }), base);
}
