import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Random } from '../seeded.js';
import type { Entry, World } from './sandbox.js';
import { worldEntries } from './sandbox.js';

/** How an operation is interrupted: never, by `cancel()`, or by its AbortSignal; after k steps or k turns. */
export interface CancelPlan {
  how: 'none' | 'cancel' | 'abort';
  /** 'steps': k requests of a paused context run first (deterministic); 'turns': k event-loop turns pass. */
  by: 'steps' | 'turns';
  k: number;
}

/** One operation of a sequence, with the paths as they are passed. */
export interface Op {
  name: 'copy' | 'move' | 'rmtree' | 'copytree';
  args: string[];
  cancel: CancelPlan;
}

/** A part of the sandbox an operation may change: one path, or the whole subtree under it. */
export interface Target {
  path: string;
  subtree: boolean;
}

const lastComponent = (path: string): string => path.replace(/\/+$/, '').split('/').pop() ?? '';

/** True when `path` names `.` or `..` in its last component (trailing slashes aside). */
export function endsInDots(path: string): boolean {
  const last = lastComponent(path);
  return last === '.' || last === '..';
}

/**
 * The entry a path names when its last component is not followed: the
 * parent resolved through every symlink, then the last name (trailing
 * slashes stripped). Null for a last component `.` or `..`, which names no
 * entry of its own.
 */
export function entryPath(path: string): string | null {
  if (endsInDots(path)) return null;
  const stripped = path.replace(/\/+$/, '');
  try {
    return join(realpathSync(dirname(stripped)), basename(stripped));
  } catch {
    return resolve(stripped);
  }
}

function isRealDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * What the operation is declared to change: copy its dst only; move its src
 * and dst (with what lies under them: a directory renamed moves its
 * subtree); copytree the tree under its dst; rmtree the tree its path names,
 * never through a symlink (a symlink root, or a last component `.` or `..`,
 * names nothing it may remove).
 */
export function declaredTargets(op: Op): Target[] {
  const named = (path: string | undefined, subtree: boolean): Target[] => {
    const entry = path === undefined ? null : entryPath(path);
    return entry === null ? [] : [{ path: entry, subtree }];
  };
  if (op.name === 'copy') return named(op.args[1], false);
  if (op.name === 'copytree') return named(op.args[1], true);
  if (op.name === 'move') return [...named(op.args[0], true), ...named(op.args[1], true)];
  const root = entryPath(op.args[0] as string);
  return root !== null && isRealDir(root) ? [{ path: root, subtree: true }] : [];
}

/** True when `path` lies in one of `targets`. */
export function isTarget(path: string, targets: readonly Target[]): boolean {
  return targets.some((t) => path === t.path || (t.subtree && path.startsWith(`${t.path}/`)));
}

// ---------------------------------------------------------------------------------------------
// Choosing paths from the world as it is now.

const ofKind = (entries: Entry[], kind: Entry['kind']) => entries.filter((e) => e.kind === kind);

/** Where a symlink points, as an absolute path (a bare sibling name resolved against its directory). */
const pointee = (link: Entry): string => resolve(dirname(link.path), link.target);

/** The symlinks that point at a real directory now. */
const dirLinks = (entries: Entry[]) => ofKind(entries, 'symlink').filter((e) => isRealDir(pointee(e)));

/** The same entry spelt differently: `dir/./name` or `dir//name`. */
function respell(random: Random, path: string): string {
  const dir = dirname(path);
  return random.pick([path, `${dir}/./${basename(path)}`, `${dir}//${basename(path)}`]);
}

/** Other names of the file at `path`: its hard links, and the symlinks that point at it. */
function aliases(entries: Entry[], path: string): string[] {
  const self = entries.find((e) => e.path === path);
  if (self === undefined) return [];
  const links = entries.filter((e) => e.kind !== 'symlink' && e.ino === self.ino && e.path !== path);
  const symlinks = entries.filter((e) => e.kind === 'symlink' && pointee(e) === path);
  return [...links, ...symlinks].map((e) => e.path);
}

function pickOr(random: Random, items: string[], fallback: string): string {
  return items.length > 0 ? random.pick(items) : fallback;
}

/** A source: mostly a file, sometimes a link, a FIFO, a directory or nothing. */
function pickSource(random: Random, world: World, entries: Entry[]): string {
  const missing = join(world.tree, 'no-such-source');
  const paths = (kind: Entry['kind']) => ofKind(entries, kind).map((e) => e.path);
  const roll = random.int(10);
  if (roll < 5) return respell(random, pickOr(random, paths('file'), missing));
  if (roll < 7) return pickOr(random, paths('symlink'), missing);
  if (roll === 7) return pickOr(random, paths('fifo'), missing);
  if (roll === 8) {
    const inner = entries.filter((e) => e.kind === 'dir' && e.depth >= 1).map((e) => e.path);
    return pickOr(random, inner, missing);
  }
  return missing;
}

