import { constants, fstatSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeError } from '../../packages/native/src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, readdir, result, stat, unavailable } from './native.js';

afterEach(closePools);

/** What node:fs threw, as a plain object of the fields an error of ours must equal. */
function thrownBy(f: () => unknown): Record<string, unknown> {
  try {
    f();
  } catch (error) {
    return shape(error);
  }
  throw new Error('expected a throw');
}

function shape(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown> & Error;
  return {
    class: e.constructor.name,
    message: e.message,
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    path: e.path,
    dest: e.dest,
  };
}

describe.skipIf(unavailable !== undefined)('native errors equal node:fs errors', () => {
  it('ENOENT, ENOTDIR and ENAMETOOLONG from stat', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const p = pool();
    const cases = [join(dir, 'missing'), join(dir, 'file', 'below'), join(dir, 'n'.repeat(300))];
    const ours = [];
    for (const path of cases) {
      const [errno] = await stat(p, path);
      ours.push(shape(nativeError(errno, 'stat', path)));
    }
    const theirs = cases.map((path) => thrownBy(() => statSync(path)));
    expect(ours).toEqual(theirs);
    expect(theirs.map((t) => t.code)).toEqual(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG']);
  });

  it('EISDIR from open, EBADF from fstat, ENOTDIR from readdir', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file'), '');
    const p = pool();
    const [openErr] = await result((cb) => p.submitOpen(join(dir, 'sub'), constants.O_WRONLY, 0, 0, cb));
    const [fstatErr] = await new Promise<[number]>((resolve) =>
      p.submitFstat(999_999, 0, (e) => resolve([e])),
    );
    const [dirErr] = await readdir(p, join(dir, 'file'));
    expect([
      shape(nativeError(openErr, 'open', join(dir, 'sub'))),
      shape(nativeError(fstatErr, 'fstat')),
      shape(nativeError(dirErr, 'scandir', join(dir, 'file'))),
    ]).toEqual([
      thrownBy(() => openSync(join(dir, 'sub'), constants.O_WRONLY)),
      thrownBy(() => fstatSync(999_999)),
      thrownBy(() => readdirSync(join(dir, 'file'))),
    ]);
  });

  it('a path with a NUL byte is refused before it reaches C, with the error fs throws', () => {
    const p = pool();
    const path = join(tempDir(), 'a\u0000b');
    const ours = thrownBy(() => p.submitStat(path, 0, () => {}));
    const theirs = thrownBy(() => statSync(path));
    expect(ours).toEqual(theirs);
    expect(p.counters().nreqs).toBe(0);
  });
});
