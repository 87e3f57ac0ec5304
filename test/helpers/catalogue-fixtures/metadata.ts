import * as fs from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Fixture, file, pathOrFd, runs, text } from './fixture.js';

const times = (path: string) => ({ atimeMs: fs.statSync(path).atimeMs, mtimeMs: fs.statSync(path).mtimeMs });
const ids = (path: string) => ({ uid: fs.statSync(path).uid, gid: fs.statSync(path).gid });
const isRoot = process.getuid?.() === 0;

export const metadataFixtures: Record<string, Fixture> = {
  stat: runs(
    'stat',
    (dir, i) => {
      const path = file(dir, `stat-${i}`, '12345', 0o640);
      return {
        args: [path],
        check(st) {
          expect(st).toBeInstanceOf(fs.Stats);
          expect(st).toEqual(fs.statSync(path));
          expect(st).toMatchObject({ size: 5, mode: 0o100640 });
        },
      };
    },
    pathOrFd('stat', 'fstat'),
  ),
  lstat: runs(
    'lstat',
    (dir, i) => {
      const path = join(dir, `lstat-${i}`);
      fs.symlinkSync('nowhere', path);
      return {
        args: [path],
        check(st) {
          expect(st).toBeInstanceOf(fs.Stats);
          expect(st).toEqual(fs.lstatSync(path));
          expect([(st as fs.Stats).isSymbolicLink(), (st as fs.Stats).size]).toEqual([
            true,
            'nowhere'.length,
          ]);
        },
      };
    },
    pathOrFd('lstat', 'fstat'),
  ),
  statvfs: runs(
    'statfs',
    (dir) => ({
      args: [dir],
      check(st) {
        // bfree, bavail and ffree move with whatever else writes to the file system.
        const stable = ({ type, bsize, blocks, files }: fs.StatsFs) => ({ type, bsize, blocks, files });
        const now = fs.statfsSync(dir);
        expect(Object.keys(st as object)).toEqual(Object.keys(now));
        expect(stable(st as fs.StatsFs)).toEqual(stable(now));
      },
    }),
    pathOrFd('statfs', 'fstatfs'),
  ),
  utime: runs(
    'utimes',
    (dir, i) => {
      const path = file(dir, `utime-${i}`, 'x');
      fs.utimesSync(path, 100, 200);
      return {
        args: [path, 1_000_000_000.5, new Date(2_000_000_000_000)],
        check(value) {
          expect(value).toBeUndefined();
          expect(times(path)).toEqual({ atimeMs: 1_000_000_000_500, mtimeMs: 2_000_000_000_000 });
        },
        untouched: () => expect(times(path)).toEqual({ atimeMs: 100_000, mtimeMs: 200_000 }),
      };
    },
    pathOrFd('utime', 'futime', [1, 2]),
  ),
  chown: runs(
    'chown',
    (dir, i) => {
      const path = file(dir, `chown-${i}`, 'x');
      const before = ids(path);
      // Only root can give a file away; others can still chown to their own ids.
      const after = isRoot ? { uid: 1234, gid: 5678 } : before;
      return {
        args: [path, after.uid, after.gid],
        check(value) {
          expect(value).toBeUndefined();
          expect(ids(path)).toEqual(after);
        },
        ...(isRoot && { untouched: () => expect(ids(path)).toEqual(before) }),
      };
    },
    pathOrFd('chown', 'fchown', [-1, -1]),
  ),
  chmod: runs(
    'chmod',
    (dir, i) => {
      const path = file(dir, `chmod-${i}`, 'x', 0o600);
      return {
        args: [path, 0o751],
        check: (value) => expect([value, fs.statSync(path).mode]).toEqual([undefined, 0o100751]),
        untouched: () => expect(fs.statSync(path).mode).toBe(0o100600),
      };
    },
    pathOrFd('chmod', 'fchmod', [0o600]),
  ),
  truncate: runs(
    'truncate',
    (dir, i) => {
      const path = file(dir, `truncate-${i}`, 'abcdefgh');
      return {
        args: [path, 3],
        check: (value) => expect([value, text(path)]).toEqual([undefined, 'abc']),
        untouched: () => expect(text(path)).toBe('abcdefgh'),
      };
    },
    // Node's fs.truncate opens the path first: its own error names 'open'.
    pathOrFd('open', 'ftruncate', [1]),
  ),
};
