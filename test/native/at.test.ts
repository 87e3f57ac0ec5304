import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NativeDirents, NativePool } from '../../packages/native/src/index.js';
import { kAt, statsFrom } from '../../packages/native/src/index.js';
import type { NativeStats } from '../../packages/native/src/stats.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, result, statFields, unavailable } from './native.js';

afterEach(closePools);

const { errno } = osConstants;
const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) closeSync(fd);
});

/** A directory descriptor (closed after the test). */
function dirFd(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  opened.push(fd);
  return fd;
}

/**
 * A directory `old` under a fresh temporary root, opened, then renamed to `moved`: a
 * request relative to the descriptor must act in `moved`, which a path-based wd cannot do.
 */
function movedDir(): { root: string; dirfd: number; moved: string } {
  const root = tempDir();
  mkdirSync(join(root, 'old'));
  const dirfd = dirFd(join(root, 'old'));
  renameSync(join(root, 'old'), join(root, 'moved'));
  return { root, dirfd, moved: join(root, 'moved') };
}

function statAt(
  p: NativePool,
  dirfd: number,
  path: string,
  flags: number,
): Promise<[number, NativeStats | undefined]> {
  return new Promise((resolve) =>
    p.submitStatAt(dirfd, path, flags, 0, (e, f, base) => resolve([e, e ? undefined : statsFrom(f, base)])),
  );
}

function readdirAt(
  p: NativePool,
  dirfd: number,
  path: string,
  flags: number,
): Promise<[number, NativeDirents | undefined]> {
  return new Promise((resolve) => p.submitReaddirAt(dirfd, path, flags, 0, (e, d) => resolve([e, d])));
}

