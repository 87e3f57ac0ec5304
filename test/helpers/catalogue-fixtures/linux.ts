import * as fs from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { kNative } from '../backend.js';
import {
  absent,
  descriptor,
  enoent,
  type Fixture,
  file,
  kClosedFd,
  onFd,
  onPath,
  runs,
  text,
  unavailable,
} from './fixture.js';
import { nativeOnlyFixtures } from './native-only.js';

/**
 * The requests only the native backend makes: real system calls checked
 * against what the kernel then reports, or ENOSYS on node:fs.
 */
const native: Record<string, Fixture> = {
  seek: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `seek-${i}`, '0123456789');
      return {
        args: [d.fd, 4, 0],
        check(value) {
          const rest = Buffer.alloc(10);
          const n = fs.readSync(d.fd, rest, 0, 10, null);
          expect([value, rest.toString('latin1', 0, n)]).toEqual([4, '456789']);
        },
        cleanup: d.cleanup,
      };
    },
    onFd('lseek', [kClosedFd, 0, 0]),
  ),
  mknod: runs(
    null,
    (dir, i) => {
      const path = join(dir, `fifo-${i}`);
      return {
        args: [path, fs.constants.S_IFIFO | 0o600, 0],
        check(value) {
          const st = fs.lstatSync(path);
          expect([value, st.isFIFO(), st.mode & 0o777]).toEqual([undefined, true, 0o600]);
        },
        untouched: () => absent(path),
      };
    },
    (dir) => [
      {
        args: [join(dir, 'missing', 'fifo'), fs.constants.S_IFIFO | 0o600, 0],
        error: enoent('mknod', join(dir, 'missing', 'fifo')),
      },
    ],
  ),
  allocate: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `allocate-${i}`, '', 'w');
      return {
        args: [d.fd, 0, 0, 65536],
        check(value) {
          const st = fs.fstatSync(d.fd);
          // The kernel reserved the blocks: 512-byte units covering at least the 64 KiB asked for.
          expect([value, st.size, st.blocks >= 128]).toEqual([undefined, 65536, true]);
        },
        untouched: () => expect(fs.fstatSync(d.fd).size).toBe(0),
        cleanup: d.cleanup,
      };
    },
    onFd('fallocate', [kClosedFd, 0, 0, 1]),
  ),
  rename2: runs(
    null,
    (dir, i) => {
      const a = file(dir, `swap-a-${i}`, 'first');
      const b = file(dir, `swap-b-${i}`, 'second');
      return {
        args: [a, b, 2], // RENAME_EXCHANGE
        check: (value) => expect([value, text(a), text(b)]).toEqual([undefined, 'second', 'first']),
        untouched: () => expect([text(a), text(b)]).toEqual(['first', 'second']),
      };
    },
    (dir) => [
      {
        args: [join(dir, 'missing'), join(dir, 'other'), 1],
        error: enoent('rename', join(dir, 'missing'), join(dir, 'other')),
      },
    ],
  ),
  copyRange: runs(
    null,
    (dir, i) => {
      const input = descriptor(dir, `range-in-${i}`, '0123456789');
      const output = descriptor(dir, `range-out-${i}`, 'abcdef', 'r+');
      return {
        args: [input.fd, 3, output.fd, 2, 4],
        check: (n) => expect([n, text(output.path)]).toEqual([4, 'ab3456']),
        untouched: () => expect(text(output.path)).toBe('abcdef'),
        cleanup() {
          input.cleanup();
          output.cleanup();
        },
      };
    },
    onFd('copy_file_range', [kClosedFd, 0, kClosedFd, 0, 1]),
  ),
  sync: runs(null, () => ({ args: [], check: (value) => expect(value).toBeUndefined() }), null),
  syncfs: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `syncfs-${i}`, 'data');
      return { args: [d.fd], check: (value) => expect(value).toBeUndefined(), cleanup: d.cleanup };
    },
    onFd('syncfs', [kClosedFd]),
  ),
  syncFileRange: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `sfr-${i}`, 'data', 'r+');
      return { args: [d.fd, 0, 0, 2], check: (value) => expect(value).toBeUndefined(), cleanup: d.cleanup };
    },
    onFd('sync_file_range', [kClosedFd, 0, 0, 2]),
  ),
};

const onNodeFs: Record<string, Fixture> = {
  seek: unavailable('lseek', [0, 0, 0]),
  mknod: unavailable('mknod', ['never-made', 0o600, 0]),
  allocate: unavailable('fallocate', [0, 0, 0, 1]),
  rename2: unavailable('renameat2', ['never-a', 'never-b', 0]),
  copyRange: unavailable('copy_file_range', [0, 0, 1, 0, 1]),
  sync: unavailable('sync', []),
  syncfs: unavailable('syncfs', [0]),
  syncFileRange: unavailable('sync_file_range', [0, 0, 1, 0]),
};

/** The fixtures of the Linux-only requests for this run's backend. */
export const linuxFixtures: Record<string, Fixture> = kNative
  ? { ...native, ...nativeOnlyFixtures }
  : { ...onNodeFs, ...nativeOnlyFixtures };
void onPath;
