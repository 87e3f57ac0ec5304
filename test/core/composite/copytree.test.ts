import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  type Stats,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type AioContext, type CopytreeProgress, createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { listTree, openFdCount, tempDir } from '../../helpers/tmp.js';

/** Seconds whose fraction a double holds exactly, so times compare to the nanosecond. */
const kTimes = [1_500_000_000.25, 1_400_000_000.5, 1_300_000_000.75, 1_200_000_000.125];
/** A name that is not valid UTF-8: it must be copied byte for byte. */
const kBadName = Buffer.from([0x6e, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]);

/** What a tree must keep, per entry: type, mode, owner, size and content or link target; times but for links. */
interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs?: string;
  data?: string;
  target?: string;
}

function typeOf(st: Stats): string {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'link';
  return 'other';
}

/**
 * The whole tree under `root` (the root itself as ''), keyed by relative path
 * in hex-escaped bytes, from lstat and readlink: never follows a link.
 */
function snapshot(root: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const visit = (path: Buffer, rel: string): void => {
    const st = lstatSync(path, { bigint: true });
    const type = typeOf(lstatSync(path));
    const entry: Entry = { type, mode: Number(st.mode), uid: Number(st.uid), gid: Number(st.gid) };
    // Platform: Linux cannot set a symlink's times or owner through node:fs paths we use; see the README.
    if (type !== 'link') entry.mtimeNs = String(st.mtimeNs);
    if (type === 'file') entry.data = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (type === 'link') entry.target = readlinkSync(path, { encoding: 'buffer' }).toString('hex');
    out[rel] = entry;
    if (type !== 'dir') return;
    for (const name of readdirSync(path, { encoding: 'buffer' })) {
      const child = Buffer.concat([path, Buffer.from('/'), name]);
      visit(child, rel === '' ? shownName(name) : `${rel}/${shownName(name)}`);
    }
  };
  visit(Buffer.from(root), '');
  return out;
}

