import { constants as osConstants } from 'node:os';
import { getSystemErrorMap, inspect } from 'node:util';

/**
 * The error a cancelled request rejects with, shaped as Node's fs makes it:
 * `name === 'AbortError'`, `code === 'ABORT_ERR'`, `cause` the reason given.
 *
 * @example
 * try { await aio.stat(path, { signal }); } catch (err) { if (err instanceof AbortError) … }
 */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A Node-style error with an `ERR_*` code, as `node:internal/errors` builds them. */
export type CodedError<E extends Error = Error> = E & { code: string };

function coded<E extends Error>(error: E, code: string): CodedError<E> {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  // Node prints these as `TypeError [ERR_X]: message`; the stack's first line follows suit.
  if (typeof error.stack === 'string') {
    error.stack = error.stack.replace(error.name, `${error.name} [${code}]`);
  }
  return error as CodedError<E>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `an instance of ${name}` : inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/** `TypeError [ERR_INVALID_ARG_TYPE]`, worded as Node words it. */
export function invalidArgType(name: string, expected: string, actual: unknown): CodedError<TypeError> {
  return coded(
    new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `TypeError [ERR_INVALID_ARG_VALUE]` (for example a path with a NUL byte). */
export function invalidArgValue(name: string, value: unknown, reason: string): CodedError<TypeError> {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return coded(new TypeError(`The argument '${name}' ${reason}. Received ${shown}`), 'ERR_INVALID_ARG_VALUE');
}

/** `RangeError [ERR_OUT_OF_RANGE]`. */
export function outOfRange(name: string, range: string, actual: unknown): CodedError<RangeError> {
  return coded(
    new RangeError(
      `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(actual)}`,
    ),
    'ERR_OUT_OF_RANGE',
  );
}

/** An error of the library itself, with an `ERR_AIO_*` code. */
export function aioError(code: `ERR_AIO_${string}`, message: string): CodedError<Error> {
  return coded(new Error(message), code);
}

/** The fields Node's system errors carry (`ErrnoException`). */
export interface SystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
  dest?: string;
}

const kSystemMessages: Record<string, string> = {
  ENOSYS: 'function not implemented',
  EBADF: 'bad file descriptor',
  EINVAL: 'invalid argument',
  ENOTDIR: 'not a directory',
};

/**
 * A system error shaped exactly as `node:fs` shapes one (`code`, `errno` as
 * Node's negative number, `syscall`, and `path` when there is one).
 */
export function systemError(
  code: keyof typeof osConstants.errno,
  syscall: string,
  path?: string,
): SystemError {
  const errno = -(osConstants.errno[code] ?? 0);
  const detail = kSystemMessages[code] ?? code;
  const where = path === undefined ? syscall : `${syscall} '${path}'`;
  const error = new Error(`${code}: ${detail}, ${where}`) as SystemError;
  error.errno = errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  return error;
}

/** True for the error cancellation produces (ours or Node's own). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'ABORT_ERR';
}

/**
 * `RangeError [ERR_BUFFER_OUT_OF_BOUNDS]`: a read or write whose buffer no
 * longer holds its range when the request starts, because the ArrayBuffer
 * was detached (transferred) or shrunk while the request was queued.
 */
export function bufferOutOfBounds(syscall: string, end: number, available: number): CodedError<RangeError> {
  return coded(
    new RangeError(
      `Attempt to access memory outside buffer bounds: ${syscall} needs ${end} bytes of its buffer, ` +
        `which holds ${available} now (detached or shrunk while the request was queued)`,
    ),
    'ERR_BUFFER_OUT_OF_BOUNDS',
  );
}

/** The error `notRegularFile` makes: an `ERR_AIO_*` code with a system error's `syscall` and `path`. */
export type NotRegularFileError = CodedError<Error> & { syscall: string; path: string };

/**
 * `Error [ERR_AIO_NOT_REGULAR_FILE]`: a request that reads a whole file
 * (load, slurp) refused a FIFO, a device or a socket, whose reading could
 * block a pool thread or never end. `kind` says what the path is.
 */
export function notRegularFile(syscall: string, path: string, kind: string): NotRegularFileError {
  const error = coded(
    new Error(`'${path}' is ${kind}, not a regular file: only regular files are read whole`),
    'ERR_AIO_NOT_REGULAR_FILE',
  ) as NotRegularFileError;
  error.syscall = syscall;
  error.path = path;
  return error;
}

/** Codes of Node's `fs.cp` refusals that copy and move reuse. */
export type FsCpCode = 'ERR_FS_CP_EINVAL' | 'ERR_FS_CP_FIFO_PIPE' | 'ERR_FS_CP_SOCKET' | 'ERR_FS_CP_UNKNOWN';

const kFsCpPrefixes: Record<FsCpCode, string> = {
  ERR_FS_CP_EINVAL: 'Invalid src or dest',
  ERR_FS_CP_FIFO_PIPE: 'Cannot copy a FIFO pipe',
  ERR_FS_CP_SOCKET: 'Cannot copy a socket file',
  ERR_FS_CP_UNKNOWN: 'Cannot copy an unknown file type',
};

/**
 * A refusal shaped as Node's `fs.cp` shapes its own: a `SystemError` with an
 * `ERR_FS_CP_*` code, `errno` EINVAL (positive, as Node sets it), `syscall`,
 * `path` (the file refused), `dest` when two files are named, and `info`.
 */
export function fsCpError(
  code: FsCpCode,
  syscall: string,
  reason: string,
  path: string,
  dest?: string,
): SystemError & { info: Record<string, unknown> } {
  const errno = osConstants.errno.EINVAL;
  const message = `${kFsCpPrefixes[code]}: ${syscall} returned EINVAL (${reason}) ${path}`;
  const error = coded(new Error(message), code) as SystemError & { info: Record<string, unknown> };
  error.name = 'SystemError';
  if (typeof error.stack === 'string') error.stack = error.stack.replace(/^Error/, 'SystemError');
  error.info = { message: reason, path, syscall, errno, code: 'EINVAL' };
  error.errno = errno;
  error.syscall = syscall;
  error.path = path;
  if (dest !== undefined) error.dest = dest;
  return error;
}

/**
 * A system error about two paths, worded as `fs.rename` and `fs.copyFile`
 * word theirs: `EISDIR: illegal operation on a directory, rename 'a' -> 'b'`.
 */
export function systemErrorPair(
  code: keyof typeof osConstants.errno,
  detail: string,
  syscall: string,
  path: string,
  dest: string,
): SystemError {
  const error = new Error(`${code}: ${detail}, ${syscall} '${path}' -> '${dest}'`) as SystemError;
  error.errno = -(osConstants.errno[code] ?? 0);
  error.code = code;
  error.syscall = syscall;
  error.path = path;
  error.dest = dest;
  return error;
}

/** `ERR_AIO_GROUP_FINISHED`: a member or a hold given to a group that has finished. */
export function groupFinished(): CodedError<Error> {
  return aioError('ERR_AIO_GROUP_FINISHED', 'Cannot add to a group that has finished');
}

/** `ERR_AIO_GROUP_CYCLE`: a group added to itself or to one of its own members. */
export function groupCycle(): CodedError<Error> {
  return aioError('ERR_AIO_GROUP_CYCLE', 'A group cannot contain itself, directly or through its members');
}

/** `ERR_AIO_GROUP_MEMBER`: a request that already belongs to a group. */
export function groupMember(): CodedError<Error> {
  return aioError('ERR_AIO_GROUP_MEMBER', 'The request already belongs to a group');
}

/** What a group rejects with when member failures were left to it. */
export function groupFailure(errors: unknown[]): AggregateError {
  return new AggregateError(errors, `${errors.length} member(s) of the group failed`);
}

/** What a group collects for a promise-like member that rejected with no reason. */
export function rejectedWithoutReason(): Error {
  return new Error('A group member rejected without a reason');
}

/** `TypeError [ERR_INVALID_THIS]`: a method called without its object (`const { stat } = aio`). */
export function invalidThis(type: string): CodedError<TypeError> {
  return coded(new TypeError(`Value of "this" must be of type ${type}`), 'ERR_INVALID_THIS');
}

/**
 * `RangeError [ERR_FS_FILE_TOO_LARGE]`: a whole-file read (load, slurp)
 * would need one Buffer of more than `max` bytes, the limit `fs.readFile`
 * keeps on every Node version. `bytes` says how much was asked for: a
 * count, or "at least N" when the end of the file was not known yet.
 */
export function fileTooLarge(bytes: string, max: number): CodedError<RangeError> {
  return coded(
    new RangeError(
      `File range (${bytes} bytes) is greater than ${max} bytes, the most load and slurp read into one Buffer`,
    ),
    'ERR_FS_FILE_TOO_LARGE',
  );
}

/**
 * A system error about one path, worded as libuv words it (`ENOTEMPTY:
 * directory not empty, copytree 'dst'`), for refusals no system call made
 * (a composite's own checks).
 */
export function systemErrorWithDetail(
  code: keyof typeof osConstants.errno,
  detail: string,
  syscall: string,
  path: string,
): SystemError {
  const error = systemError(code, syscall, path);
  error.message = `${code}: ${detail}, ${syscall} '${path}'`;
  return error;
}

let systemErrorMap: Map<number, [string, string]> | undefined;

/**
 * The error `node:fs` builds for a failed system call from its negative
 * errno: same message, `errno`, `code`, `syscall`, `path` and `dest`.
 * @example errnoError(-2, 'stat', '/nope') // ENOENT: no such file or directory, stat '/nope'
 */
export function errnoError(errno: number, syscall: string, path?: string, dest?: string): SystemError {
  systemErrorMap ??= getSystemErrorMap();
  const [code, detail] = systemErrorMap.get(errno) ?? [`Unknown system error ${errno}`, 'unknown error'];
  let message = `${code}: ${detail}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const error = new Error(message) as SystemError & { dest?: string };
  error.errno = errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) error.dest = dest;
  return error;
}

/** `ERR_AIO_BACKEND_UNAVAILABLE`: the native backend was asked for and cannot run here. */
export function backendUnavailable(reason: string): CodedError<Error> {
  return aioError('ERR_AIO_BACKEND_UNAVAILABLE', `The native backend cannot run here: ${reason}`);
}
