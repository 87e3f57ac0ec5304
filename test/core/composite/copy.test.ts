import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import {
  digest,
  expectedTimes,
  kAtime,
  kept,
  kMtime,
  makeSource,
  untouched,
} from '../../helpers/file-facts.js';
import { traversable } from '../../helpers/shm.js';
import { cancelAfterSteps, stepOne } from '../../helpers/step.js';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';
import { canDropPrivileges, kNobody, runUnprivileged } from '../../helpers/unprivileged.js';

/** The name of copy's temporary file beside a destination called `dst`. */
const kTempName = /^\.dst\.[0-9a-f]{12}\.ioaio-tmp$/;

/** A character device node like /dev/null (major 1, minor 3), mode 0o666; null where mknod is refused. */
function makeNullDevice(path: string): string | null {
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  chmodSync(path, 0o666);
  return path;
}

/** Runs `make` and returns `path`, the name it made. */
function made(path: string, make: () => void): string {
  make();
  return path;
}

/** The fields of a refusal a caller relies on. */
function shape(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown>;
  return { name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest };
}

async function refusalOf(req: PromiseLike<unknown>): Promise<Record<string, unknown>> {
  return Promise.resolve(req).then(
    () => ({ resolved: true }),
    (err: unknown) => shape(err),
  );
}

describe('copy', () => {
  test('keeps content, mode and times', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'), 0o640);
    const ctx = createAio();
    const fds = openFdCount();
    await expect(ctx.copy(join(dir, 'src'), join(dir, 'dst'))).resolves.toBeUndefined();
    expect(kept(join(dir, 'dst'))).toEqual({ data, mode: 0o640, ...expectedTimes });
    // Reading the source may update its atime (relatime); the rest is untouched.
    expect({ ...kept(join(dir, 'src')), atimeMs: 0 }).toEqual({
      data,
      mode: 0o640,
      ...expectedTimes,
      atimeMs: 0,
    });
    expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([['dst', 'src'], fds, 0]);
  });

  test('keeps an unusual mode (0o4751) and copies an empty file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty'), '');
    chmodSync(join(dir, 'empty'), 0o4751);
    utimesSync(join(dir, 'empty'), kAtime, kMtime);
    await createAio().copy(join(dir, 'empty'), join(dir, 'dst'));
    expect(kept(join(dir, 'dst'))).toEqual({ data: digest(Buffer.alloc(0)), mode: 0o4751, ...expectedTimes });
  });

  test('replaces an existing destination atomically: a hard link to the old one keeps the old content', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    const old = randomBytes(1024 * 1024);
    writeFileSync(join(dir, 'dst'), old);
    linkSync(join(dir, 'dst'), join(dir, 'old-link'));
    const oldIno = statSync(join(dir, 'dst')).ino;
    await createAio().copy(join(dir, 'src'), join(dir, 'dst'));
    expect(kept(join(dir, 'dst'))).toEqual({ data, mode: 0o640, ...expectedTimes });
    expect({
      replaced: statSync(join(dir, 'dst')).ino !== oldIno,
      link: digest(readFileSync(join(dir, 'old-link'))),
      listing: listTree(dir),
    }).toEqual({ replaced: true, link: digest(old), listing: ['dst', 'old-link', 'src'] });
  });

  test('names given as bytes (not valid UTF-8) and a 255-byte destination name', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    const raw = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0x64, 0xff, 0xfe])]);
    const long = join(dir, 'd'.repeat(255));
    const ctx = createAio();
    await ctx.copy(join(dir, 'src'), raw);
    await ctx.copy(join(dir, 'src'), long);
    expect([digest(readFileSync(raw)), kept(long).data]).toEqual([data, data]);
    expect(
      readdirSync(dir, { encoding: 'buffer' })
        .map((n) => n.toString('hex'))
        .sort(),
    ).toEqual(
      [Buffer.from([0x64, 0xff, 0xfe]), Buffer.from('d'.repeat(255)), Buffer.from('src')]
        .map((n) => n.toString('hex'))
        .sort(),
    );
  });

  test('an already aborted signal: rejects with AbortError and creates nothing', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    const ctx = createAio();
    const fds = openFdCount();
    await expect(
      ctx.copy(join(dir, 'src'), join(dir, 'dst'), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    await ctx.flush();
    expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([['src'], fds, 0]);
  });

  test('a missing source rejects with ENOENT and creates nothing', async () => {
    const dir = tempDir();
    const ctx = createAio();
    const fds = openFdCount();
    await expect(ctx.copy(join(dir, 'missing'), join(dir, 'dst'))).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'open',
      path: join(dir, 'missing'),
    });
    expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([[], fds, 0]);
  });

  test('into a directory without write permission fails with EACCES and leaves no file (as uid 65534)', ({
    skip,
  }) => {
    if (!canDropPrivileges()) skip('needs root to run the copy as another user');
    const dir = traversable(tempDir());
    makeSource(join(dir, 'src'), 0o644);
    mkdirSync(join(dir, 'locked'), 0o555);
    const child = runUnprivileged(`
      const { readdirSync } = await import('node:fs');
      const fds = () => readdirSync('/proc/self/fd').length;
      const ctx = core.createAio();
      const before = fds();
      let error = null;
      try {
        await ctx.copy(${JSON.stringify(join(dir, 'src'))}, ${JSON.stringify(join(dir, 'locked', 'dst'))});
      } catch (err) {
        error = { code: err.code, syscall: err.syscall, path: err.path };
      }
      console.log(JSON.stringify({ uid: process.getuid(), error, fdsLeaked: fds() - before, nreqs: ctx.nreqs }));
    `);
    expect(child.stderr).toBe('');
    // The file refused is the temporary one beside dst: the only file copy ever creates.
    expect(child.result).toEqual({
      uid: 65534,
      error: {
        code: 'EACCES',
        syscall: 'open',
        path: expect.stringMatching(/\/locked\/\.dst\.[0-9a-f]{12}\.ioaio-tmp$/),
      },
      fdsLeaked: 0,
      nreqs: 0,
    });
    expect(readdirSync(join(dir, 'locked'))).toEqual([]);
  });

  test('copying a set-user-ID file it cannot give away clears the set-ID bits, as cp -p does (as uid 65534)', ({
    skip,
  }) => {
    if (!canDropPrivileges()) skip('needs root to run the copy as another user');
    const dir = traversable(tempDir());
    makeSource(join(dir, 'src'), 0o6755); // owned by root
    mkdirSync(join(dir, 'mine'));
    chownSync(join(dir, 'mine'), kNobody, kNobody);
    const child = runUnprivileged(`
      await core.createAio().copy(${JSON.stringify(join(dir, 'src'))}, ${JSON.stringify(join(dir, 'mine', 'dst'))});
      console.log(JSON.stringify({ done: true }));
    `);
    expect([child.stderr, child.result]).toEqual(['', { done: true }]);
    const st = statSync(join(dir, 'mine', 'dst'));
    expect({ ...kept(join(dir, 'mine', 'dst')), uid: st.uid }).toEqual({
      data: kept(join(dir, 'src')).data,
      mode: 0o755,
      ...expectedTimes,
      uid: kNobody,
    });
  });
});

