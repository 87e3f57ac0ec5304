import { realpathSync } from 'node:fs';
import { declaredTargets, entryPath, isTarget, type Op, type Target } from './ops.js';
import { digest, fileContents, type PathState, pathState, regularBytes, type World } from './sandbox.js';

/*
 * What must hold around one operation, as a list of violations (empty when
 * all is well): taken before it runs, judged once it has settled.
 */

/** The world before one operation, as much as the judgement needs. */
export interface Before {
  op: Op;
  targets: Target[];
  contents: Map<string, string>;
  /** copy: the source's bytes (following symlinks), when it is a regular file. */
  srcDigest: string | null;
  /**
   * move: the source entry's state and, for a directory, its files by relative path;
   * copytree: the source directory (its root followed) and its files.
   */
  srcEntry: string | null;
  srcState: PathState;
  srcFiles: Map<string, string>;
  /** The destination entry (its last component not followed) and what was there. */
  dstEntry: string | null;
  dstState: PathState;
  dstFiles: Map<string, string>;
}

/** Files under `dir` (not `dir` itself), by path relative to it. */
function filesUnder(contents: Map<string, string>, dir: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (dir === null) return out;
  for (const [path, hash] of contents) if (path.startsWith(`${dir}/`)) out.set(path.slice(dir.length), hash);
  return out;
}

/** The entry a source names: copytree follows a symlink root, copy and move judge the entry itself. */
function sourceEntry(op: Op, src: string): string | null {
  if (op.name === 'rmtree') return null;
  if (op.name !== 'copytree') return entryPath(src);
  try {
    return realpathSync(src);
  } catch {
    return null;
  }
}

const stateOf = (entry: string | null): PathState => (entry === null ? 'unnamed' : pathState(entry));

/** Takes what `judge` needs, before `op` runs. */
export function before(world: World, op: Op): Before {
  const contents = fileContents(world);
  const [src = '', dst = ''] = op.args;
  const bytes = op.name === 'copy' ? regularBytes(src) : null;
  const srcEntry = sourceEntry(op, src);
  const dstEntry = op.name === 'rmtree' ? null : entryPath(dst);
  return {
    op,
    targets: declaredTargets(op),
    contents,
    srcDigest: bytes === null ? null : digest(bytes),
    srcEntry,
    srcState: stateOf(srcEntry),
    srcFiles: filesUnder(contents, srcEntry),
    dstEntry,
    dstState: stateOf(dstEntry),
    dstFiles: filesUnder(contents, dstEntry),
  };
}

/** Every regular file outside the declared targets has the bytes it had, at the path it had; none appeared. */
function outsideTargets(b: Before, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const path of new Set([...b.contents.keys(), ...after.keys()])) {
    if (isTarget(path, b.targets)) continue;
    const was = b.contents.get(path) ?? 'absent';
    const now = after.get(path) ?? 'absent';
    if (was !== now) out.push(`not a target, changed: ${path} ${was} -> ${now}`);
  }
  return out;
}

/** The destination is its old self (file, link, or directory with the same files) or, where allowed, `complete`. */
function destinationWhole(b: Before, after: Map<string, string>, complete: PathState | null): string[] {
  const now = stateOf(b.dstEntry);
  if (complete !== null && now === complete) return [];
  const same = now === b.dstState && sameMap(filesUnder(after, b.dstEntry), b.dstFiles);
  return same
    ? []
    : [`dst is neither its old self nor the complete copy: ${b.dstEntry} ${b.dstState} -> ${now}`];
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** copy never changes its source; it resolves only with the complete copy at dst, else dst is as it was. */
function judgeCopy(b: Before, after: Map<string, string>, result: string): string[] {
  const out: string[] = [];
  const src = b.op.args[0] as string;
  const srcNow = regularBytes(src);
  if (b.srcDigest !== null && (srcNow === null || digest(srcNow) !== b.srcDigest))
    out.push(
      `copy changed its source ${src}: ${b.srcDigest} -> ${srcNow === null ? 'gone' : digest(srcNow)}`,
    );
  const complete = b.srcDigest === null ? null : `file:${b.srcDigest}`;
  if (result === 'ok' && (complete === null || stateOf(b.dstEntry) !== complete))
    out.push(`copy resolved but dst is ${stateOf(b.dstEntry)} (source ${complete ?? 'not a regular file'})`);
  if (result !== 'ok') out.push(...destinationWhole(b, after, complete));
  return out;
}

/** A move's source bytes are at dst once it resolved, else at src or at dst; dst is never partial. */
function judgeMove(b: Before, after: Map<string, string>, result: string): string[] {
  const out: string[] = [];
  const fileSrc = b.srcState.startsWith('file:') ? b.srcState : null;
  const dstNow = stateOf(b.dstEntry);
  if (fileSrc !== null && result === 'ok' && dstNow !== fileSrc)
    out.push(`move resolved but dst is ${dstNow}, not the source ${fileSrc}`);
  if (fileSrc !== null && result !== 'ok' && stateOf(b.srcEntry) !== fileSrc && dstNow !== fileSrc)
    out.push(`move failed (${result}) and the source's bytes ${fileSrc} are neither at src nor at dst`);
  for (const [rel, hash] of b.srcFiles) {
    const kept = [b.srcEntry, b.dstEntry].some((root) => root !== null && after.get(root + rel) === hash);
    if (!kept) out.push(`move lost ${b.srcEntry}${rel} (${hash}): at neither src nor dst`);
  }
  if (result !== 'ok') out.push(...destinationWhole(b, after, fileSrc));
  return out;
}

/** copytree resolves only with every file of the source tree at the same place under dst. */
function judgeCopytree(b: Before, after: Map<string, string>, result: string): string[] {
  if (result !== 'ok') return [];
  const out: string[] = [];
  for (const [rel, hash] of b.srcFiles) {
    const now = b.dstEntry === null ? undefined : after.get(b.dstEntry + rel);
    if (now !== hash)
      out.push(`copytree resolved but ${b.dstEntry}${rel} is ${now ?? 'absent'}, not ${hash}`);
  }
  return out;
}

/** rmtree resolves only on a real directory, and then nothing is left of it. */
function judgeRmtree(b: Before, result: string): string[] {
  if (result !== 'ok') return [];
  const root = b.targets[0];
  if (root === undefined) return [`rmtree resolved on ${b.op.args[0]}, a root it must refuse`];
  const left = pathState(root.path);
  return left === 'absent' ? [] : [`rmtree resolved but ${root.path} is still there (${left})`];
}

/** The violations of one operation that settled with `result`, judged against the world now. */
export function judge(world: World, b: Before, result: string): string[] {
  const after = fileContents(world);
  const out = outsideTargets(b, after);
  if (b.op.name === 'copy') out.push(...judgeCopy(b, after, result));
  if (b.op.name === 'move') out.push(...judgeMove(b, after, result));
  if (b.op.name === 'copytree') out.push(...judgeCopytree(b, after, result));
  if (b.op.name === 'rmtree') out.push(...judgeRmtree(b, result));
  return out;
}
