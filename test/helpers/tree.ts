import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds, under `root`, one directory of every kind scandir must tell
 * apart and returns the names it made, by kind:
 * real subdirectories (one of them non-empty), regular files, symlinks to a
 * file and to a directory, a dangling symlink and a FIFO.
 */
export function mixedDirectory(root: string): { dirs: string[]; nondirs: string[] } {
  mkdirSync(join(root, 'sub'));
  mkdirSync(join(root, '.hidden'));
  mkdirSync(join(root, 'with.dot'));
  writeFileSync(join(root, 'sub', 'inner.txt'), 'inner');
  writeFileSync(join(root, 'file.txt'), 'file');
  writeFileSync(join(root, 'noext'), 'no extension');
  symlinkSync('file.txt', join(root, 'link-to-file'));
  symlinkSync('sub', join(root, 'linkdir'));
  symlinkSync('nowhere', join(root, 'dangling'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  return {
    dirs: ['.hidden', 'sub', 'with.dot'],
    nondirs: ['dangling', 'fifo', 'file.txt', 'link-to-file', 'linkdir', 'noext'],
  };
}

/** Byte order for names given as Buffers or strings, so results can be compared as sorted arrays. */
export function sortNames<N extends string | Buffer>(names: readonly N[]): N[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** `dir/outside/` with content at two levels (`keep`, `deep/keep2`): what no removal of a sibling tree may touch. */
export function makeOutside(dir: string): string {
  const outside = join(dir, 'outside');
  mkdirSync(join(outside, 'deep'), { recursive: true });
  writeFileSync(join(outside, 'keep'), 'keep');
  writeFileSync(join(outside, 'deep', 'keep2'), 'keep2');
  return outside;
}
