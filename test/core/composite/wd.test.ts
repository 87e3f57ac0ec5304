import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AioContext, AioWorkingDirectory, createAio } from '@ioaio/core';
import { afterEach, describe, expect, test } from 'vitest';
import { hasProcFd, setProcFdForTesting } from '../../../packages/core/src/working-directory.js';
import { coreDist } from '../../helpers/child.js';
import { counters, kIdle } from '../../helpers/requests.js';
import { openFdCount, tempDir } from '../../helpers/tmp.js';
import { turns } from '../../helpers/turns.js';
import { canDropPrivileges, runUnprivileged } from '../../helpers/unprivileged.js';

const kProc = hasProcFd();

/** A fresh temporary directory, by its canonical path. */
function realTemp(): string {
  return realpathSync(tempDir('ioaio-wd-'));
}

/** The code of the error `fn` throws, or 'none'. */
function thrownCode(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

/** Every wd a test made, closed after it so a failed assertion leaks nothing into the next test. */
const made: AioWorkingDirectory[] = [];

async function wdOf(ctx: AioContext, path: string | Buffer): Promise<AioWorkingDirectory> {
  const wd = await ctx.wd(path);
  made.push(wd);
  return wd;
}

afterEach(() => {
  for (const wd of made.splice(0)) wd.close();
  setProcFdForTesting(undefined);
});

describe('aio.wd: the working directory', () => {
  test('wd resolves with the canonical path of a directory, through symlinks', async () => {
    const dir = realTemp();
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'link'));
    const ctx = createAio();
    const wd = await wdOf(ctx, join(dir, 'link', '.', '..', 'link'));
    expect(wd).toBeInstanceOf(AioWorkingDirectory);
    expect(wd.path).toBe(join(dir, 'real'));
    expect([wd.resolve('a/b'), wd.resolve('/etc'), wd.resolve(''), wd.resolve('.')]).toEqual([
      join(dir, 'real', 'a/b'),
      '/etc',
      join(dir, 'real'),
      join(dir, 'real'),
    ]);
    expect(ctx.nreqs).toBe(0);
  });

  test('it holds an open descriptor on that directory', async () => {
    const dir = realTemp();
    const fdsBefore = openFdCount();
    const wd = await wdOf(createAio(), dir);
    const st = fstatSync(wd.fd);
    expect([st.isDirectory(), st.ino, st.dev, wd.closed]).toEqual([
      true,
      statSync(dir).ino,
      statSync(dir).dev,
      false,
    ]);
    expect(openFdCount()).toBe(fdsBefore + 1);
  });

  test('a Buffer path gives a Buffer path, byte for byte', async () => {
    const dir = realTemp();
    const name = Buffer.from([0x77, 0xff]);
    const path = Buffer.concat([Buffer.from(`${dir}/`), name]);
    mkdirSync(path);
    const wd = await wdOf(createAio(), path);
    expect(wd.path).toEqual(path);
    expect(wd.resolve(Buffer.from('x'))).toEqual(Buffer.concat([path, Buffer.from('/x')]));
  });

  test('a directory one may search but not read (mode 0711) makes a wd, as a path through it works', ({
    skip,
  }) => {
    if (!canDropPrivileges()) {
      console.log('skipped: not root, so no other user to run as');
      skip();
    }
    const dir = realTemp();
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'xonly'));
    writeFileSync(join(dir, 'xonly', 'f'), 'abc');
    chmodSync(join(dir, 'xonly'), 0o711);
    const child = runUnprivileged(`
      const aio = core.createAio();
      const wd = await aio.wd(${JSON.stringify(join(dir, 'xonly'))});
      const size = (await aio.stat([wd, 'f'])).size;
      const listing = await aio.readdir(wd).then(() => 'listed', (e) => e.code);
      wd.close();
      console.log(JSON.stringify({ size, listing }));
    `);
    expect([child.status, child.result]).toEqual([0, { size: 3, listing: 'EACCES' }]);
  });

  test('a file rejects with ENOTDIR, a missing path with ENOENT, and neither keeps a descriptor', async () => {
    const dir = realTemp();
    writeFileSync(join(dir, 'file'), '');
    const fdsBefore = openFdCount();
    const ctx = createAio();
    await expect(ctx.wd(join(dir, 'file'))).rejects.toMatchObject({
      code: 'ENOTDIR',
      syscall: 'open',
      path: join(dir, 'file'),
    });
    await expect(ctx.wd(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect([counters(ctx), openFdCount()]).toEqual([kIdle, fdsBefore]);
  });
});

