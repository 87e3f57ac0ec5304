import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { expectedTimes, kept, makeSource, untouched } from '../../helpers/file-facts.js';
import { shmDir } from '../../helpers/shm.js';
import { cancelAfterSteps } from '../../helpers/step.js';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';

/** The fields of a refusal a caller relies on, or `{ resolved: true }`. */
function refusalOf(req: PromiseLike<unknown>): Promise<Record<string, unknown>> {
  return Promise.resolve(req).then(
    () => ({ resolved: true }),
    (err: Record<string, unknown>) => ({
      name: err.name,
      code: err.code,
      errno: err.errno,
      syscall: err.syscall,
      path: err.path,
      dest: err.dest,
    }),
  );
}

/** A directory on /dev/shm and one on disk, or a reason to skip when they are one file system. */
function twoDevices(): { from: string; to: string } | string {
  const from = shmDir();
  const to = tempDir();
  if (from === null) return 'no /dev/shm on this host: cannot move across file systems';
  if (statSync(from).dev === statSync(to).dev) return `/dev/shm and ${to} are one device: no EXDEV`;
  return { from, to };
}

describe('move', () => {
  test('on one file system renames: content, mode and times kept, source gone', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    const ino = statSync(join(dir, 'src')).ino;
    await expect(createAio().move(join(dir, 'src'), join(dir, 'dst'))).resolves.toBeUndefined();
    expect(kept(join(dir, 'dst'))).toEqual({ data, mode: 0o640, ...expectedTimes });
    expect([statSync(join(dir, 'dst')).ino, listTree(dir)]).toEqual([ino, ['dst']]);
  });

  test('across file systems (/dev/shm to disk) copies, keeps content, mode and mtime, then removes the source', async ({
    skip,
  }) => {
    const dirs = twoDevices();
    if (typeof dirs === 'string') return skip(dirs);
    const data = makeSource(join(dirs.from, 'src'), 0o604);
    const ctx = createAio();
    const fds = openFdCount();
    await expect(ctx.move(join(dirs.from, 'src'), join(dirs.to, 'dst'))).resolves.toBeUndefined();
    expect(kept(join(dirs.to, 'dst'))).toEqual({ data, mode: 0o604, ...expectedTimes });
    expect([listTree(dirs.from), listTree(dirs.to), openFdCount(), ctx.nreqs]).toEqual([[], ['dst'], fds, 0]);
  });

  test('across file systems into a missing directory rejects with ENOENT and keeps the source', async ({
    skip,
  }) => {
    const dirs = twoDevices();
    if (typeof dirs === 'string') return skip(dirs);
    const data = makeSource(join(dirs.from, 'src'));
    await expect(
      createAio().move(join(dirs.from, 'src'), join(dirs.to, 'missing', 'dst')),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect([{ ...kept(join(dirs.from, 'src')), atimeMs: 0 }, listTree(dirs.to)]).toEqual([
      { data, mode: 0o640, ...expectedTimes, atimeMs: 0 },
      [],
    ]);
  });

  test('a missing source rejects with ENOENT from its lstat and creates nothing', async () => {
    const dir = tempDir();
    await expect(createAio().move(join(dir, 'missing'), join(dir, 'dst'))).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'lstat',
      path: join(dir, 'missing'),
    });
    expect(listTree(dir)).toEqual([]);
  });
});

