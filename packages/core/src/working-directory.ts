import { existsSync } from 'node:fs';
import { systemError } from './errors.js';

const kSlash = 0x2f;
/** Where the kernel shows the process's descriptors; `<this>/<fd>/name` resolves as openat(fd, name). */
export const kProcFd = '/proc/self/fd';

interface Held {
  fd: number;
  /** Closes the descriptor at once and gives it back to the budget it was counted against. */
  close: (fd: number) => void;
}

// Invariant: a wd is never closed by the garbage collector. A request holds the name
// `/proc/self/fd/N/rel`, not the wd, so a wd collected while such a request waits would close N
// under it, and the next open could reuse N: the request would then reach another directory.
// IO::AIO closes a wd on DESTROY because its requests hold the wd itself. A wd dropped without
// close() keeps its descriptor until the process exits: a leak, never a misdirected request.

let procFd: boolean | undefined;

/**
 * True where `/proc/self/fd` exists (Linux with procfs mounted), checked
 * once: names below `/proc/self/fd/<fd>/` are resolved by the kernel from
 * the open descriptor, as openat(fd, name) resolves them.
 */
export function hasProcFd(): boolean {
  procFd ??= existsSync(kProcFd);
  return procFd;
}

/** The directory open as `fd`, named through procfs, or null where there is no `/proc/self/fd`. */
export function procFdPath(fd: number): string | null {
  return hasProcFd() ? `${kProcFd}/${fd}` : null;
}

/** For tests: pretends `/proc/self/fd` is there or not (undefined: check again). */
export function setProcFdForTesting(value: boolean | undefined): void {
  procFd = value;
}

function isAbsolute(path: string | Buffer): boolean {
  return typeof path === 'string' ? path.startsWith('/') : path[0] === kSlash;
}

/** `''` or `'.'`: the directory itself. */
function isSelf(path: string | Buffer): boolean {
  if (typeof path === 'string') return path === '' || path === '.';
  return path.length === 0 || (path.length === 1 && path[0] === 0x2e);
}

/** `dir/name`; a Buffer name gives a Buffer, byte for byte. */
function join(dir: string | Buffer, name: string | Buffer): string | Buffer {
  if (typeof dir === 'string' && typeof name === 'string') return `${dir}/${name}`;
  return Buffer.concat([toBytes(dir), Buffer.from([kSlash]), toBytes(name)]);
}

function toBytes(path: string | Buffer): Buffer {
  return typeof path === 'string' ? Buffer.from(path) : path;
}

/**
 * A working directory, IO::AIO's IO::AIO::WD: an open descriptor on a
 * directory and its canonical absolute path, made by `aio.wd(path)`.
 * Wherever a method takes a path it also takes `wd` (the directory itself)
 * or `[wd, rel]`: a relative `rel` is resolved from the descriptor, so a
 * later rename of the directory is followed and `process.chdir()` changes
 * nothing; an absolute `rel` ignores the wd.
 *
 * Close it with `close()` (or `using wd = await aio.wd(path)`) once the
 * requests that use it have finished: its descriptor counts against the
 * context's `maxOpenFds` until then. One the program drops without
 * `close()` keeps its descriptor until the process exits (it is never
 * closed behind a request that still uses it).
 *
 * Platform: on Linux a relative `rel` becomes `/proc/self/fd/<fd>/<rel>`,
 * which the kernel resolves exactly as openat(fd, rel); where
 * `/proc/self/fd` does not exist it becomes the canonical path joined with
 * `rel`, and a rename of the directory is then not followed.
 *
 * Keep it open until the requests given it have finished: a request holds
 * the name it was given, not the wd, so a wd closed while they are queued
 * or running makes them fail with ENOENT, or reach whatever the number
 * names by then. Never close `fd` yourself:
 * `close()` would later close a number that may be someone else's.
 * @example
 * using etc = await aio.wd('/etc');
 * const st = await aio.stat([etc, 'passwd']);
 * @see IO::AIO aio_wd
 */
export class AioWorkingDirectory {
  /** The canonical absolute path, as resolved when the wd was made (a Buffer if the path given was one). */
  readonly path: string | Buffer;
  #held: Held | null;

  /** Made by `aio.wd()`, which opened `fd` and counted it; `close` closes it and gives it back to that count. */
  constructor(path: string | Buffer, fd: number, close: (fd: number) => void) {
    this.path = path;
    this.#held = { fd, close };
  }

  /** The open directory descriptor (to look at, as with `fs.fstatSync`); -1 once closed. */
  get fd(): number {
    return this.#held === null ? -1 : this.#held.fd;
  }

  /** True once `close()` ran. */
  get closed(): boolean {
    return this.#held === null;
  }

  /**
   * Closes the descriptor and gives it back to the context's descriptor
   * budget. Synchronous, and a no-op the second time.
   *
   * Perf: close(2) of a directory has no data to flush, so it runs here
   * rather than as a queued request; this is also what lets `using` (which
   * can wait for nothing) close it.
   */
  close(): void {
    const held = this.#held;
    if (held === null) return;
    this.#held = null;
    held.close(held.fd);
  }

  /**
   * `close()`, for `using wd = await aio.wd(path)` (TypeScript 5.2+, or a
   * runtime with `using`). Platform: Node defines `Symbol.dispose` from 20.4
   * on, below the 20.9 this package needs, so the key is always a symbol.
   */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * `rel` below the canonical path (an absolute `rel` as it is, `''` and
   * `'.'` the path itself): a name for messages and for storing, which does
   * not follow a rename of the directory. Works after `close()`.
   */
  resolve(rel: string | Buffer): string | Buffer {
    if (isAbsolute(rel)) return rel;
    return isSelf(rel) ? this.path : join(this.path, rel);
  }

  /**
   * The name a request is given for `rel`: an absolute `rel` as it is,
   * otherwise one the kernel resolves from the descriptor. Throws EBADF once
   * the wd is closed. `'.'` and `''` give `/proc/self/fd/<fd>/.`, the
   * directory itself even for lstat (the bare magic link is a symlink).
   */
  pathFor(rel: string | Buffer): string | Buffer {
    if (isAbsolute(rel)) return rel;
    const held = this.#held;
    if (held === null) throw systemError('EBADF', 'openat', String(this.resolve(rel)));
    if (!hasProcFd()) return this.resolve(rel);
    const base = `${kProcFd}/${held.fd}`;
    if (!isSelf(rel)) return join(base, rel);
    return typeof rel === 'string' ? `${base}/.` : Buffer.from(`${base}/.`);
  }
}
