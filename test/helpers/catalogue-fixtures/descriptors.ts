import * as fs from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { absent, descriptor, type Fixture, kClosedFd, onFd, onPath, runs, text } from './fixture.js';

/** Reads from a descriptor's current position to the end. */
function rest(fd: number): string {
  const buffer = Buffer.alloc(64);
  return buffer.toString('latin1', 0, fs.readSync(fd, buffer, 0, 64, null));
}

export const descriptorFixtures: Record<string, Fixture> = {
  open: runs(
    'open',
    (dir, i) => {
      const path = join(dir, `open-${i}`);
      return {
        args: [path, 'wx', 0o640],
        check(fd) {
          expect(Number.isInteger(fd)).toBe(true);
          const st = fs.fstatSync(fd as number);
          fs.closeSync(fd as number);
          expect({ ino: st.ino, mode: st.mode, size: st.size }).toEqual({
            ino: fs.statSync(path).ino,
            mode: 0o100640,
            size: 0,
          });
        },
        untouched: () => absent(path),
      };
    },
    onPath('open', ['r']),
  ),
  close: runs(
    'close',
    (dir, i) => {
      const { fd } = descriptor(dir, `close-${i}`, 'x');
      let open = true;
      return {
        args: [fd],
        check(value) {
          open = false;
          expect(value).toBeUndefined();
          expect(() => fs.fstatSync(fd)).toThrow(/EBADF/);
        },
        untouched: () => expect(fs.fstatSync(fd).size).toBe(1),
        cleanup: () => open && fs.closeSync(fd),
      };
    },
    onFd('close', [kClosedFd]),
  ),
  read: runs(
    'read',
    (dir, i) => {
      const { fd, cleanup } = descriptor(dir, `read-${i}`, 'abcdefgh');
      const buffer = Buffer.alloc(6, '.');
      return {
        // Offset null reads at the file position and moves it: a trace the abort tests can see.
        args: [fd, null, 4, buffer, 1],
        check: (n) => expect([n, buffer.toString('latin1'), rest(fd)]).toEqual([4, '.abcd.', 'efgh']),
        untouched: () => expect([buffer.toString('latin1'), rest(fd)]).toEqual(['......', 'abcdefgh']),
        cleanup,
      };
    },
    onFd('read', [kClosedFd, null, 1, Buffer.alloc(1)]),
  ),
  write: runs(
    'write',
    (dir, i) => {
      const { path, fd, cleanup } = descriptor(dir, `write-${i}`, '--------', 'r+');
      return {
        args: [fd, 2, 3, Buffer.from('xABCx'), 1],
        check: (n) => expect([n, text(path)]).toEqual([3, '--ABC---']),
        untouched: () => expect(text(path)).toBe('--------'),
        cleanup,
      };
    },
    onFd('write', [kClosedFd, null, 1, Buffer.alloc(1)]),
  ),
  fsync: runs(
    'fsync',
    (dir, i) => {
      const { fd, cleanup } = descriptor(dir, `fsync-${i}`, 'data');
      return { args: [fd], check: (value) => expect(value).toBeUndefined(), cleanup };
    },
    onFd('fsync', [kClosedFd]),
  ),
  fdatasync: runs(
    'fdatasync',
    (dir, i) => {
      const { fd, cleanup } = descriptor(dir, `fdatasync-${i}`, 'data');
      return { args: [fd], check: (value) => expect(value).toBeUndefined(), cleanup };
    },
    onFd('fdatasync', [kClosedFd]),
  ),
};
