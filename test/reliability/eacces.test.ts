import { chmodSync, chownSync, lchownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, childScript, kNobody, runFaultChild } from '../helpers/fault-child.js';
import { listTree, tempDir } from '../helpers/tmp.js';

interface Shape {
  name: string;
  code: string;
  errno: number;
  syscall: string;
  hasPath: boolean;
  path: string;
}

interface Summary {
  uid: number;
  gid: number;
  scandirLocked: Shape;
  scandirTree: { dirs: string[]; nondirs: string[] };
  readdirLocked: Shape;
  walkWithoutOnError: Shape;
  walkWithOnError: { result: unknown; errors: Shape[]; entries: string[] };
  rmtree: Shape;
  settled: boolean;
  nreqs: number;
  leaked: string[];
  escaped: string[];
}

const eacces = (syscall: string, path: string): Shape => ({
  name: 'Error',
  code: 'EACCES',
  errno: -13,
  syscall,
  hasPath: true,
  path,
});

/**
 * root/            0755 root      (so nobody can reach the rest)
 *   outside/       0755 nobody    removable by nobody: only rmtree's care keeps it
 *     keep.txt
 *   tree/          0755 nobody
 *     a.txt, secret (0000: unreadable, still removable)
 *     sub/deeper/c.txt
 *     locked/      0000 nobody    unreadable: cannot be scanned
 *       inside.txt
 *     sealed/      0555 nobody    entries cannot be removed
 *       pinned.txt
 *       inner/     0755 nobody    its entries can, itself not
 *         x
 *     escape -> ../outside, escape-file -> ../outside/keep.txt
 */
function makeTree(root: string): string {
  chmodSync(root, 0o755);
  const own = (path: string) => lchownSync(path, kNobody, kNobody);
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside/keep.txt'), 'keep');
  const tree = join(root, 'tree');
  for (const dir of ['', 'sub', 'sub/deeper', 'locked', 'sealed', 'sealed/inner'])
    mkdirSync(join(tree, dir), { recursive: true });
  for (const file of [
    'a.txt',
    'secret',
    'sub/deeper/c.txt',
    'locked/inside.txt',
    'sealed/pinned.txt',
    'sealed/inner/x',
  ]) {
    writeFileSync(join(tree, file), file);
  }
  symlinkSync('../outside', join(tree, 'escape'));
  symlinkSync('../outside/keep.txt', join(tree, 'escape-file'));
  for (const rel of ['outside', 'outside/keep.txt']) own(join(root, rel));
  for (const rel of listTree(tree)) own(join(tree, rel));
  own(tree);
  chmodSync(join(tree, 'secret'), 0o000);
  chmodSync(join(tree, 'locked'), 0o000);
  chmodSync(join(tree, 'sealed'), 0o555);
  chownSync(root, 0, 0);
  return tree;
}

/** A walk with onError over the tree: the unreadable directory reported and skipped, every other entry listed. */
const kWalkWithOnError: Summary['walkWithOnError'] = {
  result: { dirs: 5, nondirs: 7 },
  errors: [eacces('scandir', 'locked')],
  entries: [
    'dir locked',
    'dir sealed',
    'dir sealed/inner',
    'dir sub',
    'dir sub/deeper',
    'nondir a.txt',
    'nondir escape',
    'nondir escape-file',
    'nondir sealed/inner/x',
    'nondir sealed/pinned.txt',
    'nondir secret',
    'nondir sub/deeper/c.txt',
  ].sort(),
};

beforeAll(assertDistFresh);

it('EACCES as an unprivileged user: scandir, walk and rmtree reject clearly and touch nothing outside', () => {
  const root = tempDir('ioaio-eacces-');
  const tree = makeTree(root);
  const run = runFaultChild<Summary>(childScript('eacces.mjs'), { tree }, { asNobody: true });
  expect(run.status, run.stderr).toBe(0);
  const s = run.result as Summary;
  const rmtreeError = s.rmtree;
  expect({ ...s, rmtree: null }).toEqual({
    uid: kNobody,
    gid: kNobody,
    scandirLocked: eacces('scandir', 'locked'),
    scandirTree: {
      dirs: ['locked', 'sealed', 'sub'],
      nondirs: ['a.txt', 'escape', 'escape-file', 'secret'],
    },
    readdirLocked: eacces('scandir', 'locked'),
    // Only the root failing fails a walk by itself; an unreadable subdirectory fails it without onError…
    walkWithoutOnError: eacces('scandir', 'locked'),
    // …and with onError is reported and skipped, every other entry still listed.
    walkWithOnError: kWalkWithOnError,
    rmtree: null,
    settled: true,
    nreqs: 0,
    leaked: [],
    escaped: [],
  });
  // rmtree tries everything and rejects with the first EACCES it met, which is one of these
  // (it opens each directory, O_NOFOLLOW, through its parent's descriptor, then reads it in chunks).
  expect([
    eacces('open', 'locked'),
    eacces('opendir', 'locked'),
    eacces('unlink', 'sealed/pinned.txt'),
    eacces('rmdir', 'sealed/inner'),
  ]).toContainEqual(rmtreeError);
  // Removed: everything nobody may remove. Kept: the unreadable and the sealed parts, and all of outside.
  expect(listTree(root)).toEqual(
    [
      'outside/',
      'outside/keep.txt',
      'tree/',
      'tree/locked/',
      'tree/locked/inside.txt',
      'tree/sealed/',
      'tree/sealed/inner/',
      'tree/sealed/pinned.txt',
    ].sort(),
  );
});