describe('copy refuses, touching nothing', () => {
  /** Makes `dir/dst` the way a spelling needs it and returns the dst to copy onto. */
  const spellings: [string, (dir: string) => string][] = [
    ['the same path', (dir) => join(dir, 'src')],
    ['dir/./src', (dir) => `${dir}/./src`],
    [
      'a hard link to src',
      (dir) => made(join(dir, 'dst'), () => linkSync(join(dir, 'src'), join(dir, 'dst'))),
    ],
    [
      'a symlink to src',
      (dir) => made(join(dir, 'dst'), () => symlinkSync(join(dir, 'src'), join(dir, 'dst'))),
    ],
  ];
  test.each(spellings)(
    'src and dst the same file (%s): ERR_FS_CP_EINVAL, src intact byte for byte',
    async (_, spell) => {
      const dir = tempDir();
      makeSource(join(dir, 'src'));
      const dst = spell(dir);
      const before = [untouched(join(dir, 'src')), listTree(dir)];
      const ctx = createAio();
      const fds = openFdCount();
      expect(await refusalOf(ctx.copy(join(dir, 'src'), dst))).toEqual({
        name: 'SystemError',
        code: 'ERR_FS_CP_EINVAL',
        errno: 22,
        syscall: 'copyfile',
        path: join(dir, 'src'),
        dest: dst,
      });
      expect([untouched(join(dir, 'src')), listTree(dir), openFdCount(), ctx.nreqs]).toEqual([
        ...before,
        fds,
        0,
      ]);
    },
  );

  test('a character device as dst: ERR_FS_CP_UNKNOWN, the node keeps its type, device number and mode', async ({
    skip,
  }) => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    const dev = makeNullDevice(join(dir, 'null'));
    if (dev === null) return skip('mknod is refused here: no device node to copy onto');
    const before = lstatSync(dev);
    expect(await refusalOf(createAio().copy(join(dir, 'src'), dev))).toEqual({
      name: 'SystemError',
      code: 'ERR_FS_CP_UNKNOWN',
      errno: 22,
      syscall: 'copyfile',
      path: dev,
      dest: undefined,
    });
    const after = lstatSync(dev);
    expect([after.isCharacterDevice(), after.rdev, after.mode, listTree(dir)]).toEqual([
      true,
      before.rdev,
      before.mode,
      ['null', 'src'],
    ]);
  });

  test('a directory copied onto a device node: EISDIR, the node is still there', async ({ skip }) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'srcdir'));
    const dev = makeNullDevice(join(dir, 'null'));
    if (dev === null) return skip('mknod is refused here: no device node to copy onto');
    const before = lstatSync(dev);
    expect(await refusalOf(createAio().copy(join(dir, 'srcdir'), dev))).toEqual({
      name: 'Error',
      code: 'EISDIR',
      errno: -21,
      syscall: 'copyfile',
      path: join(dir, 'srcdir'),
      dest: dev,
    });
    expect([lstatSync(dev).rdev, lstatSync(dev).mode, listTree(dir)]).toEqual([
      before.rdev,
      before.mode,
      ['null', 'srcdir/'],
    ]);
  });

  test('a directory as dst: EISDIR, the directory and its content untouched', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    mkdirSync(join(dir, 'dst'));
    writeFileSync(join(dir, 'dst', 'inside'), 'keep');
    expect(await refusalOf(createAio().copy(join(dir, 'src'), join(dir, 'dst')))).toEqual({
      name: 'Error',
      code: 'EISDIR',
      errno: -21,
      syscall: 'copyfile',
      path: join(dir, 'src'),
      dest: join(dir, 'dst'),
    });
    expect([listTree(dir), readFileSync(join(dir, 'dst', 'inside'), 'utf8')]).toEqual([
      ['dst/', 'dst/inside', 'src'],
      'keep',
    ]);
  });

  test('a FIFO as dst: ERR_FS_CP_FIFO_PIPE without opening it', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    execFileSync('mkfifo', [join(dir, 'dst')]);
    expect(await refusalOf(createAio().copy(join(dir, 'src'), join(dir, 'dst')))).toEqual({
      name: 'SystemError',
      code: 'ERR_FS_CP_FIFO_PIPE',
      errno: 22,
      syscall: 'copyfile',
      path: join(dir, 'dst'),
      dest: undefined,
    });
    expect([lstatSync(join(dir, 'dst')).isFIFO(), listTree(dir)]).toEqual([true, ['dst', 'src']]);
  });

  test('a directory as src: EISDIR before anything is created', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'srcdir'));
    const ctx = createAio();
    const fds = openFdCount();
    expect(await refusalOf(ctx.copy(join(dir, 'srcdir'), join(dir, 'dst')))).toEqual({
      name: 'Error',
      code: 'EISDIR',
      errno: -21,
      syscall: 'copyfile',
      path: join(dir, 'srcdir'),
      dest: join(dir, 'dst'),
    });
    expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([['srcdir/'], fds, 0]);
  });
});

