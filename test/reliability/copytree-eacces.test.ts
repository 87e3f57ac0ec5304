import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { listTree, tempDir } from '../helpers/tmp.js';
import { canDropPrivileges, kNobody, runUnprivileged } from '../helpers/unprivileged.js';

/**
 * root/        0755 root
 *   src/       0755 root
 *     a.txt    0644 root
 *     secret   0000 root   unreadable by nobody: its copy fails at open
 *     sub/     0755 root
 *       c.txt  0640 root   no bits for others: unreadable by nobody too
 *       d.txt  0604 root   readable through the "others" bits
 *     locked/  0700 root   cannot be read by nobody
 *       inside
 *   out/       0777        where nobody may write
 */
function makeTree(): { src: string; out: string } {
  const root = tempDir();
  chmodSync(root, 0o755);
  const src = join(root, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  mkdirSync(join(src, 'locked'));
  writeFileSync(join(src, 'a.txt'), 'a');
  writeFileSync(join(src, 'secret'), 'secret');
  writeFileSync(join(src, 'sub/c.txt'), 'c');
  writeFileSync(join(src, 'sub/d.txt'), 'd');
  writeFileSync(join(src, 'locked/inside'), 'inside');
  chmodSync(join(src, 'a.txt'), 0o644);
  chmodSync(join(src, 'secret'), 0o000);
  chmodSync(join(src, 'sub/c.txt'), 0o640);
  chmodSync(join(src, 'sub/d.txt'), 0o604);
  chmodSync(join(src, 'locked'), 0o700);
  mkdirSync(join(root, 'out'));
  chmodSync(join(root, 'out'), 0o777);
  return { src, out: join(root, 'out') };
}

/** The child: one copy without onError (it must fail), one with it (it must finish). */
function childSource(src: string, out: string): string {
  return `
const shape = (e) => ({ code: e.code, syscall: e.syscall });
let without;
try { await core.aio.copytree(${JSON.stringify(src)}, ${JSON.stringify(join(out, 'stop'))}); without = 'resolved'; }
catch (e) { without = shape(e); }
const errors = [];
const onError = (e, path) => errors.push({ ...shape(e), path: String(path) });
const result = await core.aio.copytree(${JSON.stringify(src)}, ${JSON.stringify(join(out, 'dst'))}, { onError });
errors.sort((x, y) => (x.path < y.path ? -1 : 1));
console.log(JSON.stringify({ without, result, errors, nreqs: core.aio.nreqs }));
`;
}

test.skipIf(!canDropPrivileges())(
  'unreadable entries as uid 65534: the first fails the copy, onError collects them all',
  () => {
    const { src, out } = makeTree();
    const child = runUnprivileged(childSource(src, out));
    expect(child.stderr).toBe('');
    expect(child.result).toEqual({
      without: { code: 'EACCES', syscall: expect.stringMatching(/^(open|opendir)$/) },
      result: { files: 2, dirs: 3, symlinks: 0, skipped: 3 },
      errors: [
        { code: 'EACCES', syscall: 'opendir', path: join(src, 'locked') },
        { code: 'EACCES', syscall: 'open', path: join(src, 'secret') },
        { code: 'EACCES', syscall: 'open', path: join(src, 'sub/c.txt') },
      ],
      nreqs: 0,
    });
    const dst = join(out, 'dst');
    expect(listTree(dst)).toEqual(['a.txt', 'locked/', 'sub/', 'sub/d.txt']);
    // Invariant: owners cannot be kept by nobody (EPERM on chown is tolerated); modes are.
    const kept = ['a.txt', 'sub', 'sub/d.txt', 'locked'].map((p) => {
      const st = lstatSync(join(dst, p));
      return [p, st.uid, st.mode & 0o7777];
    });
    expect(kept).toEqual([
      ['a.txt', kNobody, 0o644],
      ['sub', kNobody, 0o755],
      ['sub/d.txt', kNobody, 0o604],
      ['locked', kNobody, 0o700],
    ]);
    expect(readdirSync(join(dst, 'locked'))).toEqual([]);
    // Whatever the failed copy made holds complete files only, and no temporary file.
    const stopped = listTree(join(out, 'stop'));
    expect(stopped.filter((p) => p.endsWith('.ioaio-tmp'))).toEqual([]);
    expect(stopped.filter((p) => !['a.txt', 'sub/', 'sub/d.txt', 'locked/'].includes(p))).toEqual([]);
  },
);
