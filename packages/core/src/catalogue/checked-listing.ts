import * as fs from 'node:fs';
import { errnoError, systemError } from '../errors.js';
import type { NativeDirents, NativePoolLike } from '../native-pool.js';
import { single } from '../operation.js';
import type { Done, RunningRequest } from '../request.js';
import { procFdPath } from '../working-directory.js';
import { type DirEntry, direntType, nativeDirentType } from './directories.js';
import { direntsResult } from './native-results.js';

/** What a tree walk asks of one directory scan. */
export interface CheckedListingArgs {
  /** The directory's path, as raw bytes. */
  readonly path: Buffer;
  /** Refuse a symlink as the last component (ELOOP): the name was listed as a real directory. */
  readonly nofollow: boolean;
  /** The directory it was listed in (its `..` must be that one), or -1 for none to check. */
  readonly parentDev: number;
  readonly parentIno: number;
}

/** A listing of a directory known to be the one that was listed, with its own identity for its children. */
export interface CheckedListing {
  /** Names as latin1 strings (one character per byte), types as readdir gave them. */
  readonly entries: DirEntry<string>[];
  /** Some type was unknown (a file system without d_type). */
  readonly unknown: boolean;
  readonly dev: number;
  readonly ino: number;
}

const kOpenFlags = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY;

/** The error a checked scan reports, whichever step met it: the walk's `scandir`, on the path given. */
function scanError(err: NodeJS.ErrnoException, path: Buffer): NodeJS.ErrnoException {
  return errnoError(err.errno ?? -1, 'scandir', path.toString());
}

/** Some component of the path was swapped since the listing that named it: not the directory listed. */
function swapped(path: Buffer): NodeJS.ErrnoException {
  return systemError('ENOENT', 'scandir', path.toString());
}

/** node:fs: open (O_NOFOLLOW when asked) → fstat → the parent's check → readdir through the descriptor → close. */
function runChecked(a: CheckedListingArgs, done: Done<CheckedListing>): void {
  const flags = kOpenFlags | (a.nofollow ? fs.constants.O_NOFOLLOW : 0);
  fs.open(a.path, flags, (err, fd) => {
    if (err !== null) return done(scanError(err, a.path));
    const finish = (error: NodeJS.ErrnoException | null, listing?: CheckedListing): void =>
      fs.close(fd, () => (error === null ? done(null, listing as CheckedListing) : done(error)));
    fs.fstat(fd, (serr, own) => {
      if (serr !== null) return finish(scanError(serr, a.path));
      const read = (): void => readThrough(fd, a.path, own, finish);
      // Platform: `/proc/self/fd/N` names the directory held by N, so its `..` and its entries
      // are read through the descriptor (Node has no fstatat/fdopendir). Without procfs the
      // parent is not checked and the listing is read by path.
      const held = procFdPath(fd);
      if (a.parentDev < 0 || held === null) return read();
      fs.stat(`${held}/..`, (perr, up) => {
        if (perr !== null) return finish(scanError(perr, a.path));
        if (up.dev !== a.parentDev || up.ino !== a.parentIno) return finish(swapped(a.path));
        read();
      });
    });
  });
}

function readThrough(
  fd: number,
  path: Buffer,
  own: fs.Stats,
  finish: (error: NodeJS.ErrnoException | null, listing?: CheckedListing) => void,
): void {
  const where = procFdPath(fd) ?? path;
  fs.readdir(where, { withFileTypes: true, encoding: 'latin1' }, (err, dirents) => {
    if (err !== null) return finish(scanError(err, path));
    let unknown = false;
    const entries: DirEntry<string>[] = new Array(dirents.length);
    for (let i = 0; i < dirents.length; i++) {
      const d = dirents[i] as fs.Dirent<string>;
      const type = direntType(d);
      if (type === 'unknown') unknown = true;
      entries[i] = { name: d.name, type };
    }
    finish(null, { entries, unknown, dev: own.dev, ino: own.ino });
  });
}

/** The pool's listing ends with `.` (its inode) and `..` (its device): the directory's identity. */
function fromNative(d: NativeDirents): CheckedListing {
  const n = d.names.length - 2;
  let unknown = false;
  const entries: DirEntry<string>[] = new Array(Math.max(0, n));
  for (let i = 0; i < n; i++) {
    const type = nativeDirentType(d.types[i] as number);
    if (type === 'unknown') unknown = true;
    entries[i] = { name: d.names[i] as string, type };
  }
  return { entries, unknown, ino: d.inos[n] as number, dev: d.inos[n + 1] as number };
}

function runCheckedNative(
  pool: NativePoolLike,
  a: CheckedListingArgs,
  done: Done<CheckedListing>,
  req: RunningRequest,
): boolean {
  const listed: Done<NativeDirents> = (err, d) =>
    err === null ? done(null, fromNative(d as NativeDirents)) : done(err);
  pool.submitReaddirChecked(
    a.path,
    a.nofollow,
    a.parentDev,
    a.parentIno,
    req.priority,
    direntsResult(listed, a.path),
    'latin1',
  );
  return true;
}

/**
 * A walk's scan of one directory that cannot be redirected: the name listed as a directory is
 * opened without following a symlink, and its `..` must be the directory it was listed in, so a
 * directory (or any directory above it) swapped for a symlink after the listing fails the scan
 * (ELOOP, or ENOENT) instead of reading somewhere else. Not a method of the context: the walk
 * runs it as its own step.
 */
export const checkedListing = single({
  perl: null,
  syscall: 'scandir',
  optsIndex: 1,
  prepare: (a: CheckedListingArgs) => a,
  run: (a: CheckedListingArgs, done: Done<CheckedListing>) => runChecked(a, done),
  native: runCheckedNative,
});