describe.skipIf(unavailable !== undefined)('native *at() requests on a directory descriptor', () => {
  it('openat creates a file in the directory the descriptor names, even after that directory moved', async () => {
    const { dirfd, moved, root } = movedDir();
    const p = pool();
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    const [e, fd] = await result((cb) => p.submitOpenAt(dirfd, 'made', flags, 0o600, 0, cb));
    const written = await result((cb) => p.submitWrite(fd, Buffer.from('in moved'), 0, 8, 0, 0, cb));
    closeSync(fd);
    expect({
      e,
      written,
      content: readFileSync(join(moved, 'made'), 'utf8'),
      oldExists: existsSync(join(root, 'old')),
    }).toEqual({
      e: 0,
      written: [0, 8],
      content: 'in moved',
      oldExists: false,
    });
  });

  it('fstatat follows a final symlink, or not with AT_SYMLINK_NOFOLLOW, and AT_EMPTY_PATH stats the directory itself', async () => {
    const { dirfd, moved } = movedDir();
    writeFileSync(join(moved, 'file'), 'twelve bytes');
    symlinkSync('file', join(moved, 'link'));
    const p = pool();
    const [e1, followed] = await statAt(p, dirfd, 'link', 0);
    const [e2, link] = await statAt(p, dirfd, 'link', kAt.symlinkNofollow);
    const [e3, self] = await statAt(p, dirfd, '', kAt.emptyPath);
    const [e4] = await statAt(p, dirfd, 'missing', 0);
    expect([e1, e2, e3, e4]).toEqual([0, 0, 0, -errno.ENOENT]);
    expect(statFields(followed!)).toEqual(statFields(statSync(join(moved, 'file'))));
    expect(statFields(link!)).toEqual(statFields(lstatSync(join(moved, 'link'))));
    expect(statFields(self!)).toEqual(statFields(statSync(moved)));
  });

  it('unlinkat removes a file, a directory only with AT_REMOVEDIR, and refuses a directory without it', async () => {
    const { dirfd, moved } = movedDir();
    writeFileSync(join(moved, 'file'), '');
    mkdirSync(join(moved, 'sub'));
    const p = pool();
    const file = await result((cb) => p.submitUnlinkAt(dirfd, 'file', 0, 0, cb));
    const dirWithout = await result((cb) => p.submitUnlinkAt(dirfd, 'sub', 0, 0, cb));
    const dirWith = await result((cb) => p.submitUnlinkAt(dirfd, 'sub', kAt.removedir, 0, cb));
    expect({
      file,
      dirWithout,
      dirWith,
      left: existsSync(join(moved, 'file')) || existsSync(join(moved, 'sub')),
    }).toEqual({
      file: [0, 0],
      dirWithout: [-errno.EISDIR, 0],
      dirWith: [0, 0],
      left: false,
    });
  });

  it('mkdirat, mknodat and utimensat act relative to the descriptor, to the nanosecond', async () => {
    const { dirfd, moved } = movedDir();
    const p = pool();
    const made = await result((cb) => p.submitMkdirAt(dirfd, 'd', 0o750, 0, cb));
    const fifo = await result((cb) => p.submitMknodAt(dirfd, 'd/fifo', constants.S_IFIFO | 0o600, 0, 0, cb));
    const times = { atimeSec: 1_100_000_000, atimeNsec: 1, mtimeSec: 1_200_000_000, mtimeNsec: 999_999_999 };
    const touched = await result((cb) => p.submitUtimeAt(dirfd, 'd/fifo', times, 0, 0, cb));
    const st = statSync(join(moved, 'd', 'fifo'), { bigint: true });
    expect({
      made,
      fifo,
      touched,
      dirMode: statSync(join(moved, 'd')).mode & 0o777,
      isFifo: st.isFIFO(),
      ns: [st.atimeNs, st.mtimeNs],
    }).toEqual({
      made: [0, 0],
      fifo: [0, 0],
      touched: [0, 0],
      dirMode: 0o750 & ~process.umask(),
      isFifo: true,
      ns: [1_100_000_000_000_000_001n, 1_200_000_000_999_999_999n],
    });
  });

  it('renameat2 moves a name between two directory descriptors, flags included', async () => {
    const a = movedDir();
    const b = movedDir();
    writeFileSync(join(a.moved, 'x'), 'from a');
    writeFileSync(join(b.moved, 'y'), 'from b');
    const p = pool();
    const exchanged = await result((cb) => p.submitRenameAt2(a.dirfd, 'x', b.dirfd, 'y', 2, 0, cb));
    const refused = await result((cb) => p.submitRenameAt2(a.dirfd, 'x', b.dirfd, 'y', 1, 0, cb));
    const moved = await result((cb) => p.submitRenameAt2(a.dirfd, 'x', b.dirfd, 'z', 0, 0, cb));
    expect({
      exchanged,
      refused,
      moved,
      y: readFileSync(join(b.moved, 'y'), 'utf8'),
      z: readFileSync(join(b.moved, 'z'), 'utf8'),
      xLeft: existsSync(join(a.moved, 'x')),
    }).toEqual({
      exchanged: [0, 0],
      refused: [-errno.EEXIST, 0],
      moved: [0, 0],
      y: 'from a',
      z: 'from b',
      xLeft: false,
    });
  });

  it('readdir of a path relative to a descriptor lists that directory with d_type and inodes', async () => {
    const { dirfd, moved } = movedDir();
    mkdirSync(join(moved, 'sub'));
    writeFileSync(join(moved, 'sub', 'f'), '');
    mkdirSync(join(moved, 'sub', 'g'));
    const p = pool();
    const [e, d] = await readdirAt(p, dirfd, 'sub', 0);
    const [e2] = await readdirAt(p, dirfd, 'sub/f', 0);
    const seen = d!.names.map((n, i) => [n, d!.types[i], d!.inos[i]]).sort();
    expect([e, e2, seen]).toEqual([
      0,
      -errno.ENOTDIR,
      [
        ['f', 8, lstatSync(join(moved, 'sub', 'f')).ino],
        ['g', 4, lstatSync(join(moved, 'sub', 'g')).ino],
      ],
    ]);
  });

  it('AT_FDCWD (-100) resolves a relative path against the working directory, as the plain requests do', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'here'), 'abc');
    const rel = relative(process.cwd(), join(dir, 'here'));
    const p = pool();
    const [e, st] = await statAt(p, kAt.fdcwd, rel, 0);
    expect([e, st!.size, st!.ino]).toEqual([0, 3, statSync(join(dir, 'here')).ino]);
  });

  it('refuses a bad directory descriptor or flags synchronously, with Node’s codes', () => {
    const p = pool();
    const codes = [
      () => p.submitStatAt(-1, 'x', 0, 0, () => {}),
      () => p.submitOpenAt(1.5, 'x', 0, 0, 0, () => {}),
      () => p.submitUnlinkAt(3, 'x', 2 ** 32, 0, () => {}),
      () => p.submitRenameAt2(3, 'x', -2, 'y', 0, 0, () => {}),
      () => p.submitMkdirAt(3, 'a\u0000b', 0o700, 0, () => {}),
    ].map((f) => {
      try {
        f();
        return 'no throw';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(codes).toEqual([
      'ERR_OUT_OF_RANGE',
      'ERR_OUT_OF_RANGE',
      'ERR_OUT_OF_RANGE',
      'ERR_OUT_OF_RANGE',
      'ERR_INVALID_ARG_VALUE',
    ]);
    expect(p.counters().nreqs).toBe(0);
  });
});
