import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createAio, operations, pool } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { kNative } from '../helpers/backend.js';
import { coreDist } from '../helpers/child.js';
import { errorShape, rejection } from '../helpers/requests.js';
import { tempDir } from '../helpers/tmp.js';

/** Runs `source` in a fresh Node with the built package as `core`, under extra environment variables. */
function child(source: string, env: Record<string, string | undefined>, entry = coreDist) {
  const load = entry.endsWith('.cjs')
    ? `const core = require(${JSON.stringify(entry)});`
    : `import * as core from ${JSON.stringify(entry)};`;
  const args = entry.endsWith('.cjs')
    ? ['-e', `${load}\n${source}`]
    : ['--input-type=module', '-e', `${load}\n${source}`];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

const kNoAddon = { IOAIO_NATIVE_ADDON: '/nonexistent/ioaio_native.node' };

describe('choosing the backend', () => {
  test("a context made with backend 'fs' runs on node:fs, and says so", () => {
    expect(createAio({ backend: 'fs' }).backend).toBe('fs');
  });

  test('a backend name that is not one is refused at the call, naming the option', () => {
    expect(() => createAio({ backend: 'uring' as 'fs' })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('options.backend'),
      }),
    );
  });

  test("IOAIO_BACKEND picks the default context's backend; a bad value fails the import, naming the variable", () => {
    const source = 'console.log(core.aio.backend, core.createAio().backend)';
    expect(child(source, { IOAIO_BACKEND: 'fs' })).toMatchObject({ status: 0, stdout: 'fs fs' });
    const bad = child(source, { IOAIO_BACKEND: 'fast' });
    expect([
      bad.status,
      bad.stderr.includes('ERR_INVALID_ARG_VALUE'),
      bad.stderr.includes('IOAIO_BACKEND'),
    ]).toEqual([1, true, true]);
  });

  test('where the addon cannot load: auto falls back to node:fs, native asked for throws with the reason', () => {
    const source = `
      console.log(core.aio.backend, core.pool.available, JSON.stringify(core.pool.unavailableReason));
      try { core.createAio({ backend: 'native' }); } catch (e) { console.log(e.code, e.message); }`;
    const r = child(source, kNoAddon);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'fs false "addon not built (/nonexistent/ioaio_native.node is missing)"',
      'ERR_AIO_BACKEND_UNAVAILABLE The native backend cannot run here: addon not built (/nonexistent/ioaio_native.node is missing)',
    ]);
    const forced = child('console.log(core.aio.backend)', { ...kNoAddon, IOAIO_BACKEND: 'native' });
    expect([forced.status, forced.stderr.includes('ERR_AIO_BACKEND_UNAVAILABLE')]).toEqual([1, true]);
  });
});

