import { getSystemErrorMap, inspect } from 'node:util';

/** An error shaped as node:fs makes it for a failed system call. */
export interface NativeSystemError extends Error {
  errno: number;
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

let systemErrors: Map<number, [string, string]> | undefined;

/**
 * Turns a negative errno from the addon into the error node:fs would throw for the same
 * failure: same message, `errno`, `code`, `syscall`, `path` and `dest`.
 * @example nativeError(-2, 'stat', '/nope') // ENOENT: no such file or directory, stat '/nope'
 */
export function nativeError(errno: number, syscall: string, path?: string, dest?: string): NativeSystemError {
  systemErrors ??= getSystemErrorMap();
  const [code, detail] = systemErrors.get(errno) ?? [`Unknown system error ${errno}`, 'unknown error'];
  let message = `${code}: ${detail}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const error = new Error(message) as NativeSystemError;
  error.errno = errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) error.dest = dest;
  return error;
}

type CodedError<E extends Error> = E & { code: string };

/** The TypeError node:fs throws for a path with a NUL byte (C would stop reading at it). */
export function nulInPathError(name: string, value: unknown): CodedError<TypeError> {
  const error = new TypeError(
    `The argument '${name}' must be a string, Uint8Array, or URL without null bytes. Received ${inspect(value)}`,
  ) as CodedError<TypeError>;
  error.code = 'ERR_INVALID_ARG_VALUE';
  return error;
}

/** Bad argument type, as Node reports it. */
export function nativeInvalidArgType(name: string, expected: string, actual: unknown): CodedError<TypeError> {
  const error = new TypeError(
    `The "${name}" argument must be ${expected}. Received ${inspect(actual)}`,
  ) as CodedError<TypeError>;
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

/** Argument out of its range, as Node reports it. */
export function nativeOutOfRange(name: string, range: string, actual: unknown): CodedError<RangeError> {
  const error = new RangeError(
    `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(actual)}`,
  ) as CodedError<RangeError>;
  error.code = 'ERR_OUT_OF_RANGE';
  return error;
}

/** A value of the right type that the call cannot take, as Node reports it. */
export function nativeInvalidArgValue(name: string, value: unknown, reason: string): CodedError<TypeError> {
  const error = new TypeError(
    `The argument '${name}' ${reason}. Received ${inspect(value)}`,
  ) as CodedError<TypeError>;
  error.code = 'ERR_INVALID_ARG_VALUE';
  return error;
}