describe('[wd, rel] as a path', () => {
  test('stat, open, mkdir, readdir, rename and unlink through [wd, name] act inside the directory', async () => {
    const dir = realTemp();
    writeFileSync(join(dir, 'a'), 'alpha');
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    expect((await ctx.stat([wd, 'a'])).size).toBe(5);
    const fd = await ctx.open([wd, 'a']);
    expect(readFileSync(fd, 'latin1')).toBe('alpha');
    await ctx.close(fd);
    await ctx.mkdir([wd, 'sub']);
    await ctx.rename([wd, 'a'], [wd, 'sub/b']);
    expect([(await ctx.readdir(wd)).sort(), await ctx.readdir([wd, 'sub'])]).toEqual([['sub'], ['b']]);
    await ctx.unlink([wd, 'sub/b']);
    expect([readdirSync(dir), readdirSync(join(dir, 'sub'))]).toEqual([['sub'], []]);
  });

  test('wd alone is the directory itself, for stat and for lstat', async () => {
    const dir = realTemp();
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    const [st, lst, dot] = [await ctx.stat(wd), await ctx.lstat(wd), await ctx.lstat([wd, '.'])];
    const ino = statSync(dir).ino;
    expect([st.isDirectory(), st.ino, lst.isDirectory(), lst.ino, dot.ino]).toEqual([
      true,
      ino,
      true,
      ino,
      ino,
    ]);
    expect((await ctx.lstat([wd, ''])).ino).toBe(ino);
  });

  test('an absolute rel ignores the wd', async () => {
    const [dir, other] = [realTemp(), realTemp()];
    writeFileSync(join(other, 'x'), 'other');
    writeFileSync(join(dir, 'x'), 'dir, longer');
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    expect((await ctx.stat([wd, join(other, 'x')])).size).toBe(5);
    expect(await ctx.realpath([wd, other])).toBe(other);
  });

  test.runIf(kProc)(
    'a rename of the directory after wd() is followed: the descriptor, not the path',
    async () => {
      const root = realTemp();
      mkdirSync(join(root, 'before'));
      writeFileSync(join(root, 'before', 'f'), 'kept');
      const ctx = createAio();
      const wd = await wdOf(ctx, join(root, 'before'));
      renameSync(join(root, 'before'), join(root, 'after'));
      // Another directory now has the old name: requests through the wd never see it.
      mkdirSync(join(root, 'before'));
      await ctx.close(await ctx.open([wd, 'g'], 'w'));
      await ctx.mkdir([wd, 'made']);
      expect((await ctx.stat([wd, 'f'])).size).toBe(4);
      expect([readdirSync(join(root, 'after')).sort(), readdirSync(join(root, 'before'))]).toEqual([
        ['f', 'g', 'made'],
        [],
      ]);
      // realpath recovers where the directory is now; wd.path keeps the name it was made with.
      expect([await ctx.realpath(wd), await ctx.realpath([wd, 'made']), wd.path]).toEqual([
        join(root, 'after'),
        join(root, 'after', 'made'),
        join(root, 'before'),
      ]);
    },
  );

  test('process.chdir() elsewhere changes nothing for [wd, rel]', async () => {
    const [dir, elsewhere] = [realTemp(), realTemp()];
    writeFileSync(join(dir, 'x'), 'in dir');
    writeFileSync(join(elsewhere, 'x'), 'elsewhere, a longer one');
    const ctx = createAio();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const wd = await wdOf(ctx, '.');
      process.chdir(elsewhere);
      expect([wd.path, (await ctx.stat([wd, 'x'])).size, (await ctx.stat('x')).size]).toEqual([dir, 6, 23]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a Buffer rel makes and finds a name that is not UTF-8, byte for byte', async () => {
    const dir = realTemp();
    const name = Buffer.from([0x66, 0xff, 0xfe]);
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    await ctx.mkdir([wd, name]);
    const names = await ctx.readdir(wd, { encoding: 'buffer' });
    const st = await ctx.stat([wd, name]);
    expect([names, st.isDirectory(), st.ino]).toEqual([
      [name],
      true,
      statSync(Buffer.concat([Buffer.from(`${dir}/`), name])).ino,
    ]);
  });

  test('the composites take [wd, rel] as well: copy, scandir, rmtree', async () => {
    const dir = realTemp();
    mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'sub', 'f'), 'leaf');
    writeFileSync(join(dir, 'g'), 'copied');
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    await ctx.copy([wd, 'g'], [wd, 'tree/g2']);
    const scanned = await ctx.scandir([wd, 'tree']);
    expect([scanned, readFileSync(join(dir, 'tree', 'g2'), 'latin1')]).toEqual([
      { dirs: ['sub'], nondirs: ['g2'] },
      'copied',
    ]);
    await ctx.rmtree([wd, 'tree']);
    expect(readdirSync(dir)).toEqual(['g']);
  });

  test('a symlink target given as [wd, rel] is stored as the canonical path joined with rel', async () => {
    const dir = realTemp();
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    await ctx.symlink([wd, 'target'], [wd, 'link']);
    expect(readlinkSync(join(dir, 'link'))).toBe(join(dir, 'target'));
  });

  test('malformed wd forms throw ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE at the call', async () => {
    const ctx = createAio();
    const wd = await wdOf(ctx, realTemp());
    const calls: unknown[] = [[wd], [wd, 'a', 'b'], ['/tmp', 'a'], [wd, 5], [wd, 'a\u0000b'], [null, 'a']];
    expect(calls.map((path) => thrownCode(() => ctx.stat(path as string)))).toEqual([
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_VALUE',
      'ERR_INVALID_ARG_TYPE',
    ]);
    expect(ctx.nreqs).toBe(0);
  });

  test('without /proc/self/fd, [wd, rel] is the canonical path joined with rel', async () => {
    const root = realTemp();
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'f'), 'x');
    const ctx = createAio();
    const wd = await wdOf(ctx, join(root, 'd'));
    setProcFdForTesting(false);
    expect((await ctx.stat([wd, 'f'])).size).toBe(1);
    renameSync(join(root, 'd'), join(root, 'e'));
    await expect(ctx.stat([wd, 'f'])).rejects.toMatchObject({ code: 'ENOENT', path: join(root, 'd', 'f') });
  });
});

