import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Why this module exists: the install test meets ioaio as a user outside
 * this repository does. It packs the workspace packages with `pnpm pack`,
 * makes a fresh npm project, and installs the tarballs there with npm.
 * Everything else the project needs (rxjs, typescript, @types/node and what
 * they depend on) is packed from the copies this workspace already has
 * installed, at the versions it tests with, so `npm install --offline`
 * never reaches the registry and the test cannot be flaky on the network.
 */

/** The repository root. */
export const kRepo = fileURLToPath(new URL('../..', import.meta.url));

/** What a user installs beside ioaio to write TypeScript with it. */
const kUserPackages = ['rxjs', 'typescript', '@types/node'];

/** A finished command: what a test asserts about it. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for npm and pnpm: the caller's, without the `npm_*`
 * settings a package manager running this suite passes down, which would
 * otherwise configure the user's npm.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm|pnpm)_/i.test(key)) env[key] = value;
  }
  return env;
}

/** Runs a command to its end (no shell), with a time limit. */
export function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Ran {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    env: userEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed; a failure throws with its output. */
function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number): string {
  const result = run(command, args, cwd, timeoutMs);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * The workspace packages a user installs: core and rx, and the native pool
 * when core depends on it (read now, since that can change).
 */
export function workspacePackages(): string[] {
  const core = readManifest(join(kRepo, 'packages/core'));
  const native = { ...core.dependencies, ...core.optionalDependencies }['@ioaio/native'] !== undefined;
  return native ? ['@ioaio/core', '@ioaio/native', '@ioaio/rx'] : ['@ioaio/core', '@ioaio/rx'];
}

/** Packs the workspace packages into `dest` as `pnpm publish` would; returns the tarballs. */
function packWorkspace(names: string[], dest: string): string[] {
  const filters = names.flatMap((name) => ['--filter', name]);
  mustRun('pnpm', [...filters, 'pack', '--pack-destination', dest], kRepo);
  return readdirSync(dest)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(dest, f));
}

/** The folder an installed package's own dependencies are found in (pnpm keeps them beside it). */
function siblingsOf(dir: string, name: string): string {
  return dir.slice(0, dir.length - name.length - 1);
}

/**
 * Every package a user package needs, as installed in this workspace:
 * name → real folder, its dependencies included, found beside it.
 */
function storeClosure(): Map<string, string> {
  const found = new Map<string, string>();
  const pending = kUserPackages.map((name) => ({
    name,
    dir: realpathSync(join(kRepo, 'node_modules', name)),
  }));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (found.has(next.name)) continue;
    found.set(next.name, next.dir);
    const manifest = readManifest(next.dir);
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies });
    const near = siblingsOf(next.dir, next.name);
    for (const dep of deps.filter((d) => existsSync(join(near, d)))) {
      pending.push({ name: dep, dir: realpathSync(join(near, dep)) });
    }
  }
  return found;
}

/**
 * Packs the installed copies of the user packages as tarballs in `dest`.
 * Platform: GNU tar, whose `package/` prefix is what npm expects; the
 * folders hold exactly what their published tarballs held.
 */
function packStoreCopies(dest: string): string[] {
  const tarballs: string[] = [];
  for (const [name, dir] of storeClosure()) {
    const { version } = readManifest(dir);
    const file = join(dest, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    mustRun(
      'tar',
      ['-c', '-I', 'gzip -1', '-f', file, '-C', dir, '--transform', 's,^\\.,package,', '.'],
      dest,
    );
    tarballs.push(file);
  }
  return tarballs;
}

/** A fresh npm project with every tarball installed, offline. */
export interface Scratch {
  /** The project folder (package.json, node_modules, src, out). */
  dir: string;
  /** Names of the packages installed at the top (what the app depends on). */
  installed: string[];
  /** Every tarball installed, by package name. */
  tarballs: Map<string, string>;
  /**
   * npm options that reach nothing outside: offline, with a cache
   * and an (empty) user config of the project's own, so neither the network
   * nor what the user's cache or ~/.npmrc holds can change an outcome.
   */
  npmOptions: string[];
  /** Removes everything the scratch project made. */
  remove(): void;
}

/** Packs, makes the project, installs. Takes 10-60 s. */
export function makeScratch(): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'ioaio-install-'));
  const tarballs = join(root, 'tarballs');
  const dir = join(root, 'app');
  mkdirSync(tarballs);
  mkdirSync(dir);
  const files = [...packWorkspace(workspacePackages(), tarballs), ...packStoreCopies(tarballs)];
  const byName = new Map(files.map((file) => [tarballName(file, root), file]));
  writeFileSync(join(root, 'npmrc'), '');
  const isolated = ['--cache', join(root, 'npm-cache'), '--userconfig', join(root, 'npmrc')];
  const npmOptions = ['--offline', '--no-audit', '--no-fund', '--no-update-notifier', ...isolated];
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'scratch-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  mustRun('npm', ['install', ...npmOptions, ...files], dir, 300_000);
  const installed = Object.keys(readManifest(dir).dependencies ?? {}).sort();
  const remove = () => rmSync(root, { recursive: true, force: true });
  return { dir, installed, tarballs: byName, npmOptions, remove };
}

/** The package name inside a tarball, read from its manifest. */
function tarballName(file: string, cwd: string): string {
  return (JSON.parse(mustRun('tar', ['-xzOf', file, 'package/package.json'], cwd)) as Manifest).name;
}

/** Copies the repository's examples into the project's `src/examples`. */
export function copyExamples(dir: string): void {
  cpSync(join(kRepo, 'examples'), join(dir, 'src/examples'), {
    recursive: true,
    filter: (from) => !/[/\\](dist|tsconfig\.json|README\.md)$/.test(from),
  });
}