describe('copy replaces, never writes through', () => {
  test('dst a symlink to an unrelated file: the link becomes the copy, the unrelated file is unchanged', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    writeFileSync(join(dir, 'unrelated'), 'not yours');
    symlinkSync(join(dir, 'unrelated'), join(dir, 'dst'));
    const before = untouched(join(dir, 'unrelated'));
    await createAio().copy(join(dir, 'src'), join(dir, 'dst'));
    expect([lstatSync(join(dir, 'dst')).isFile(), kept(join(dir, 'dst')).data]).toEqual([true, data]);
    expect([untouched(join(dir, 'unrelated')), listTree(dir)]).toEqual([before, ['dst', 'src', 'unrelated']]);
  });

  test('dst a dangling symlink: replaced by the copy, nothing created where it pointed', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dst'));
    await createAio().copy(join(dir, 'src'), join(dir, 'dst'));
    expect([lstatSync(join(dir, 'dst')).isFile(), kept(join(dir, 'dst')).data, listTree(dir)]).toEqual([
      true,
      data,
      ['dst', 'src'],
    ]);
  });

  test('a source that shrinks under the copy: ERR_AIO_SHORT_COPY, the temporary file (mode 0o600) removed, dst unchanged', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'));
    writeFileSync(join(dir, 'dst'), 'old');
    const before = untouched(join(dir, 'dst'));
    const ctx = createAio({ maxParallel: 0 });
    const settled = refusalOf(ctx.copy(join(dir, 'src'), join(dir, 'dst')));
    // open src, fstat it, lstat dst, create the temporary file: then the source changes.
    for (let i = 0; i < 4; i++) await stepOne(ctx);
    const temp = readdirSync(dir).filter((name) => kTempName.test(name));
    expect([temp.length, (lstatSync(join(dir, temp[0] ?? '')).mode & 0o7777).toString(8)]).toEqual([
      1,
      '600',
    ]);
    truncateSync(join(dir, 'src'), 1000);
    ctx.maxParallel = 4;
    expect(await settled).toEqual({
      name: 'Error',
      code: 'ERR_AIO_SHORT_COPY',
      errno: undefined,
      syscall: undefined,
      path: undefined,
      dest: undefined,
    });
    await ctx.flush();
    expect([untouched(join(dir, 'dst')), listTree(dir), ctx.nreqs]).toEqual([before, ['dst', 'src'], 0]);
  });

  test('onto a world-writable file of root in a directory it cannot write (as uid 65534): EACCES, dst byte-identical', ({
    skip,
  }) => {
    if (!canDropPrivileges()) skip('needs root to run the copy as another user');
    const dir = traversable(tempDir());
    makeSource(join(dir, 'src'), 0o644);
    writeFileSync(join(dir, 'dst'), 'root owns this');
    chmodSync(join(dir, 'dst'), 0o666);
    const before = untouched(join(dir, 'dst'));
    const child = runUnprivileged(`
      const error = await core.createAio().copy(${JSON.stringify(join(dir, 'src'))}, ${JSON.stringify(join(dir, 'dst'))})
        .then(() => null, (err) => err.code);
      console.log(JSON.stringify({ error }));
    `);
    expect([child.stderr, child.result]).toEqual(['', { error: 'EACCES' }]);
    expect([untouched(join(dir, 'dst')), listTree(dir)]).toEqual([before, ['dst', 'src']]);
  });

  test('onto a world-writable file of root in a sticky world-writable directory (as uid 65534): the rename fails with EPERM after the whole copy, dst byte-identical, no temporary file left', ({
    skip,
  }) => {
    if (!canDropPrivileges()) skip('needs root to run the copy as another user');
    const dir = traversable(tempDir());
    makeSource(join(dir, 'src'), 0o644);
    mkdirSync(join(dir, 'shared'));
    chmodSync(join(dir, 'shared'), 0o1777);
    writeFileSync(join(dir, 'shared', 'dst'), 'root owns this');
    chmodSync(join(dir, 'shared', 'dst'), 0o666);
    const before = untouched(join(dir, 'shared', 'dst'));
    const child = runUnprivileged(`
      const error = await core.createAio().copy(${JSON.stringify(join(dir, 'src'))}, ${JSON.stringify(join(dir, 'shared', 'dst'))})
        .then(() => null, (err) => ({ code: err.code, syscall: err.syscall }));
      console.log(JSON.stringify({ error }));
    `);
    expect([child.stderr, child.result]).toEqual(['', { error: { code: 'EPERM', syscall: 'rename' } }]);
    expect([untouched(join(dir, 'shared', 'dst')), listTree(join(dir, 'shared'))]).toEqual([before, ['dst']]);
  });
});

