import * as fs from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { absent, enoent, type Fixture, file, onPath, runs, text } from './fixture.js';

export const nameFixtures: Record<string, Fixture> = {
  unlink: runs(
    'unlink',
    (dir, i) => {
      const path = file(dir, `unlink-${i}`, 'x');
      return {
        args: [path],
        check(value) {
          expect(value).toBeUndefined();
          absent(path);
        },
        untouched: () => expect(text(path)).toBe('x'),
      };
    },
    onPath('unlink'),
  ),
  rmdir: runs(
    'rmdir',
    (dir, i) => {
      const path = join(dir, `rmdir-${i}`);
      fs.mkdirSync(path);
      return {
        args: [path],
        check(value) {
          expect(value).toBeUndefined();
          absent(path);
        },
        untouched: () => expect(fs.statSync(path).isDirectory()).toBe(true),
      };
    },
    onPath('rmdir'),
  ),
  mkdir: runs(
    'mkdir',
    (dir, i) => {
      const path = join(dir, `mkdir-${i}`);
      return {
        args: [path, 0o750],
        check: (value) => expect([value, fs.statSync(path).mode]).toEqual([undefined, 0o40750]),
        untouched: () => absent(path),
      };
    },
    (dir) => [{ args: [join(dir, 'missing', 'sub')], error: enoent('mkdir', join(dir, 'missing', 'sub')) }],
  ),
  link: runs(
    'link',
    (dir, i) => {
      const src = file(dir, `link-src-${i}`, 'linked');
      const dst = join(dir, `link-dst-${i}`);
      return {
        args: [src, dst],
        check(value) {
          const st = fs.statSync(dst);
          expect([value, st.ino, st.nlink, text(dst)]).toEqual([
            undefined,
            fs.statSync(src).ino,
            2,
            'linked',
          ]);
        },
        untouched: () => absent(dst),
      };
    },
    (dir) => [
      {
        args: [join(dir, 'missing'), join(dir, 'dst')],
        error: enoent('link', join(dir, 'missing'), join(dir, 'dst')),
      },
    ],
  ),
  symlink: runs(
    'symlink',
    (dir, i) => {
      const path = join(dir, `symlink-${i}`);
      return {
        args: [`some/target-${i}`, path],
        check: (value) => expect([value, fs.readlinkSync(path)]).toEqual([undefined, `some/target-${i}`]),
        untouched: () => absent(path),
      };
    },
    (dir) => [
      {
        args: ['target', join(dir, 'missing', 'link')],
        error: enoent('symlink', 'target', join(dir, 'missing', 'link')),
      },
    ],
  ),
  readlink: runs(
    'readlink',
    (dir, i) => {
      const path = join(dir, `readlink-${i}`);
      fs.symlinkSync(`the/target-${i}`, path);
      return { args: [path], check: (value) => expect(value).toBe(`the/target-${i}`) };
    },
    onPath('readlink'),
  ),
  realpath: runs(
    'realpath.native',
    (dir, i) => {
      fs.mkdirSync(join(dir, `real-${i}`));
      fs.symlinkSync(`real-${i}`, join(dir, `alias-${i}`));
      return {
        args: [join(dir, `alias-${i}`)],
        // The temp dir itself may sit behind a symlink (macOS /tmp).
        check: (value) => expect(value).toBe(join(fs.realpathSync.native(dir), `real-${i}`)),
      };
    },
    onPath('realpath'),
  ),
  rename: runs(
    'rename',
    (dir, i) => {
      const src = file(dir, `rename-src-${i}`, `moved-${i}`);
      const dst = join(dir, `rename-dst-${i}`);
      return {
        args: [src, dst],
        check(value) {
          expect([value, text(dst)]).toEqual([undefined, `moved-${i}`]);
          absent(src);
        },
        untouched() {
          expect(text(src)).toBe(`moved-${i}`);
          absent(dst);
        },
      };
    },
    (dir) => [
      {
        args: [join(dir, 'missing'), join(dir, 'dst')],
        error: enoent('rename', join(dir, 'missing'), join(dir, 'dst')),
      },
    ],
  ),
};
