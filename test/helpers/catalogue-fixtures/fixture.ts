import * as fs from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { errorShape } from '../requests.js';

/** A descriptor number nobody here has open: fds are handed out lowest first, so it is never reused. */
export const kClosedFd = 2 ** 30;

/** One prepared call of an operation; its names carry `i`, so many instances share one directory. */
export interface Instance {
  /** The arguments before the options object. */
  args: unknown[];
  /** Asserts a normal outcome: the whole value (or the ENOSYS error) and the file system after it. */
  verify(err: unknown, value: unknown): void;
  /** Asserts the file system shows the operation never ran; null where a run leaves no trace there. */
  untouched: (() => void) | null;
  /** Closes what the instance still holds. */
  cleanup(): void;
}

export interface Failure {
  args: unknown[];
  /** The whole error shape: code, errno, syscall, path, dest. */
  error: Record<string, unknown>;
}

export interface Fixture {
  /** For the operations Node cannot do: the syscall their ENOSYS error names. */
  enosys: string | null;
  /** The node:fs function called synchronously when the request enters the pool; null if none. */
  starts: string | null;
  make(dir: string, i: number): Instance;
  /** A missing path (and a closed fd for fd forms); null for operations that cannot fail. */
  failures: ((dir: string) => Failure[]) | null;
}

interface Plain {
  args: unknown[];
  check(value: unknown): void;
  untouched?: () => void;
  cleanup?: () => void;
}

/** An operation that runs: success gives a value that `check` asserts whole. */
export function runs(
  starts: string | null,
  make: (dir: string, i: number) => Plain,
  failures: Fixture['failures'],
): Fixture {
  return {
    enosys: null,
    starts,
    failures,
    make(dir, i) {
      const p = make(dir, i);
      return {
        args: p.args,
        verify(err, value) {
          expect(err).toBeNull();
          p.check(value);
        },
        untouched: p.untouched ?? null,
        cleanup: p.cleanup ?? (() => {}),
      };
    },
  };
}

/** An operation Node cannot do: it rejects with ENOSYS naming `syscall`. */
export function unavailable(syscall: string, args: unknown[]): Fixture {
  return {
    enosys: syscall,
    starts: null,
    failures: null,
    make: () => ({
      args,
      verify(err, value) {
        expect(err).toBeInstanceOf(Error);
        expect(errorShape(err)).toEqual({ code: 'ENOSYS', errno: -constants.errno.ENOSYS, syscall });
        expect(value).toBeUndefined();
      },
      untouched: null,
      cleanup() {},
    }),
  };
}

export const enoent = (syscall: string, path: string, dest?: string) => ({
  code: 'ENOENT',
  errno: -constants.errno.ENOENT,
  syscall,
  path,
  dest,
});
export const ebadf = (syscall: string) => ({ code: 'EBADF', errno: -constants.errno.EBADF, syscall });

/** Failures of an operation on a path or an fd: a missing path, and a closed fd. */
export function pathOrFd(syscall: string, fdSyscall: string, rest: unknown[] = []) {
  return (dir: string): Failure[] => [
    { args: [join(dir, 'missing'), ...rest], error: enoent(syscall, join(dir, 'missing')) },
    { args: [kClosedFd, ...rest], error: ebadf(fdSyscall) },
  ];
}

/** The failure of an operation on a path: a missing one. */
export function onPath(syscall: string, rest: unknown[] = []) {
  return (dir: string): Failure[] => [
    { args: [join(dir, 'missing'), ...rest], error: enoent(syscall, join(dir, 'missing')) },
  ];
}

/** The failure of an fd-only operation: a closed fd. */
export function onFd(syscall: string, args: unknown[]) {
  return (): Failure[] => [{ args, error: ebadf(syscall) }];
}

/** Writes a file (optionally with a mode) and returns its path. */
export function file(dir: string, name: string, content: string | Buffer, mode?: number): string {
  const path = join(dir, name);
  fs.writeFileSync(path, content);
  if (mode !== undefined) fs.chmodSync(path, mode);
  return path;
}

/** An fd on a fresh file; `cleanup` closes it. */
export function descriptor(dir: string, name: string, content: string, flags = 'r') {
  const path = file(dir, name, content);
  const fd = fs.openSync(path, flags);
  return { path, fd, cleanup: () => fs.closeSync(fd) };
}

export const text = (path: string): string => fs.readFileSync(path, 'latin1');

export function absent(path: string): void {
  expect(fs.lstatSync(path, { throwIfNoEntry: false })).toBeUndefined();
}
