import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Random } from '../seeded.js';

/*
 * The world of one property sequence: a small random tree on the temporary
 * directory's file system and an "outside" tree on /dev/shm (another file
 * system, so moves between them take the copy fallback).
 *
 * Invariant (safety): every symlink made here points to an entry strictly
 * inside one of the two roots, by absolute path or by a bare sibling name
 * (so moving a link elsewhere still resolves inside the sandbox), and no
 * target contains `..`. Whatever the operations under test do, even
 * through a symlink, they stay inside the two roots, which are removed at
 * the end of the sequence.
 */

/** What an entry is, seen by lstat (symlinks not followed). */
export type EntryKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'other';

/** One entry of the sandbox. */
export interface Entry {
  path: string;
  kind: EntryKind;
  ino: number;
  /** The symlink's target as stored; '' for other kinds. */
  target: string;
  /** Depth below its root: 0 for the root itself. */
  depth: number;
}

/** The two roots of one sequence. */
export interface World {
  tree: string;
  outside: string;
  /** The parent directories made for the roots, removed by `destroyWorld`. */
  made: string[];
}

/** The state of one path, for whole-value comparison: absent, a file's digest, a link's target, or a kind. */
export type PathState = string;

function kindOf(st: import('node:fs').Stats): EntryKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  return 'other';
}

/** Every entry under `root` (root included), depth first, never through a symlink. */
export function listEntries(root: string): Entry[] {
  const out: Entry[] = [];
  const visit = (path: string, depth: number): void => {
    let st: import('node:fs').Stats;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    const kind = kindOf(st);
    out.push({ path, kind, ino: st.ino, target: kind === 'symlink' ? readlinkSync(path) : '', depth });
    if (kind !== 'dir') return;
    for (const name of readdirSync(path).sort()) visit(join(path, name), depth + 1);
  };
  visit(root, 0);
  return out;
}

/** The entries of both roots. */
export function worldEntries(world: World): Entry[] {
  return [...listEntries(world.tree), ...listEntries(world.outside)];
}

/** SHA-256 of a file's bytes, short. */
export function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** Every regular file reachable without following symlinks, path → digest of its bytes. */
export function fileContents(world: World): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of worldEntries(world)) {
    if (entry.kind === 'file') out.set(entry.path, digest(readFileSync(entry.path)));
  }
  return out;
}

/** What is at `path` now, not following a final symlink: 'absent', 'file:<digest>', 'symlink:<target>', or the kind. */
export function pathState(path: string): PathState {
  let st: import('node:fs').Stats;
  try {
    st = lstatSync(path);
  } catch {
    return 'absent';
  }
  const kind = kindOf(st);
  if (kind === 'file') return `file:${digest(readFileSync(path))}`;
  if (kind === 'symlink') return `symlink:${readlinkSync(path)}`;
  return kind;
}

/** The bytes at `path` following symlinks, or null when it is not a readable regular file. */
export function regularBytes(path: string): Buffer | null {
  try {
    const st = lstatSync(realpathSync(path));
    return st.isFile() ? readFileSync(path) : null;
  } catch {
    return null;
  }
}

/** A directory that other file systems' tests do not share: tmpdir for the tree, /dev/shm for outside. */
function freshDir(parent: string, prefix: string): string {
  return realpathSync(mkdtempSync(join(parent, prefix)));
}

function randomBytes(random: Random): Buffer {
  const size = random.pick([0, 1, 7, 48, 300]);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = random.int(4) + 0x61;
  return out;
}

/** Random subdirectories under `root` (up to depth 3), returned with the root first. */
function makeDirs(random: Random, root: string, count: number): string[] {
  const dirs = [root];
  for (let i = 0; i < count; i++) {
    const parent = random.pick(dirs.filter((d) => d.split('/').length - root.split('/').length < 3));
    const dir = join(parent, `d${i}`);
    mkdirSync(dir);
    dirs.push(dir);
  }
  return dirs;
}