function shownName(name: Buffer): string {
  return [...name]
    .map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16)}`))
    .join('');
}

function bytesPath(dir: string | Buffer, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(dir), Buffer.from('/'), name]);
}

/**
 * A tree with every kind copytree keeps: nested and read-only and set-group-ID
 * directories, files of several sizes, modes and owners, a set-user-ID file,
 * links (relative, absolute, dangling, to a directory, with a target that is
 * not UTF-8), a file and a directory whose names are not UTF-8, and times on
 * everything.
 */
function makeSource(root: string): string {
  const src = join(root, 'src');
  mkdirSync(join(src, 'a/b/c'), { recursive: true });
  mkdirSync(join(src, 'shared'));
  mkdirSync(join(src, 'empty'));
  writeFileSync(join(src, 'zero'), '');
  writeFileSync(join(src, 'a/one'), 'x');
  writeFileSync(join(src, 'a/b/big'), Buffer.alloc(200_003, 7));
  writeFileSync(join(src, 'a/b/c/deep'), 'deep');
  writeFileSync(join(src, 'shared/setuid'), '#!/bin/sh\n');
  writeFileSync(bytesPath(src, kBadName), 'bad name');
  mkdirSync(bytesPath(src, Buffer.concat([kBadName, Buffer.from('.d')])));
  writeFileSync(bytesPath(join(src, 'empty'), Buffer.from('..not-really')), '');
  symlinkSync('a/one', join(src, 'rel-link'));
  symlinkSync('/etc/hostname', join(src, 'abs-link'));
  symlinkSync('nowhere', join(src, 'a/dangling'));
  symlinkSync('b', join(src, 'a/dir-link'));
  symlinkSync(Buffer.from([0x78, 0xff]), bytesPath(src, Buffer.from('bad-target')));
  chownSync(join(src, 'a/one'), 1234, 5678);
  chownSync(join(src, 'shared'), 4321, 8765);
  chmodSync(join(src, 'shared/setuid'), 0o4755);
  chmodSync(join(src, 'shared'), 0o2775);
  chmodSync(join(src, 'a/one'), 0o600);
  chmodSync(join(src, 'a/b/c'), 0o500);
  chmodSync(join(src, 'a/b'), 0o555);
  stampTimes(src);
  return src;
}

/** Every path under `root` (the root included), as bytes, parents before children. */
function allPaths(root: Buffer): Buffer[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    const path = out[i] as Buffer;
    if (!lstatSync(path).isDirectory()) continue;
    for (const name of readdirSync(path, { encoding: 'buffer' })) out.push(bytesPath(path, name));
  }
  return out;
}

/** Times on every directory and file (not links), children first so a parent's stay. */
function stampTimes(src: string): void {
  const paths = allPaths(Buffer.from(src)).filter((p) => !lstatSync(p).isSymbolicLink());
  paths.reverse().forEach((p, i) => {
    utimesSync(p, kTimes[i % 4] as number, kTimes[(i + 1) % 4] as number);
  });
}

/**
 * Counts `name` requests of a context at once, at most (`at`: where their
 * options are). The count drops in the request's own callback, where
 * copytree's lane drops too, so a request issued from there is not counted
 * twice.
 */
function countInFlight(ctx: AioContext, name: 'copy' | 'readdirChunk', at: number): { max: number } {
  const seen = { max: 0 };
  let now = 0;
  const original = ctx[name] as (...params: unknown[]) => unknown;
  const counted = function (this: AioContext, ...params: unknown[]) {
    const options = params[at] as { callback: (err: unknown, value: unknown) => void };
    now++;
    seen.max = Math.max(seen.max, now);
    const callback = (err: unknown, value: unknown): void => {
      now--;
      options.callback(err, value);
    };
    return original.apply(this, [...params.slice(0, at), { ...options, callback }]);
  };
  Object.defineProperty(ctx, name, { value: counted });
  return seen;
}

describe('copytree', () => {
  test('keeps every byte, mode, owner, time and link target of a tree, names that are not UTF-8 included', async () => {
    const root = tempDir();
    const src = makeSource(root);
    const before = snapshot(src);
    const fds = openFdCount();
    const result = await createAio().copytree(src, join(root, 'dst'));
    expect(result).toEqual({ files: 7, dirs: 7, symlinks: 5, skipped: 0 });
    expect(snapshot(join(root, 'dst'))).toEqual(before);
    expect(snapshot(src)).toEqual(before);
    expect(openFdCount()).toBe(fds);
  });

  test('copies into an empty directory and gives it the source root’s mode, owner and times', async () => {
    const root = tempDir();
    const src = makeSource(root);
    mkdirSync(join(root, 'dst'), 0o700);
    await createAio().copytree(Buffer.from(src), Buffer.from(join(root, 'dst')));
    expect(snapshot(join(root, 'dst'))).toEqual(snapshot(src));
  });

  test('refuses a dst that is a file or a non-empty directory, and changes nothing', async () => {
    const root = tempDir();
    const src = makeSource(root);
    writeFileSync(join(root, 'file'), 'keep');
    mkdirSync(join(root, 'full'));
    writeFileSync(join(root, 'full/x'), 'keep');
    const aio = createAio();
    await expect(aio.copytree(src, join(root, 'file'))).rejects.toMatchObject({
      code: 'EEXIST',
      syscall: 'copytree',
      path: join(root, 'file'),
      message: `EEXIST: file already exists, copytree '${join(root, 'file')}'`,
    });
    await expect(aio.copytree(src, join(root, 'full'))).rejects.toMatchObject({
      code: 'ENOTEMPTY',
      syscall: 'copytree',
      message: `ENOTEMPTY: directory not empty, copytree '${join(root, 'full')}'`,
    });
    expect(readdirSync(root).sort()).toEqual(['file', 'full', 'src']);
    expect(readdirSync(join(root, 'full'))).toEqual(['x']);
  });

  test('refuses a dst inside src, however it is spelt, before anything is made', async () => {
    const root = tempDir();
    const src = makeSource(root);
    const before = snapshot(src);
    symlinkSync('src/a', join(root, 'into-src'));
    mkdirSync(join(root, 'same'));
    const aio = createAio();
    const inside = [join(src, 'new'), join(src, 'a/b/c/new'), join(root, 'into-src/new'), `${src}/a/../new`];
    for (const dst of inside) {
      await expect(aio.copytree(src, dst)).rejects.toMatchObject({
        code: 'ERR_FS_CP_EINVAL',
        syscall: 'copytree',
      });
    }
    await expect(aio.copytree(join(root, 'same'), join(root, 'same'))).rejects.toMatchObject({
      code: 'ERR_FS_CP_EINVAL',
    });
    expect(snapshot(src)).toEqual(before);
  });

  test('refuses a src that is not a directory, and a dst whose parent is missing', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    mkdirSync(join(root, 'dir'));
    const aio = createAio();
    await expect(aio.copytree(join(root, 'file'), join(root, 'x'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    await expect(aio.copytree(join(root, 'nope'), join(root, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(aio.copytree(join(root, 'dir'), join(root, 'no/x'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(listTree(root)).toEqual(['dir/', 'file']);
  });

  test('recreates a link to a directory outside as a link and never copies the outside', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside/secret'), 'not to be copied');
    mkdirSync(join(root, 'src'));
    symlinkSync('../outside', join(root, 'src/out'));
    await createAio().copytree(join(root, 'src'), join(root, 'dst'));
    expect(listTree(join(root, 'dst'))).toEqual(['out']);
    expect(readlinkSync(join(root, 'dst/out'))).toBe('../outside');
    expect(lstatSync(join(root, 'dst/out')).isSymbolicLink()).toBe(true);
  });

  test('followSymlinks copies what links point to and reports a link to an ancestor as ELOOP', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside/data'), 'copied');
    mkdirSync(join(root, 'src/sub'), { recursive: true });
    symlinkSync('../outside', join(root, 'src/out'));
    symlinkSync('../../src', join(root, 'src/sub/loop'));
    symlinkSync('../../outside/data', join(root, 'src/sub/file-link'));
    const errors: [string, string][] = [];
    const onError = (err: NodeJS.ErrnoException, path: string | Buffer): void => {
      errors.push([String(err.code), String(path)]);
    };
    const result = await createAio().copytree(join(root, 'src'), join(root, 'dst'), {
      followSymlinks: true,
      onError,
    });
    expect(result).toEqual({ files: 2, dirs: 3, symlinks: 0, skipped: 1 });
    expect(errors).toEqual([['ELOOP', join(root, 'src/sub/loop')]]);
    expect(listTree(join(root, 'dst'))).toEqual(['out/', 'out/data', 'sub/', 'sub/file-link']);
    expect(readFileSync(join(root, 'dst/sub/file-link'), 'utf8')).toBe('copied');
  });

  test('a FIFO fails the copy as fs.cp refuses it, or with onError is reported and left out', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/file'), 'data');
    execFileSync('mkfifo', [join(root, 'src/pipe')]);
    const aio = createAio();
    await expect(aio.copytree(join(root, 'src'), join(root, 'stop'))).rejects.toMatchObject({
      code: 'ERR_FS_CP_FIFO_PIPE',
      path: join(root, 'src/pipe'),
    });
    // The refusal comes while the listing is sorted, before any file copy is issued.
    expect(listTree(join(root, 'stop'))).toEqual([]);
    const errors: [string, string][] = [];
    const result = await aio.copytree(join(root, 'src'), join(root, 'dst'), {
      onError: (err, path) => errors.push([String(err.code), String(path)]),
    });
    expect(result).toEqual({ files: 1, dirs: 1, symlinks: 0, skipped: 1 });
    expect(errors).toEqual([['ERR_FS_CP_FIFO_PIPE', join(root, 'src/pipe')]]);
    expect(listTree(join(root, 'dst'))).toEqual(['file']);
  });

  test('onProgress counts grow to the whole tree, done never ahead of known, once more at the end', async () => {
    const root = tempDir();
    const src = makeSource(root);
    const calls: CopytreeProgress[] = [];
    await createAio().copytree(src, join(root, 'dst'), { onProgress: (p) => calls.push(p) });
    const last = calls[calls.length - 1];
    expect(last).toEqual({ files: 7, bytes: 200_003 + 1 + 4 + 10 + 8, filesKnown: 7, bytesKnown: 200_026 });
    for (const [i, p] of calls.entries()) {
      const prev = calls[i - 1] ?? { files: 0, bytes: 0, filesKnown: 0, bytesKnown: 0 };
      expect(p.files <= p.filesKnown && p.bytes <= p.bytesKnown).toBe(true);
      expect(
        p.files >= prev.files && p.bytesKnown >= prev.bytesKnown && p.filesKnown >= prev.filesKnown,
      ).toBe(true);
    }
  });

  test('at most maxreq file copies and maxreq directory reads in flight', async () => {
    const root = tempDir();
    const src = join(root, 'src');
    for (let d = 0; d < 12; d++) {
      mkdirSync(join(src, `d${d}`), { recursive: true });
      for (let f = 0; f < 20; f++) writeFileSync(join(src, `d${d}/f${f}`), `${d}/${f}`);
    }
    const aio = createAio();
    const copies = countInFlight(aio, 'copy', 2);
    const reads = countInFlight(aio, 'readdirChunk', 1);
    const result = await aio.copytree(src, join(root, 'dst'), { maxreq: 3 });
    expect(result).toEqual({ files: 240, dirs: 13, symlinks: 0, skipped: 0 });
    expect([copies.max, reads.max]).toEqual([3, 3]);
    expect(listTree(join(root, 'dst'))).toEqual(listTree(src));
  });

  test('a bad option is refused at the call', () => {
    const aio = createAio();
    expect(() => aio.copytree('a', 'b', { maxreq: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => aio.copytree('a', 'b', { onError: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => aio.copytree(1 as never, 'b')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(existsSync('b')).toBe(false);
  });
});
