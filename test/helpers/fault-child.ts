import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { coreDist } from './child.js';
import { stagedCore, stagedScript } from './staged.js';
import { asNobody } from './unprivileged.js';

/** The built ESM entry of @ioaio/core: fault injection runs the package as users get it. */
export const coreDistPath = coreDist;
const coreSrcDir = fileURLToPath(new URL('../../packages/core/src', import.meta.url));

export { kNobody } from './unprivileged.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    newest = Math.max(newest, d.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Throws unless `dist/index.js` exists and is newer than every source file:
 * a child running a stale build would test yesterday's code.
 */
export function assertDistFresh(): void {
  let built: number;
  try {
    built = statSync(coreDistPath).mtimeMs;
  } catch {
    throw new Error(`${coreDistPath} is missing: run \`cd packages/core && npx tsup\` (pnpm build) first`);
  }
  const source = newestMtime(coreSrcDir);
  if (source > built) {
    throw new Error(
      `${coreDistPath} is older than packages/core/src: run \`cd packages/core && npx tsup\` first`,
    );
  }
}

export interface FaultChildOptions {
  /** `ulimit -n` for the child. */
  nofile?: number;
  /**
   * Run as uid/gid 65534 with no supplementary groups (`setpriv`), from a
   * world-readable staged copy of the script's directory and of the package.
   */
  asNobody?: boolean;
  /** Mount a tmpfs of `size` at `dir` in a private mount namespace that dies with the child. */
  tmpfs?: { dir: string; size: string };
  /** `node --expose-gc`. */
  exposeGc?: boolean;
  /** A hang guard for the whole child (spawnSync kills it), not a timing window. */
  timeoutMs?: number;
  cwd?: string;
}

export interface FaultChildResult<T> {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The JSON object the child printed as its last stdout line, or null. */
  result: T | null;
}

/**
 * Runs one of the `.mjs` scripts of test/reliability/children in a fresh
 * Node process, under the resource limit, user or mount asked for. The
 * script gets `IOAIO_CORE_DIST` (the built package) and `IOAIO_CHILD_INPUT`
 * (`input` as JSON) in its environment and prints a JSON summary last.
 */
export function runFaultChild<T>(
  script: string,
  input: unknown,
  options: FaultChildOptions = {},
): FaultChildResult<T> {
  // Invariant: uid 65534 reads only staged copies, whatever the mode of the checkout's directories.
  const runnable = options.asNobody ? stagedScript(script) : script;
  const coreEntry = options.asNobody ? stagedCore().coreIndex : coreDistPath;
  const node = [process.execPath, ...(options.exposeGc ? ['--expose-gc'] : []), runnable];
  const user = options.asNobody ? asNobody(node) : node;
  // "$@" is the command; the limits come first, then exec so the child is the node process itself.
  const prelude = [
    'set -e',
    options.tmpfs ? 'mount -t tmpfs -o "size=$IOAIO_TMPFS_SIZE" tmpfs "$IOAIO_TMPFS_DIR"' : '',
    options.nofile !== undefined ? 'ulimit -n "$IOAIO_NOFILE"' : '',
    'exec "$@"',
  ]
    .filter((line) => line !== '')
    .join('\n');
  const shell = ['bash', '-c', prelude, 'bash', ...user];
  const argv = options.tmpfs ? ['unshare', '--mount', '--propagation', 'private', ...shell] : shell;
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawnSync(command, args, {
    encoding: 'utf8',
    cwd: options.cwd ?? '/',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      IOAIO_CORE_DIST: coreEntry,
      IOAIO_CHILD_INPUT: JSON.stringify(input),
      IOAIO_NOFILE: String(options.nofile ?? ''),
      IOAIO_TMPFS_DIR: options.tmpfs?.dir ?? '',
      IOAIO_TMPFS_SIZE: options.tmpfs?.size ?? '',
    },
  });
  const lines = (child.stdout ?? '').trim().split('\n');
  let result: T | null = null;
  try {
    result = JSON.parse(lines[lines.length - 1] ?? '') as T;
  } catch {
    result = null;
  }
  return {
    status: child.status,
    signal: child.signal,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? '',
    result,
  };
}

/** Whether this host lets us mount a tmpfs in a private mount namespace (root with CAP_SYS_ADMIN). */
export function canMountTmpfs(dir: string): boolean {
  const probe = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir],
    {
      encoding: 'utf8',
    },
  );
  return probe.status === 0;
}

/** The script path of a child under test/reliability/children. */
export function childScript(name: string): string {
  return fileURLToPath(new URL(`../reliability/children/${name}`, import.meta.url));
}

const shmMade: string[] = [];

/** A fresh directory on /dev/shm (tmpfs, another file system than tmpdir()), removed after the test. */
export function shmTempDir(prefix = 'ioaio-test-'): string {
  const dir = mkdtempSync(join('/dev/shm', prefix));
  shmMade.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of shmMade.splice(0)) rmSync(dir, { recursive: true, force: true });
});