function makeFiles(random: Random, dirs: string[], count: number, prefix: string): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(random.pick(dirs), `${prefix}${i}`);
    writeFileSync(path, randomBytes(random));
    files.push(path);
  }
  return files;
}

/** Second names for some files, in the same tree (hard links cannot cross file systems). */
function makeHardLinks(random: Random, dirs: string[], files: string[], count: number): void {
  for (let i = 0; i < count && files.length > 0; i++) {
    linkSync(random.pick(files), join(random.pick(dirs), `h${i}`));
  }
}

/**
 * Symlinks in the tree: to a sibling by bare name, to entries of the tree
 * or of outside by absolute path (never to a root, never with `..`), and
 * now and then to nothing.
 */
function makeSymlinks(random: Random, dirs: string[], targets: string[], count: number): void {
  for (let i = 0; i < count; i++) {
    const dir = random.pick(dirs);
    const path = join(dir, `l${i}`);
    const siblings = targets.filter((t) => dirname(t) === dir);
    const roll = random.int(6);
    if (roll === 0 && siblings.length > 0) symlinkSync(basename(random.pick(siblings)), path);
    else if (roll === 1) symlinkSync(join(dir, `missing${i}`), path);
    else symlinkSync(random.pick(targets), path);
  }
}

const fifoPool: string[] = [];
let fifoPoolDir: string | null = null;

/**
 * Makes a FIFO at `path` (on the temporary directory's file system).
 * Perf: Node has no mkfifo and a spawn costs tens of milliseconds on a busy
 * machine, so FIFOs are made 64 at a time in a pool directory and renamed
 * into place.
 */
function makeFifo(path: string): void {
  if (fifoPool.length === 0) {
    fifoPoolDir ??= freshDir(tmpdir(), 'ioaio-property-fifos-');
    const batch = Array.from({ length: 64 }, (_, i) => join(fifoPoolDir as string, `q${fifoSerial + i}`));
    fifoSerial += batch.length;
    execFileSync('mkfifo', batch);
    fifoPool.push(...batch);
  }
  renameSync(fifoPool.pop() as string, path);
}
let fifoSerial = 0;

/** Removes the pool of unused FIFOs. */
export function removeFifoPool(): void {
  if (fifoPoolDir !== null) rmSync(fifoPoolDir, { recursive: true, force: true });
  fifoPoolDir = null;
  fifoPool.length = 0;
}

/** A random world: the tree with files, hard links, symlinks (inside and out) and FIFOs; outside with a few files. */
export function makeWorld(random: Random): World {
  const treeParent = freshDir(tmpdir(), 'ioaio-property-');
  // Platform: without /dev/shm both trees share a file system and moves never take the copy path.
  const outsideParent = freshDir(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ioaio-property-');
  const world = {
    tree: join(treeParent, 'tree'),
    outside: join(outsideParent, 'outside'),
    made: [] as string[],
  };
  world.made.push(treeParent, outsideParent);
  mkdirSync(world.tree);
  mkdirSync(world.outside);
  const outDirs = makeDirs(random, world.outside, 1 + random.int(2));
  const outFiles = makeFiles(random, outDirs, 2 + random.int(3), 'o');
  makeHardLinks(random, outDirs, outFiles, random.int(2));
  const dirs = makeDirs(random, world.tree, 1 + random.int(3));
  const files = makeFiles(random, dirs, 2 + random.int(4), 'f');
  makeHardLinks(random, dirs, files, random.int(3));
  const linkable = [...files, ...dirs.slice(1), ...outFiles, ...outDirs.slice(1)];
  makeSymlinks(random, dirs, linkable, 1 + random.int(4));
  for (let i = random.int(3); i > 0; i--) makeFifo(join(random.pick(dirs), `p${i - 1}`));
  return world;
}

/** Removes both roots and their parents. */
export function destroyWorld(world: World): void {
  for (const dir of world.made) rmSync(dir, { recursive: true, force: true });
}
