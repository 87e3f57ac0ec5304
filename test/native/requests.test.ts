import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statsFrom } from '../../packages/native/src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, readdir, result, stat, statFields, unavailable } from './native.js';

afterEach(closePools);

describe.skipIf(unavailable !== undefined)('native requests against node:fs', () => {
  it('stat, lstat and fstat give every field fs.statSync gives, nanoseconds included', async () => {
    const dir = tempDir();
    const file = join(dir, 'f');
    writeFileSync(file, 'twelve bytes');
    symlinkSync(file, join(dir, 'link'));
    const p = pool();
    const [e1, viaStat] = await stat(p, join(dir, 'link'));
    const lst = await new Promise<object>((resolve) =>
      p.submitLstat(join(dir, 'link'), 0, (_e, f, b) => resolve(statsFrom(f, b))),
    );
    const fd = openSync(file, 'r');
    const fst = await new Promise<object>((resolve) =>
      p.submitFstat(fd, 0, (_e, f, b) => resolve(statsFrom(f, b))),
    );
    closeSync(fd);
    expect(e1).toBe(0);
    expect(statFields(viaStat!)).toEqual(statFields(statSync(file)));
    expect(statFields(lst)).toEqual(statFields(lstatSync(join(dir, 'link'))));
    expect(statFields(fst)).toEqual(statFields(statSync(file)));
    const big = statSync(file, { bigint: true });
    const ns = (t: bigint) => Number(t % 1_000_000_000n);
    expect([viaStat!.atimeNsec, viaStat!.mtimeNsec, viaStat!.ctimeNsec, viaStat!.birthtimeNsec]).toEqual([
      ns(big.atimeNs),
      ns(big.mtimeNs),
      ns(big.ctimeNs),
      ns(big.birthtimeNs),
    ]);
    expect([viaStat!.isFile(), viaStat!.isDirectory(), (lst as typeof viaStat)!.isSymbolicLink()]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('open, write, read, fstat and close round-trip the exact bytes, at positions and at the file offset', async () => {
    const file = join(tempDir(), 'rw');
    const p = pool();
    const flags = constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC;
    const [eo, fd] = await result((cb) => p.submitOpen(file, flags, 0o640, 0, cb));
    const [ew1, n1] = await result((cb) => p.submitWrite(fd, Buffer.from('xxhello'), 2, 5, -1, 0, cb));
    const [ew2, n2] = await result((cb) => p.submitWrite(fd, Buffer.from(' world'), 0, 6, 5, 0, cb));
    const into = Buffer.alloc(16, '.');
    const [er, nr] = await result((cb) => p.submitRead(fd, into, 3, 11, 0, 0, cb));
    const [es, st] = await stat(p, file);
    const [ec] = await result((cb) => p.submitClose(fd, 0, cb));
    expect([eo, ew1, n1, ew2, n2, er, nr, es, ec]).toEqual([0, 0, 5, 0, 6, 0, 11, 0, 0]);
    expect(into.toString()).toBe('...hello world..');
    expect(readFileSync(file, 'utf8')).toBe('hello world');
    expect([st!.size, st!.mode & 0o777]).toEqual([11, 0o640 & ~process.umask()]);
  });

  it('readdir lists every name with the d_type and inode the kernel has', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file'), '');
    symlinkSync('file', join(dir, 'link'));
    linkSync(join(dir, 'file'), join(dir, 'hård länk'));
    const [errno, d] = await readdir(pool(), dir);
    const seen = d!.names.map((name, i) => [name, d!.types[i], d!.inos[i]]).sort();
    const kind = (e: import('node:fs').Dirent) => (e.isDirectory() ? 4 : e.isSymbolicLink() ? 10 : 8);
    const expected = readdirSync(dir, { withFileTypes: true })
      .map((e) => [e.name, kind(e), lstatSync(join(dir, e.name)).ino])
      .sort();
    expect(errno).toBe(0);
    expect(seen).toEqual(expected);
  });

  it('nop completes with 0 and the counters return to zero after a flood', async () => {
    const p = pool();
    const values = await Promise.all(Array.from({ length: 3000 }, () => result((cb) => p.submitNop(0, cb))));
    expect(values).toEqual(Array.from({ length: 3000 }, () => [0, 0]));
    const { nreqs, nready, nexecute, npending } = p.counters();
    expect({ nreqs, nready, nexecute, npending }).toEqual({ nreqs: 0, nready: 0, nexecute: 0, npending: 0 });
  });
});