/** Made in a process whose /proc is an empty tmpfs: a wd, a stat through it, the directory renamed, the stat again. */
const kNoProcChild = `
const core = await import(process.env.IOAIO_CORE_DIST);
const fs = await import('node:fs');
const dir = process.env.IOAIO_DIR;
const aio = core.createAio();
const wd = await aio.wd(dir + '/d');
const size = (await aio.stat([wd, 'f'])).size;
fs.renameSync(dir + '/d', dir + '/e');
const after = await aio.stat([wd, 'f']).then(() => 'found', (e) => [e.code, e.path]);
wd.close();
console.log(JSON.stringify({ procFd: fs.existsSync('/proc/self/fd'), size, after }));
`;

test('in a process with no /proc/self/fd, [wd, rel] falls back to the canonical path, found by a real check', ({
  skip,
}) => {
  const dir = realTemp();
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'd', 'f'), 'x');
  const child = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t tmpfs none /proc || exit 97; exec "$0" --input-type=module -e "$1"',
      process.execPath,
      kNoProcChild,
    ],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, IOAIO_CORE_DIST: coreDist, IOAIO_DIR: dir } },
  );
  if (child.error !== undefined || child.status === 97 || /unshare:/.test(child.stderr)) {
    console.log(`skipped: no private mount namespace here: ${child.error?.message ?? child.stderr.trim()}`);
    skip();
  }
  expect([child.status, JSON.parse(child.stdout.trim())]).toEqual([
    0,
    { procFd: false, size: 1, after: ['ENOENT', join(dir, 'd', 'f')] },
  ]);
});

