import { constants as fsConstants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js';
import { AioWorkingDirectory } from './working-directory.js';

/**
 * A working directory and a name relative to it (IO::AIO's `[$wd, $path]`):
 * an absolute name ignores the wd.
 */
export type WdPath = readonly [AioWorkingDirectory, string | Buffer];

/** A path as `node:fs` takes it: a string, a Buffer or a `file:` URL. */
export type FsPathLike = string | Buffer | URL;

/**
 * A path: a string, a Buffer or a `file:` URL as `node:fs` takes them; or
 * an {@link AioWorkingDirectory} (the directory itself) or `[wd, rel]`,
 * resolved from the wd's open descriptor.
 */
export type PathLike = FsPathLike | AioWorkingDirectory | WdPath;

/** Lowest request priority (IO::AIO's `aioreq_pri` range is -4..4). */
export const kMinPriority = -4;
/** Highest request priority (IO::AIO's `aioreq_pri` range is -4..4). */
export const kMaxPriority = 4;

const kMaxFd = 2 ** 31 - 1;

/**
 * Validates a path and returns it as `node:fs` wants it: a URL becomes a
 * string; a wd form becomes the name the kernel resolves from the wd's
 * descriptor (see {@link AioWorkingDirectory.pathFor}). A closed wd throws
 * EBADF.
 */
export function validatePath(value: unknown, name = 'path'): string | Buffer {
  return toPath(value, name, false);
}

/**
 * A symlink's target: a path as {@link validatePath} takes it, but a wd form
 * becomes the canonical path joined with `rel`, since a target is stored in
 * the link, not looked up now (a `/proc/self/fd` name would mean nothing later).
 */
export function validateLinkTarget(value: unknown, name = 'target'): string | Buffer {
  return toPath(value, name, true);
}

/** `stored`: a wd form is joined onto its canonical path rather than named through its descriptor. */
function toPath(value: unknown, name: string, stored: boolean): string | Buffer {
  // Perf: a string, the common case, goes straight to the null-byte check.
  if (typeof value !== 'string') {
    if (value instanceof AioWorkingDirectory)
      return wdPath(value, typeof value.path === 'string' ? '.' : kDot, stored);
    if (Array.isArray(value)) return validateWdPath(value, name, stored);
  }
  const path = plainPath(value, name);
  if (typeof path === 'string' ? path.includes('\u0000') : path.includes(0)) {
    throw invalidArgValue(name, value, 'must be a string, Uint8Array, or URL without null bytes');
  }
  return path;
}

const kPathTypes = 'of type string or an instance of Buffer, URL or AioWorkingDirectory, or [wd, path]';
const kDot = Buffer.from('.');

/** A string, Buffer, Uint8Array or `file:` URL, as `node:fs` wants it. */
function plainPath(value: unknown, name: string): string | Buffer {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (!(value instanceof URL)) throw invalidArgType(name, kPathTypes, value);
  if (value.protocol !== 'file:') {
    throw Object.assign(new TypeError('The URL must be of scheme file'), { code: 'ERR_INVALID_URL_SCHEME' });
  }
  return fileURLToPath(value);
}

/** `[wd, rel]`: a wd and a string or bytes without null bytes. */
function validateWdPath(value: unknown[], name: string, stored: boolean): string | Buffer {
  const [wd, rel] = value;
  if (value.length !== 2 || !(wd instanceof AioWorkingDirectory))
    throw invalidArgType(name, kPathTypes, value);
  if (typeof rel !== 'string' && !(rel instanceof Uint8Array))
    throw invalidArgType(`${name}[1]`, 'of type string or an instance of Buffer', rel);
  const bytes = typeof rel === 'string' ? rel : Buffer.from(rel.buffer, rel.byteOffset, rel.byteLength);
  if (typeof bytes === 'string' ? bytes.includes('\u0000') : bytes.includes(0)) {
    throw invalidArgValue(`${name}[1]`, rel, 'must be a string or Uint8Array without null bytes');
  }
  return wdPath(wd, bytes, stored);
}

function wdPath(wd: AioWorkingDirectory, rel: string | Buffer, stored: boolean): string | Buffer {
  return stored ? wd.resolve(rel) : wd.pathFor(rel);
}

/** Validates a file descriptor: an integer from 0 to 2^31 - 1. */
export function validateFd(value: unknown, name = 'fd'): number {
  return validateInteger(value, name, 0, kMaxFd);
}

/** A path, or a numeric descriptor for the `f*` variant of a call. */
export function validatePathOrFd(value: unknown, name = 'path'): string | Buffer | number {
  return typeof value === 'number' ? validateFd(value, 'fd') : validatePath(value, name);
}

/** Validates an integer within `[min, max]`. */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** A byte count or position: a non-negative safe integer. */
export function validateLength(value: unknown, name: string): number {
  return validateInteger(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** A file position, or `null` for the descriptor's current position. */
export function validatePosition(value: unknown, name = 'offset'): number | null {
  return value === null || value === undefined ? null : validateLength(value, name);
}

/** A byte buffer (any `ArrayBufferView`), returned as a Uint8Array view. */
export function validateBuffer(value: unknown, name = 'buffer'): NodeJS.ArrayBufferView {
  if (!ArrayBuffer.isView(value)) {
    throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', value);
  }
  return value as NodeJS.ArrayBufferView;
}

/**
 * The bytes a view holds now: 0 once its ArrayBuffer was detached (a
 * TypedArray says 0 then; a DataView's getter throws instead).
 */
export function viewByteLength(view: NodeJS.ArrayBufferView): number {
  try {
    return view.byteLength;
  } catch {
    return 0;
  }
}

/** Checks that `[offset, offset + length)` lies inside a buffer. */
export function validateBufferRange(buffer: NodeJS.ArrayBufferView, offset: number, length: number): void {
  const size = viewByteLength(buffer);
  if (offset > size) throw outOfRange('bufferOffset', `<= ${size}`, offset);
  if (length > size - offset) throw outOfRange('length', `<= ${size - offset}`, length);
}

/** Most bytes one read(2) or write(2) takes through `node:fs` (2 GiB - 1). */
export const kMaxIoBytes = 2 ** 31 - 1;

/** The length of one read or write: 0 to 2 GiB - 1, the most `node:fs` passes to one call. */
export function validateIoLength(value: unknown, name = 'length'): number {
  return validateInteger(value, name, 0, kMaxIoBytes);
}

/**
 * A length that starts at file position `start`: the range must end at a
 * safe integer, or a later step's position would be refused by `node:fs`
 * inside a callback, where nothing can catch it.
 */
export function validateRangeEnd(start: number, length: number, name = 'length'): number {
  if (length > Number.MAX_SAFE_INTEGER - start) {
    throw outOfRange(name, `<= ${Number.MAX_SAFE_INTEGER - start}`, length);
  }
  return length;
}

/** A permission mode: an integer or an octal string, as `node:fs` accepts. */
export function validateMode(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') {
    if (!/^[0-7]+$/.test(value))
      throw invalidArgValue(name, value, 'must be a 32-bit unsigned integer or an octal string');
    value = Number.parseInt(value, 8);
  }
  return validateInteger(value, name, 0, 0o7777);
}

const kFlags: Record<string, number> = {
  r: fsConstants.O_RDONLY,
  rs: fsConstants.O_RDONLY | fsConstants.O_SYNC,
  sr: fsConstants.O_RDONLY | fsConstants.O_SYNC,
  'r+': fsConstants.O_RDWR,
  'rs+': fsConstants.O_RDWR | fsConstants.O_SYNC,
  'sr+': fsConstants.O_RDWR | fsConstants.O_SYNC,
  w: fsConstants.O_TRUNC | fsConstants.O_CREAT | fsConstants.O_WRONLY,
  wx: fsConstants.O_TRUNC | fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_EXCL,
  xw: fsConstants.O_TRUNC | fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_EXCL,
  'w+': fsConstants.O_TRUNC | fsConstants.O_CREAT | fsConstants.O_RDWR,
  'wx+': fsConstants.O_TRUNC | fsConstants.O_CREAT | fsConstants.O_RDWR | fsConstants.O_EXCL,
  'xw+': fsConstants.O_TRUNC | fsConstants.O_CREAT | fsConstants.O_RDWR | fsConstants.O_EXCL,
  a: fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY,
  ax: fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_EXCL,
  xa: fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_EXCL,
  as: fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_SYNC,
  sa: fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_SYNC,
  'a+': fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_RDWR,
  'ax+': fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_RDWR | fsConstants.O_EXCL,
  'xa+': fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_RDWR | fsConstants.O_EXCL,
  'as+': fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_RDWR | fsConstants.O_SYNC,
  'sa+': fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_RDWR | fsConstants.O_SYNC,
};

/** Open flags: one of Node's flag strings or an `O_*` bit mask. */
export function validateOpenFlags(value: unknown): number {
  if (value === undefined || value === null) return fsConstants.O_RDONLY;
  if (typeof value === 'string') {
    const flags = kFlags[value];
    if (flags === undefined) throw invalidArgValue('flags', value, 'is invalid');
    return flags;
  }
  return validateInteger(value, 'flags', -(2 ** 31), 2 ** 31 - 1);
}

/**
 * A time for utime: seconds since the epoch (fractions allowed, as IO::AIO
 * takes them) or a Date. Returned in seconds, as `fs.utimes` takes numbers.
 */
export function validateTime(value: unknown, name: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw invalidArgValue(name, value, 'must be a valid Date');
    return ms / 1000;
  }
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number or an instance of Date', value);
  if (!Number.isFinite(value)) throw outOfRange(name, 'a finite number', value);
  return value;
}

/** An owner or group id for chown; `null`/`undefined`/-1 keep the current one. */
export function validateId(value: unknown, name: string): number {
  if (value === undefined || value === null) return -1;
  return validateInteger(value, name, -1, 2 ** 32 - 1);
}

export function validateFunction<F extends Function>(value: unknown, name: string): F {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F;
}

export function validateObject(value: unknown, name: string): object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value;
}

export function validateBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

export function validateSignal(value: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value;
}

/** A request priority, -4..4. */
export function validatePriority(value: unknown, name = 'options.priority'): number {
  if (value === undefined) return 0;
  return validateInteger(value, name, kMinPriority, kMaxPriority);
}

/** Names as strings in an encoding, or as Buffers (`'buffer'`). */
export type NameEncoding = BufferEncoding | 'buffer';

export function validateEncoding(value: unknown, name = 'options.encoding'): NameEncoding {
  if (value === undefined || value === null) return 'utf8';
  if (value === 'buffer' || (typeof value === 'string' && Buffer.isEncoding(value)))
    return value as NameEncoding;
  throw invalidArgValue(name, value, 'is invalid encoding');
}
