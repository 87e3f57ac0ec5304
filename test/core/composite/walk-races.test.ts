// walk against a tree another process changes while it runs: a directory is read only if it is the
// one that was listed. The change is made inside the walk's own onEntries callback for the parent,
// so it always lands between a directory's listing and its scan.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAio } from '@ioaio/core';
import { expect, test } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';

/** `outside/` holding `sub/secret` and `b/secret`: names a redirected walk would list. */
function makeOutside(dir: string): string {
  const outside = join(dir, 'outside');
  for (const sub of ['sub', 'b']) {
    mkdirSync(join(outside, sub), { recursive: true });
    writeFileSync(join(outside, sub, 'secret'), 'secret');
  }
  return outside;
}

interface Seen {
  paths: string[];
  errors: string[];
}

/** Walks `tree` with onError, running `change` when the entries of `when` are reported. */
async function walkChanging(tree: string, when: string, change: () => void): Promise<Seen> {
  const seen: Seen = { paths: [], errors: [] };
  await createAio().walk(tree, {
    onEntries: (dir, entries) => {
      for (const e of entries)
        seen.paths.push(`${e.path.slice(tree.length + 1)}${e.type === 'dir' ? '/' : ''}`);
      if (dir === when) change();
    },
    onError: (err, dir) => seen.errors.push(`${err.code} ${err.syscall} ${dir.slice(tree.length + 1)}`),
  });
  seen.paths.sort();
  return seen;
}

test('a subdirectory swapped for a symlink to an outside directory after its listing is not read: ENOTDIR for it (O_NOFOLLOW with O_DIRECTORY), nothing outside listed', async () => {
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  writeFileSync(join(tree, 'sub', 'mine'), 'mine');
  writeFileSync(join(tree, 'file'), 'file');
  const seen = await walkChanging(tree, tree, () => {
    renameSync(join(tree, 'sub'), join(dir, 'sub-aside'));
    symlinkSync(join(outside, 'sub'), join(tree, 'sub'));
  });
  expect(seen).toEqual({ paths: ['file', 'sub/'], errors: ['ENOTDIR scandir sub'] });
});

test('a directory above the one being scanned swapped for a symlink after the listing is caught by the `..` check: ENOENT, nothing outside listed', async () => {
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'a', 'b'), { recursive: true });
  writeFileSync(join(tree, 'a', 'b', 'mine'), 'mine');
  // a/ is listed (its entry b/ reported); then a itself becomes a link to outside/, which has a b/ too.
  const seen = await walkChanging(tree, join(tree, 'a'), () => {
    renameSync(join(tree, 'a'), join(dir, 'a-aside'));
    symlinkSync(outside, join(tree, 'a'));
  });
  expect(seen).toEqual({ paths: ['a/', 'a/b/'], errors: ['ENOENT scandir a/b'] });
});

test('without onError the same swap fails the walk with ENOTDIR', async () => {
  const dir = tempDir();
  const outside = makeOutside(dir);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  const walk = createAio().walk(tree, {
    onEntries: (path) => {
      if (path !== tree) return;
      renameSync(join(tree, 'sub'), join(dir, 'sub-aside'));
      symlinkSync(join(outside, 'sub'), join(tree, 'sub'));
    },
  });
  await expect(walk).rejects.toMatchObject({ code: 'ENOTDIR', syscall: 'scandir', path: join(tree, 'sub') });
});

test('a tree whose directories are only renamed inside it (no symlink) is still walked where each name leads', async () => {
  const dir = tempDir();
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'a', 'b'), { recursive: true });
  writeFileSync(join(tree, 'a', 'b', 'f'), 'f');
  // Renaming b inside a keeps a as b's parent: the check passes for the new name's directory.
  const seen = await walkChanging(tree, join(tree, 'a'), () => {
    renameSync(join(tree, 'a', 'b'), join(tree, 'a', 'tmp'));
    mkdirSync(join(tree, 'a', 'b'));
    writeFileSync(join(tree, 'a', 'b', 'g'), 'g');
  });
  expect(seen).toEqual({ paths: ['a/', 'a/b/', 'a/b/g'], errors: [] });
});