/**
 * A destination: a new name (in the tree, outside, or under a symlinked
 * directory), an existing file, the source itself under another name, a
 * symlink, a directory or a FIFO.
 */
function pickDestination(random: Random, world: World, entries: Entry[], src: string): string {
  const dirs = ofKind(entries, 'dir').map((e) => e.path);
  const fresh = `n${random.int(1000)}`;
  const paths = (kind: Entry['kind']) => ofKind(entries, kind).map((e) => e.path);
  const newName = join(pickOr(random, dirs, world.tree), fresh);
  const roll = random.int(12);
  if (roll < 3) return newName;
  if (roll < 5) return pickOr(random, paths('file'), newName);
  if (roll < 7) return pickOr(random, [respell(random, src), ...aliases(entries, src)], newName);
  if (roll === 7) return pickOr(random, paths('symlink'), newName);
  if (roll === 8) return pickOr(random, paths('dir'), newName);
  if (roll === 9) return pickOr(random, paths('fifo'), newName);
  const linkedDirs = dirLinks(entries);
  return linkedDirs.length > 0 ? join(random.pick(linkedDirs).path, fresh) : newName;
}

/**
 * An rmtree root: a directory (now and then the tree itself), a symlink to
 * a directory spelt `link`, `link/`, `link//` or `link/.`, a directory
 * spelt `dir/.` or `dir/sub/..`, a file, or nothing. Invariant: `..` only
 * follows a real directory at least one level below a root, so it never
 * climbs out of the sandbox.
 */
function pickRmtreeRoot(random: Random, world: World, entries: Entry[]): string {
  const dirs = ofKind(entries, 'dir');
  const inner = dirs.filter((e) => e.depth >= 1).map((e) => e.path);
  const linkedDirs = dirLinks(entries);
  const roll = random.int(12);
  if (roll < 4) return pickOr(random, inner, world.tree);
  if (roll < 7 && linkedDirs.length > 0)
    return random.pick(linkedDirs).path + random.pick(['', '/', '//', '/.']);
  if (roll < 9 && inner.length > 0) return random.pick(inner) + random.pick(['/.', '/..']);
  if (roll === 9) return world.tree;
  if (roll === 10)
    return pickOr(
      random,
      ofKind(entries, 'file').map((e) => e.path),
      world.tree,
    );
  return join(world.tree, 'no-such-dir');
}

/** A copytree source: a directory (now and then the tree itself), a symlink to one, a file, or nothing. */
function pickTreeSource(random: Random, world: World, entries: Entry[]): string {
  const inner = ofKind(entries, 'dir')
    .filter((e) => e.depth >= 1)
    .map((e) => e.path);
  const roll = random.int(8);
  if (roll < 4) return pickOr(random, inner, world.tree);
  if (roll < 6)
    return pickOr(
      random,
      dirLinks(entries).map((e) => e.path),
      world.tree,
    );
  if (roll === 6)
    return pickOr(
      random,
      ofKind(entries, 'file').map((e) => e.path),
      world.tree,
    );
  return join(world.tree, 'no-such-dir');
}

function pickCancel(random: Random): CancelPlan {
  const how = random.pick(['none', 'none', 'cancel', 'abort'] as const);
  const by = random.pick(['steps', 'turns'] as const);
  return { how, by, k: random.int(by === 'steps' ? 10 : 40) };
}

/** The next operation of a sequence, its paths chosen from the world as it is now. */
export function nextOp(random: Random, world: World): Op {
  const entries = worldEntries(world);
  const name = random.pick(['copy', 'copy', 'move', 'move', 'rmtree', 'copytree'] as const);
  const cancel = pickCancel(random);
  if (name === 'rmtree') return { name, args: [pickRmtreeRoot(random, world, entries)], cancel };
  if (name === 'copytree') {
    // Mostly a new name, so that copies also complete; else the destinations copy and move get.
    const src = pickTreeSource(random, world, entries);
    const dst = random.chance(0.5)
      ? join(random.pick([world.tree, world.outside]), `t${random.int(1000)}`)
      : pickDestination(random, world, entries, src);
    return { name, args: [src, dst], cancel };
  }
  const src = pickSource(random, world, entries);
  return { name, args: [src, pickDestination(random, world, entries, src)], cancel };
}
