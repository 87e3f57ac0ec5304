import * as fs from 'node:fs';
import { join } from 'node:path';
import { READDIR_DENTS, READDIR_DIRS_FIRST } from '@ioaio/core';
import { expect } from 'vitest';
import { kNative } from '../backend.js';
import { descriptor, type Fixture, file, kClosedFd, onFd, onPath, runs, text } from './fixture.js';

/** Directories, data and special requests. */
export const dataFixtures: Record<string, Fixture> = {
  readdir: runs(
    'readdir',
    (dir, i) => {
      const path = join(dir, `readdir-${i}`);
      fs.mkdirSync(join(path, 'c'), { recursive: true });
      for (const name of ['b', 'a', '.hidden']) file(path, name, name);
      return {
        args: [path],
        check: (names) => expect([...(names as string[])].sort()).toEqual(['.hidden', 'a', 'b', 'c']),
      };
    },
    onPath('scandir'),
  ),
  readdirx: runs(
    'readdir',
    (dir, i) => {
      const path = join(dir, `readdirx-${i}`);
      fs.mkdirSync(join(path, 'sub'), { recursive: true });
      for (const name of ['f2', 'f1']) file(path, name, name);
      fs.symlinkSync('f1', join(path, 'ln'));
      return {
        args: [path, READDIR_DENTS | READDIR_DIRS_FIRST],
        check(value) {
          const { entries, flags } = value as { entries: { name: string }[]; flags: number };
          // Directories first; the others keep the file system's order, so they are compared sorted.
          const others = entries.slice(1).sort((x, y) => x.name.localeCompare(y.name));
          expect({ entries: [entries[0], ...others], flags }).toEqual({
            entries: [
              { name: 'sub', type: 'dir' },
              { name: 'f1', type: 'file' },
              { name: 'f2', type: 'file' },
              { name: 'ln', type: 'symlink' },
            ],
            flags: READDIR_DENTS | READDIR_DIRS_FIRST,
          });
        },
      };
    },
    onPath('scandir', [0]),
  ),
  sendfile: runs(
    'read',
    (dir, i) => {
      const input = descriptor(dir, `sendfile-in-${i}`, '0123456789');
      const output = descriptor(dir, `sendfile-out-${i}`, '', 'w');
      return {
        args: [output.fd, input.fd, 2, 5],
        check: (n) => expect([n, text(output.path)]).toEqual([5, '23456']),
        untouched: () => expect(text(output.path)).toBe(''),
        cleanup() {
          input.cleanup();
          output.cleanup();
        },
      };
    },
    // On node:fs emulated with reads and writes: the call that fails first is the read.
    onFd(kNative ? 'sendfile' : 'read', [kClosedFd, kClosedFd, 0, 1]),
  ),
  readahead: runs(
    'read',
    (dir, i) => {
      const { fd, cleanup } = descriptor(dir, `readahead-${i}`, '0123456789');
      return { args: [fd, 0, 10], check: (value) => expect(value).toBeUndefined(), cleanup };
    },
    onFd(kNative ? 'readahead' : 'read', [kClosedFd, 0, 1]),
  ),
  load: runs(
    'open',
    (dir, i) => {
      const content = Buffer.from([0, 0xff, 0xfe, 0x41, i, 0x0a]);
      const path = file(dir, `load-${i}`, content);
      return { args: [path], check: (data) => expect(data).toEqual(content) };
    },
    onPath('open'),
  ),
  slurp: runs(
    'open',
    (dir, i) => {
      const path = file(dir, `slurp-${i}`, `${i}:0123456789`);
      return { args: [path, -5, 2], check: (data) => expect(data).toEqual(Buffer.from('56')) };
    },
    onPath('open'),
  ),
  nop: runs(null, () => ({ args: [], check: (value) => expect(value).toBeUndefined() }), null),
  busy: runs(null, () => ({ args: [0], check: (value) => expect(value).toBeUndefined() }), null),
};