describe('move refuses before anything changes', () => {
  test('a directory onto an existing file across file systems: EISDIR, the file and the directory intact', async ({
    skip,
  }) => {
    const dirs = twoDevices();
    if (typeof dirs === 'string') return skip(dirs);
    mkdirSync(join(dirs.from, 'dir'));
    writeFileSync(join(dirs.from, 'dir', 'inside'), 'in the directory');
    writeFileSync(join(dirs.to, 'file'), 'existing file');
    const before = untouched(join(dirs.to, 'file'));
    expect(await refusalOf(createAio().move(join(dirs.from, 'dir'), join(dirs.to, 'file')))).toEqual({
      name: 'Error',
      code: 'EISDIR',
      errno: -21,
      syscall: 'rename',
      path: join(dirs.from, 'dir'),
      dest: join(dirs.to, 'file'),
    });
    expect([untouched(join(dirs.to, 'file')), listTree(dirs.to), listTree(dirs.from)]).toEqual([
      before,
      ['file'],
      ['dir/', 'dir/inside'],
    ]);
  });

  test('a directory on one file system: EISDIR (IO::AIO moves files only), nothing renamed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'dir'));
    expect(await refusalOf(createAio().move(join(dir, 'dir'), join(dir, 'elsewhere')))).toMatchObject({
      code: 'EISDIR',
      syscall: 'rename',
    });
    expect(listTree(dir)).toEqual(['dir/']);
  });

  test('a file onto a directory: EISDIR, the directory untouched', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    mkdirSync(join(dir, 'dst'));
    expect(await refusalOf(createAio().move(join(dir, 'src'), join(dir, 'dst')))).toMatchObject({
      code: 'EISDIR',
      path: join(dir, 'src'),
      dest: join(dir, 'dst'),
    });
    expect(listTree(dir)).toEqual(['dst/', 'src']);
  });

  test('a symlink or a FIFO as src: refused by type (ERR_FS_CP_UNKNOWN, ERR_FS_CP_FIFO_PIPE), both left in place', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'target'), 'target');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const ctx = createAio();
    const link = await refusalOf(ctx.move(join(dir, 'link'), join(dir, 'moved-link')));
    const fifo = await refusalOf(ctx.move(join(dir, 'fifo'), join(dir, 'moved-fifo')));
    expect([link, fifo]).toEqual([
      {
        name: 'SystemError',
        code: 'ERR_FS_CP_UNKNOWN',
        errno: 22,
        syscall: 'rename',
        path: join(dir, 'link'),
        dest: undefined,
      },
      {
        name: 'SystemError',
        code: 'ERR_FS_CP_FIFO_PIPE',
        errno: 22,
        syscall: 'rename',
        path: join(dir, 'fifo'),
        dest: undefined,
      },
    ]);
    expect(listTree(dir)).toEqual(['fifo', 'link', 'target']);
  });

  test('a FIFO as dst: ERR_FS_CP_FIFO_PIPE, src and the FIFO stay', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    execFileSync('mkfifo', [join(dir, 'dst')]);
    expect(await refusalOf(createAio().move(join(dir, 'src'), join(dir, 'dst')))).toMatchObject({
      code: 'ERR_FS_CP_FIFO_PIPE',
      path: join(dir, 'dst'),
    });
    expect([lstatSync(join(dir, 'dst')).isFIFO(), listTree(dir)]).toEqual([true, ['dst', 'src']]);
  });

  test('src and dst hard links of one file: ERR_FS_CP_EINVAL, both names kept', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    linkSync(join(dir, 'src'), join(dir, 'dst'));
    const before = untouched(join(dir, 'src'));
    expect(await refusalOf(createAio().move(join(dir, 'src'), join(dir, 'dst')))).toEqual({
      name: 'SystemError',
      code: 'ERR_FS_CP_EINVAL',
      errno: 22,
      syscall: 'rename',
      path: join(dir, 'src'),
      dest: join(dir, 'dst'),
    });
    expect([untouched(join(dir, 'src')), untouched(join(dir, 'dst')), listTree(dir)]).toEqual([
      before,
      before,
      ['dst', 'src'],
    ]);
  });

  test('dst a symlink to src across file systems: ERR_FS_CP_EINVAL, src and its bytes survive', async ({
    skip,
  }) => {
    const dirs = twoDevices();
    if (typeof dirs === 'string') return skip(dirs);
    makeSource(join(dirs.from, 'src'));
    symlinkSync(join(dirs.from, 'src'), join(dirs.to, 'link'));
    const before = untouched(join(dirs.from, 'src'));
    expect(await refusalOf(createAio().move(join(dirs.from, 'src'), join(dirs.to, 'link')))).toMatchObject({
      code: 'ERR_FS_CP_EINVAL',
    });
    expect([untouched(join(dirs.from, 'src')), lstatSync(join(dirs.to, 'link')).isSymbolicLink()]).toEqual([
      before,
      true,
    ]);
  });
});

describe('move across file systems replaces, never writes through', () => {
  test('dst a symlink to an unrelated file: the link becomes the moved file, the unrelated file is unchanged', async ({
    skip,
  }) => {
    const dirs = twoDevices();
    if (typeof dirs === 'string') return skip(dirs);
    const data = makeSource(join(dirs.from, 'src'));
    writeFileSync(join(dirs.to, 'unrelated'), 'not yours');
    symlinkSync(join(dirs.to, 'unrelated'), join(dirs.to, 'dst'));
    const before = untouched(join(dirs.to, 'unrelated'));
    await createAio().move(join(dirs.from, 'src'), join(dirs.to, 'dst'));
    expect([lstatSync(join(dirs.to, 'dst')).isFile(), kept(join(dirs.to, 'dst')).data]).toEqual([true, data]);
    expect([untouched(join(dirs.to, 'unrelated')), listTree(dirs.to), listTree(dirs.from)]).toEqual([
      before,
      ['dst', 'unrelated'],
      [],
    ]);
  });
});

describe('move cancelled after each of its steps', () => {
  test('across file systems keeps the source until the copy is in place', async ({ skip }) => {
    const dirs = twoDevices();
    if (typeof dirs === 'string') return skip(dirs);
    const { from, to } = dirs;
    const fds = openFdCount();
    const seen: string[] = [];
    for (let k = 0; ; k++) {
      const data = makeSource(join(from, 'src'), 0o640);
      const ctx = createAio({ maxParallel: 0 });
      const outcome = await cancelAfterSteps(ctx, () => ctx.move(join(from, 'src'), join(to, 'dst')), k);
      const source = existsSync(join(from, 'src')) ? 'source' : 'no-source';
      const dst = existsSync(join(to, 'dst'))
        ? kept(join(to, 'dst')).data === data
          ? 'complete'
          : 'other'
        : 'absent';
      seen.push(`${outcome}:${source}:${dst}`);
      // No temporary file is ever left beside dst.
      expect({ k, fds: openFdCount(), nreqs: ctx.nreqs, listing: listTree(to) }).toEqual({
        k,
        fds,
        nreqs: 0,
        listing: dst === 'absent' ? [] : ['dst'],
      });
      if (outcome === 'resolved') break;
      rmSync(join(to, 'dst'), { force: true });
      rmSync(join(from, 'src'), { force: true });
    }
    // Steps: lstat src, lstat dst, rename (EXDEV), the eleven requests of copy (its own lstat of dst
    // included), unlink src. Cancelled before copy's rename was issued, nothing is in place and the
    // source stays; once it is issued (after step 13) the move is committed and finishes: src unlinked.
    expect(seen).toEqual([
      ...Array<string>(13).fill('AbortError:source:absent'),
      'resolved:no-source:complete',
    ]);
  });
});
