import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/**
 * Why this module exists: a child run as uid 65534 must read the built
 * package and its own script, but the checkout may live under a directory
 * other users cannot enter (a clone under `mktemp -d`, mode 0700). So what
 * the child needs is copied once into a world-readable temporary directory
 * (directories 0755, files 0644, executables 0755) and run from there; the
 * copy is removed after the test file and, failing that, at process exit.
 */

const kCoreDir = fileURLToPath(new URL('../../packages/core', import.meta.url));

/** Paths inside the staged copy. */
export interface Stage {
  /** The world-readable root of the copy. */
  root: string;
  /** The staged ESM entry of @ioaio/core (what `coreDist` is in the checkout). */
  coreIndex: string;
  /** The staged command line (`dist/cli.js`). */
  coreCli: string;
}

let current: Stage | null = null;
const stagedScriptDirs = new Map<string, string>();

/** True when every ancestor of `dir` (and `dir` itself) lets other users search it. */
function reachableByOthers(dir: string): boolean {
  for (let path = realpathSync(dir); ; path = dirname(path)) {
    if ((statSync(path).mode & 0o001) === 0) return false;
    if (path === dirname(path)) return true;
  }
}

/** Platform: TMPDIR may itself be private; /tmp and /dev/shm are world-searchable on Linux. */
function stageParent(): string {
  for (const candidate of [tmpdir(), '/tmp', '/dev/shm']) {
    if (existsSync(candidate) && reachableByOthers(candidate)) return candidate;
  }
  throw new Error('no world-searchable temporary directory to stage the package for another user');
}

/** Opens a copied tree to everyone for reading: 0755 directories and executables, 0644 other files. */
function openToOthers(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (!st.isDirectory()) {
    chmodSync(path, (st.mode & 0o111) !== 0 ? 0o755 : 0o644);
    return;
  }
  chmodSync(path, 0o755);
  for (const name of readdirSync(path)) openToOthers(join(path, name));
}

interface Manifest {
  name: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Node's lookup: `node_modules/<name>` in `from` or an ancestor, as its real path; null if absent. */
function resolvePackageDir(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir)) return null;
  }
}

/** Copies what a package publishes (its `files`, else all but node_modules) to `target`. */
function copyPublished(source: string, manifest: Manifest, target: string): void {
  mkdirSync(target, { recursive: true });
  cpSync(join(source, 'package.json'), join(target, 'package.json'));
  const entries = manifest.files ?? readdirSync(source).filter((name) => name !== 'node_modules');
  for (const entry of entries) {
    const from = join(source, entry);
    if (existsSync(from)) cpSync(from, join(target, entry), { recursive: true, dereference: true });
  }
}

/**
 * Copies the package at `source` into `<root>/node_modules/<name>`, then the
 * packages it depends on at run time, flat beside it (Node finds them by
 * walking up). Each package is copied once whatever the number of paths to it.
 */
function stagePackage(root: string, source: string, seen: Set<string>): void {
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as Manifest;
  if (seen.has(manifest.name)) return;
  seen.add(manifest.name);
  copyPublished(source, manifest, join(root, 'node_modules', manifest.name));
  const needed = { ...manifest.dependencies, ...manifest.optionalDependencies };
  for (const name of Object.keys(needed)) {
    const dir = resolvePackageDir(source, name);
    if (dir !== null) stagePackage(root, dir, seen);
  }
}

function removeStage(): void {
  if (current === null) return;
  rmSync(current.root, { recursive: true, force: true });
  current = null;
  stagedScriptDirs.clear();
}

process.on('exit', removeStage);
afterAll(removeStage);

/**
 * The staged copy of @ioaio/core (its built dist and what that imports),
 * made on first use in this test file. Throws when the package is not built.
 */
export function stagedCore(): Stage {
  if (current !== null && existsSync(current.root)) return current;
  const index = join(kCoreDir, 'dist/index.js');
  if (!existsSync(index)) throw new Error(`${index} is missing: build the packages first`);
  const root = mkdtempSync(join(stageParent(), 'ioaio-stage-'));
  stagePackage(root, kCoreDir, new Set());
  openToOthers(root);
  const coreRoot = join(root, 'node_modules/@ioaio/core');
  current = { root, coreIndex: join(coreRoot, 'dist/index.js'), coreCli: join(coreRoot, 'dist/cli.js') };
  return current;
}

/**
 * A staged copy of a child script: the `.mjs`/`.js`/`.json` files of its
 * directory (so `./lib.mjs` and its siblings resolve) under the stage root.
 * Returns the staged script's path.
 */
export function stagedScript(script: string): string {
  const stage = stagedCore();
  const sourceDir = dirname(script);
  let dir = stagedScriptDirs.get(sourceDir);
  if (dir === undefined) {
    dir = join(stage.root, `scripts-${stagedScriptDirs.size}`);
    mkdirSync(dir);
    for (const name of readdirSync(sourceDir)) {
      if (/\.(mjs|cjs|js|json)$/.test(name)) cpSync(join(sourceDir, name), join(dir, name));
    }
    openToOthers(dir);
    stagedScriptDirs.set(sourceDir, dir);
  }
  return join(dir, basename(script));
}