describe.runIf(kNative)('on the native backend', () => {
  test('the ESM and CommonJS builds both load the addon', () => {
    const esm = child('console.log(core.aio.backend)', {});
    const cjs = child('console.log(core.aio.backend)', {}, coreDist.replace(/\.js$/, '.cjs'));
    expect([esm.stdout, cjs.stdout]).toEqual(['native', 'native']);
  });

  test('stat gives a fs.Stats equal to fs.statSync, field for field and prototype', async () => {
    const dir = tempDir();
    const path = join(dir, 'f');
    fs.writeFileSync(path, 'twelve bytes');
    const st = await createAio().stat(path);
    expect(st).toBeInstanceOf(fs.Stats);
    expect(st).toStrictEqual(fs.statSync(path));
    expect([st.isFile(), st.mtime.getTime()]).toEqual([true, fs.statSync(path).mtime.getTime()]);
  });

  test('errors carry the same code, errno, syscall, path and message as node:fs for the same failures', async () => {
    const dir = tempDir();
    const file = join(dir, 'file');
    fs.writeFileSync(file, '');
    const native = createAio();
    const nodeFs = createAio({ backend: 'fs' });
    const cases: [string, unknown[]][] = [
      ['stat', [join(dir, 'missing')]],
      ['lstat', [join(file, 'below')]],
      ['open', [join(dir, 'missing'), 'r']],
      ['open', [file, 'wx']],
      ['mkdir', [file]],
      ['rmdir', [file]],
      ['unlink', [dir]],
      ['readdir', [file]],
      ['close', [2 ** 30]],
      ['fsync', [2 ** 30]],
    ];
    const shape = async (ctx: ReturnType<typeof createAio>, name: string, args: unknown[]) => {
      const err = (await rejection(
        (ctx as unknown as Record<string, (...a: unknown[]) => PromiseLike<unknown>>)[name]?.(
          ...args,
        ) as never,
      )) as Error;
      return { ...errorShape(err), message: err.message };
    };
    const got = await Promise.all(cases.map(([name, args]) => shape(native, name, args)));
    const want = await Promise.all(cases.map(([name, args]) => shape(nodeFs, name, args)));
    expect(got).toEqual(want);
  });

  test('names that are not UTF-8 come back byte for byte, as Buffers or latin1, as node:fs gives them', async () => {
    const dir = tempDir();
    const raw = Buffer.from([0x66, 0xff, 0xfe, 0x41]);
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), raw]), '');
    fs.mkdirSync(join(dir, 'sub'));
    const sorted = (names: (string | Buffer)[]) =>
      names.map((n) => (typeof n === 'string' ? n : n.toString('hex'))).sort();
    const native = createAio();
    const nodeFs = createAio({ backend: 'fs' });
    const views = async (ctx: ReturnType<typeof createAio>) => [
      sorted(await ctx.readdir(dir, { encoding: 'buffer' })),
      sorted((await ctx.readdir(dir, { encoding: 'latin1' })) as string[]),
      (await ctx.readdirx(dir, 1, { encoding: 'buffer' })).entries
        .map((e) => `${(e as { name: Buffer }).name.toString('hex')}:${(e as { type: string }).type}`)
        .sort(),
    ];
    const got = await views(native);
    expect(got).toEqual(await views(nodeFs));
    expect(got[0]).toEqual([raw.toString('hex'), Buffer.from('sub').toString('hex')].sort());
  });

  test('the pool controls read and set the process pool, and refuse bad values with Node codes', () => {
    const before = [pool.threads, pool.maxIdle, pool.idleTimeout];
    try {
      pool.threads = 6;
      pool.maxIdle = 2;
      pool.idleTimeout = 1.5;
      expect([pool.available, pool.threads, pool.maxIdle, pool.idleTimeout]).toEqual([true, 6, 2, 1.5]);
      expect(() => {
        pool.threads = 2000;
      }).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => {
        pool.idleTimeout = -1;
      }).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    } finally {
      [pool.threads, pool.maxIdle, pool.idleTimeout] = before as [number, number, number];
    }
  });
});

test('every operation says whether the native backend makes it; composites never do', () => {
  const byKind = Object.entries(operations).map(([name, op]) => [name, op.kind, op.native] as const);
  for (const [, kind, native] of byKind) if (kind === 'composite') expect(native).toBe(false);
  const natives = byKind
    .filter(([, , native]) => native)
    .map(([name]) => name)
    .sort();
  expect(natives).toEqual(
    [
      'allocate',
      'close',
      'copyRange',
      'fadvise',
      'fcntl',
      'fdatasync',
      'fiemap',
      'fsync',
      'ioctl',
      'lstat',
      'madvise',
      'minFdlimit',
      'mkdir',
      'mknod',
      'mlock',
      'mlockall',
      'msync',
      'mtouch',
      'munlock',
      'munlockall',
      'nop',
      'open',
      'read',
      'readahead',
      'readdir',
      'readdirx',
      'rename2',
      'rmdir',
      'seek',
      'sendfile',
      'splice',
      'stat',
      'sync',
      'syncFileRange',
      'syncfs',
      'tee',
      'unlink',
      'utime',
      'write',
    ].sort(),
  );
});

test.runIf(process.env.CI === 'true')(
  'under CI the native backend is built and runs (.ci/run installs a compiler)',
  () => {
    expect([pool.available, pool.unavailableReason, createAio().backend]).toEqual([true, null, 'native']);
  },
);
