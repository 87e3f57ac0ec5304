import { nativeInvalidArgType, nativeOutOfRange, nulInPathError } from './errors.js';

/** A path as the caller gave it, refused when it holds a NUL byte (C would stop reading there). */
export function checkPath(name: string, path: unknown): string | Uint8Array {
  if (typeof path === 'string') {
    if (path.includes('\u0000')) throw nulInPathError(name, path);
    return path;
  }
  if (path instanceof Uint8Array) {
    if (path.includes(0)) throw nulInPathError(name, path);
    return path;
  }
  throw nativeInvalidArgType(name, 'of type string or an instance of Buffer', path);
}

/** An IO::AIO priority (-4..4) as the addon stores it (0..8). */
export function checkPriority(priority: number): number {
  if ((priority | 0) !== priority || priority < -4 || priority > 4)
    throw nativeOutOfRange('priority', 'an integer from -4 to 4', priority);
  return priority + 4;
}

/** A file descriptor: a non-negative 32-bit integer. */
export function checkFd(name: string, fd: number): number {
  if ((fd | 0) !== fd || fd < 0) throw nativeOutOfRange(name, '>= 0 and <= 2147483647', fd);
  return fd;
}

/** offset and length must lie inside the buffer (C checks again). */
export function checkRange(buffer: ArrayBufferView, offset: number, length: number): void {
  if (!ArrayBuffer.isView(buffer))
    throw nativeInvalidArgType('buffer', 'an instance of Buffer or TypedArray', buffer);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > buffer.byteLength)
    throw nativeOutOfRange('offset', `>= 0 && <= ${buffer.byteLength}`, offset);
  if (!Number.isSafeInteger(length) || length < 0 || offset + length > buffer.byteLength)
    throw nativeOutOfRange('length', `>= 0 && <= ${buffer.byteLength - offset}`, length);
}

/** AT_FDCWD: a path relative to the process's working directory (IO::AIO without a wd). */
export const kAtFdcwd = -100;

/** A directory descriptor for an *at() call: a descriptor, or AT_FDCWD (-100). */
export function checkDirfd(name: string, fd: number): number {
  if (fd === kAtFdcwd) return fd;
  if ((fd | 0) !== fd || fd < 0)
    throw nativeOutOfRange(name, '>= 0 and <= 2147483647, or -100 (AT_FDCWD)', fd);
  return fd;
}

/** A 32-bit integer argument passed through to the kernel (flags, modes, commands). */
export function checkInt32(name: string, value: number): number {
  if ((value | 0) !== value) throw nativeOutOfRange(name, 'a 32-bit integer', value);
  return value;
}
