import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { shmDir, traversable } from '../../helpers/shm.js';
import { cancelAfterSteps } from '../../helpers/step.js';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';
import { canDropPrivileges, kNobody, runUnprivileged } from '../../helpers/unprivileged.js';

/** Seconds with a millisecond fraction, far from any millisecond boundary. */
const kAtime = 1_600_000_000.2505;
const kMtime = 1_500_000_000.4565;

/** Content as a digest: whole-value comparisons without a byte-by-byte diff of 300 KiB. */
function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A source file bigger than one copy chunk, with its own mode and times; returns its digest. */
function makeSource(path: string, mode = 0o640): string {
  const data = randomBytes(300 * 1024 + 17);
  writeFileSync(path, data);
  chmodSync(path, mode);
  utimesSync(path, kAtime, kMtime);
  return digest(data);
}

/** What copy and move must keep: content, permission bits, times in milliseconds. */
function kept(path: string): { data: string; mode: number; mtimeMs: number; atimeMs: number } {
  const st = statSync(path);
  return {
    data: digest(readFileSync(path)),
    mode: st.mode & 0o7777,
    mtimeMs: Math.floor(st.mtimeMs),
    atimeMs: Math.floor(st.atimeMs),
  };
}

const expectedTimes = { mtimeMs: Math.floor(kMtime * 1000), atimeMs: Math.floor(kAtime * 1000) };

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
    expect([openFdCount(), ctx.nreqs]).toEqual([fds, 0]);
  });

  test('keeps an unusual mode (0o4751) and copies an empty file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty'), '');
    chmodSync(join(dir, 'empty'), 0o4751);
    utimesSync(join(dir, 'empty'), kAtime, kMtime);
    await createAio().copy(join(dir, 'empty'), join(dir, 'dst'));
    expect(kept(join(dir, 'dst'))).toEqual({ data: digest(Buffer.alloc(0)), mode: 0o4751, ...expectedTimes });
  });

  test('replaces an existing destination', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    writeFileSync(join(dir, 'dst'), randomBytes(1024 * 1024));
    await createAio().copy(join(dir, 'src'), join(dir, 'dst'));
    expect(kept(join(dir, 'dst'))).toEqual({ data, mode: 0o640, ...expectedTimes });
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

  test('a read error after the destination was created removes it (a directory as source: EISDIR)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'srcdir'));
    const ctx = createAio();
    const fds = openFdCount();
    await expect(ctx.copy(join(dir, 'srcdir'), join(dir, 'dst'))).rejects.toMatchObject({ code: 'EISDIR' });
    expect([listTree(dir), openFdCount(), ctx.nreqs]).toEqual([['srcdir/'], fds, 0]);
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
    expect(child.result).toEqual({
      uid: 65534,
      error: { code: 'EACCES', syscall: 'open', path: join(dir, 'locked', 'dst') },
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

describe('move', () => {
  test('on one file system renames: content, mode and times kept, source gone', async () => {
    const dir = tempDir();
    const data = makeSource(join(dir, 'src'));
    const ino = statSync(join(dir, 'src')).ino;
    await expect(createAio().move(join(dir, 'src'), join(dir, 'dst'))).resolves.toBeUndefined();
    expect(kept(join(dir, 'dst'))).toEqual({ data, mode: 0o640, ...expectedTimes });
    expect([statSync(join(dir, 'dst')).ino, existsSync(join(dir, 'src'))]).toEqual([ino, false]);
  });

  test('across file systems (/dev/shm to disk) copies, keeps content, mode and mtime, then removes the source', async ({
    skip,
  }) => {
    const from = shmDir();
    const to = tempDir();
    if (from === null) return skip('no /dev/shm on this host: cannot move across file systems');
    if (statSync(from).dev === statSync(to).dev) {
      return skip(`/dev/shm and ${to} are on the same device: a move would not cross file systems`);
    }
    const data = makeSource(join(from, 'src'), 0o604);
    const ctx = createAio();
    const fds = openFdCount();
    await expect(ctx.move(join(from, 'src'), join(to, 'dst'))).resolves.toBeUndefined();
    expect(kept(join(to, 'dst'))).toEqual({ data, mode: 0o604, ...expectedTimes });
    expect([listTree(from), listTree(to), openFdCount(), ctx.nreqs]).toEqual([[], ['dst'], fds, 0]);
  });

  test('across file systems into a missing directory rejects with ENOENT and keeps the source', async ({
    skip,
  }) => {
    const from = shmDir();
    const to = tempDir();
    if (from === null) return skip('no /dev/shm on this host: cannot move across file systems');
    if (statSync(from).dev === statSync(to).dev)
      return skip('/dev/shm is on the same device as the temp dir');
    const data = makeSource(join(from, 'src'));
    await expect(createAio().move(join(from, 'src'), join(to, 'missing', 'dst'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect([{ ...kept(join(from, 'src')), atimeMs: 0 }, listTree(to)]).toEqual([
      { data, mode: 0o640, ...expectedTimes, atimeMs: 0 },
      [],
    ]);
  });

  test('a missing source rejects with ENOENT and creates nothing', async () => {
    const dir = tempDir();
    await expect(createAio().move(join(dir, 'missing'), join(dir, 'dst'))).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'rename',
    });
    expect(listTree(dir)).toEqual([]);
  });
});

/** Whether a destination is absent, or there and equal to the source in content, mode and mtime. */
function destinationState(dst: string, expected: ReturnType<typeof kept>): 'absent' | 'complete' | 'partial' {
  if (!existsSync(dst)) return 'absent';
  const got = kept(dst);
  return got.data === expected.data && got.mode === expected.mode && got.mtimeMs === expected.mtimeMs
    ? 'complete'
    : 'partial';
}

describe('cancelled after each of its steps', () => {
  test('copy leaves no descriptor open and no partial destination', async () => {
    const dir = tempDir();
    makeSource(join(dir, 'src'), 0o640);
    const expected = kept(join(dir, 'src'));
    const fds = openFdCount();
    const seen: string[] = [];
    for (let k = 0; ; k++) {
      const ctx = createAio({ maxParallel: 0 });
      const outcome = await cancelAfterSteps(ctx, () => ctx.copy(join(dir, 'src'), join(dir, 'dst')), k);
      const state = destinationState(join(dir, 'dst'), expected);
      seen.push(`${outcome}:${state}`);
      expect({ k, fds: openFdCount(), nreqs: ctx.nreqs, partial: state === 'partial' }).toEqual({
        k,
        fds,
        nreqs: 0,
        partial: false,
      });
      if (outcome === 'resolved') break;
      rmSync(join(dir, 'dst'), { force: true });
    }
    // Steps: open src, fstat, open dst, sendfile, close src, utime, chown, chmod, close dst. Cancelled
    // before the data and metadata are in place, dst is removed; cancelled with only the close left, it is complete.
    expect(seen).toEqual([
      ...Array<string>(8).fill('AbortError:absent'),
      'AbortError:complete',
      'resolved:complete',
    ]);
  });

  test('move across file systems keeps the source until the copy is complete', async ({ skip }) => {
    const from = shmDir();
    const to = tempDir();
    if (from === null) return skip('no /dev/shm on this host: cannot move across file systems');
    if (statSync(from).dev === statSync(to).dev)
      return skip('/dev/shm is on the same device as the temp dir');
    const fds = openFdCount();
    const seen: string[] = [];
    for (let k = 0; ; k++) {
      makeSource(join(from, 'src'), 0o640);
      const expected = kept(join(from, 'src'));
      const ctx = createAio({ maxParallel: 0 });
      const outcome = await cancelAfterSteps(ctx, () => ctx.move(join(from, 'src'), join(to, 'dst')), k);
      const source = existsSync(join(from, 'src')) ? 'source' : 'no-source';
      const state = destinationState(join(to, 'dst'), expected);
      seen.push(`${outcome}:${source}:${state}`);
      expect({
        k,
        fds: openFdCount(),
        nreqs: ctx.nreqs,
        lost: source === 'no-source' && state !== 'complete',
      }).toEqual({ k, fds, nreqs: 0, lost: false });
      if (outcome === 'resolved') break;
      rmSync(join(to, 'dst'), { force: true });
      rmSync(join(from, 'src'), { force: true });
    }
    // Steps: rename (EXDEV), the nine steps of copy, unlink src. The source goes only after the copy is complete.
    expect(seen).toEqual([
      ...Array<string>(9).fill('AbortError:source:absent'),
      'AbortError:source:complete',
      'AbortError:source:complete',
      'resolved:no-source:complete',
    ]);
  });
});