describe('copy cancelled after each of its steps', () => {
  test('leaves no descriptor open, no temporary file, and dst its old self until the rename', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'), 0o640);
    const expected = kept(join(dir, 'src'));
    writeFileSync(join(dir, 'dst'), 'old content');
    const old = untouched(join(dir, 'dst'));
    const fds = openFdCount();
    const seen: string[] = [];
    for (let k = 0; ; k++) {
      const ctx = createAio({ maxParallel: 0 });
      const outcome = await cancelAfterSteps(ctx, () => ctx.copy(join(dir, 'src'), join(dir, 'dst')), k);
      const now = kept(join(dir, 'dst'));
      const isOld = JSON.stringify(untouched(join(dir, 'dst'))) === JSON.stringify(old);
      const isCopy =
        now.data === expected.data && now.mode === expected.mode && now.mtimeMs === expected.mtimeMs;
      seen.push(`${outcome}:${isOld ? 'old' : isCopy ? 'copy' : 'other'}`);
      expect({ k, fds: openFdCount(), nreqs: ctx.nreqs, listing: listTree(dir) }).toEqual({
        k,
        fds,
        nreqs: 0,
        listing: ['dst', 'src'],
      });
      if (outcome === 'resolved') break;
    }
    // Steps: open src, fstat, lstat dst, create the temporary file, sendfile, close src, utime, chown,
    // chmod, close the temporary file, rename. Cancelled before the rename was issued, dst is its old
    // self; once it is issued (after step 10) the copy is committed and resolves with the copy in place.
    expect(seen).toEqual([...Array<string>(10).fill('AbortError:old'), 'resolved:copy']);
  });
});