describe('closing a wd', () => {
  test('close() releases the descriptor, is idempotent, and a closed wd used as a path throws EBADF', async () => {
    const dir = realTemp();
    const fdsBefore = openFdCount();
    const ctx = createAio();
    const wd = await wdOf(ctx, dir);
    const fd = wd.fd;
    wd.close();
    // Checked at once, before anything could open a new descriptor under the same number.
    const afterClose = [thrownCode(() => fstatSync(fd)), existsSync(`/proc/self/fd/${fd}`)];
    wd.close();
    expect([...afterClose, wd.fd, wd.closed, openFdCount()]).toEqual(['EBADF', false, -1, true, fdsBefore]);
    let thrown: unknown;
    try {
      ctx.stat([wd, 'x']);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'EBADF', syscall: 'openat', path: join(dir, 'x') });
    expect([thrownCode(() => ctx.stat(wd)), ctx.nreqs]).toEqual(['EBADF', 0]);
    // An absolute rel never needed the descriptor.
    expect((await ctx.stat([wd, dir])).isDirectory()).toBe(true);
    expect(wd.resolve('x')).toBe(join(dir, 'x'));
  });

  test('`using` closes it at the end of the block', async () => {
    const dir = realTemp();
    const ctx = createAio();
    let fd = -1;
    {
      using wd = await ctx.wd(dir);
      fd = wd.fd;
      expect(fstatSync(fd).isDirectory()).toBe(true);
    }
    expect(thrownCode(() => fstatSync(fd))).toBe('EBADF');
  });

  test('its descriptor counts against maxOpenFds until close() gives it back', async () => {
    const [a, b] = [realTemp(), realTemp()];
    writeFileSync(join(a, 'f'), 'f');
    const ctx = createAio({ maxOpenFds: 2 });
    const wdA = await wdOf(ctx, a);
    await wdOf(ctx, b);
    const third = ctx.open(join(a, 'f'));
    // Parked: both descriptors of the budget are the two wds'.
    expect([third.state, counters(ctx)]).toEqual([
      'execute',
      { nreqs: 1, nready: 1, nexecute: 0, npending: 0 },
    ]);
    await turns(10);
    expect(ctx.nready).toBe(1);
    wdA.close();
    const fd = await third;
    expect(readFileSync(fd, 'latin1')).toBe('f');
    await ctx.close(fd);
    expect(counters(ctx)).toEqual(kIdle);
  });

  test('a wd request cancelled at any point resolves or aborts, and leaks no descriptor', async () => {
    const dir = realTemp();
    const fdsBefore = openFdCount();
    const ctx = createAio({ maxOpenFds: 2 });
    // Cancelled after 0, 1, 2... turns, until the wd was made before the cancel came: each time the
    // request aborts or resolves, and holds no descriptor once it settled.
    const outcomes: string[] = [];
    for (let k = 0; outcomes.at(-1) !== 'resolved'; k++) {
      if (k > 1000) throw new Error(`never resolved: ${outcomes.length} cancels`);
      const req = ctx.wd(dir);
      await turns(k);
      req.cancel();
      const outcome = await Promise.resolve(req).then(
        (wd): string => {
          wd.close();
          return 'resolved';
        },
        (err: Error): string => err.name,
      );
      outcomes.push(outcome);
      expect([outcome, counters(ctx), openFdCount()]).toEqual([outcome, kIdle, fdsBefore]);
    }
    expect(outcomes.slice(0, -1)).toEqual(new Array(outcomes.length - 1).fill('AbortError'));
    expect(outcomes.length).toBeGreaterThan(1);
    // The whole budget is free again: two wds open at once without waiting.
    const both = await Promise.all([ctx.wd(dir), ctx.wd(dir)]);
    for (const wd of both) wd.close();
    expect(openFdCount()).toBe(fdsBefore);
  });

  test('a wd the program dropped is never closed behind a request still waiting to use it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const dir = realTemp();
    const other = realTemp();
    writeFileSync(join(dir, 'f'), 'in dir');
    const ctx = createAio({ maxParallel: 0 });
    // The wd is made and dropped inside this function: only the queued request leaves it.
    const { req } = await (async () => ({ req: ctx.stat([await createAio().wd(dir), 'f']) }))();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Were the wd's number closed by now, these opens would take it and the stat would reach `other`.
    const opened = Array.from({ length: 4 }, () => openSync(other, 'r'));
    ctx.maxParallel = 1;
    try {
      await expect(req).resolves.toMatchObject({ size: 'in dir'.length });
    } finally {
      for (const fd of opened) closeSync(fd);
    }
  });
});
