import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command line (`pnpm treescan`); build it with `npx tsup` in packages/core. */
export const kCli = fileURLToPath(new URL('../../packages/core/dist/cli.js', import.meta.url));
/** IO::AIO's own scanner (Debian: libio-aio-perl). */
export const kPerlTreescan = '/usr/bin/treescan';
/** Under CI a missing peer tool fails the test instead of skipping it. */
export const kCi = process.env.CI === 'true' || process.env.CI === '1';

/** The treescan options a test can pass, and how long a run may take before it counts as hung. */
export interface RunOptions {
  cwd?: string;
  /** A command that runs the scanner as someone else (`setpriv …`), argv style. */
  prefix?: readonly string[];
  timeoutMs?: number;
}

/** What a finished run left behind. `signal` is set when the run was killed (by the timeout, say). */
export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

function run(command: string, args: readonly string[], options: RunOptions): Run {
  const prefix = options.prefix ?? [];
  const [file, ...rest] = [...prefix, command, ...args] as [string, ...string[]];
  const result = spawnSync(file, rest, {
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined && (result.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT')
    throw result.error;
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr.toString(),
  };
}

/** Runs our built CLI (`node dist/cli.js args…`), never through a shell. */
export function runCli(args: readonly string[], options: RunOptions = {}): Run {
  if (!existsSync(kCli)) throw new Error(`${kCli} is missing: run \`npx tsup\` in packages/core first`);
  return run(process.execPath, [kCli, ...args], options);
}

/** Runs Perl's /usr/bin/treescan. */
export function runPerl(args: readonly string[], options: RunOptions = {}): Run {
  return run(kPerlTreescan, args, options);
}

/** Starts our CLI with pipes on stdout and stderr, for tests that act while it runs. */
export function spawnCli(args: readonly string[], cwd: string, timeoutMs = 30_000) {
  if (!existsSync(kCli)) throw new Error(`${kCli} is missing: run \`npx tsup\` in packages/core first`);
  return spawn(process.execPath, [kCli, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
}

/**
 * Splits output into records at every `separator` byte, sorted bytewise: the
 * order of treescan's output is not deterministic, its multiset is. Throws
 * when the output does not end with the separator.
 */
export function records(output: Buffer, separator: '\n' | '\0'): Buffer[] {
  const byte = separator.charCodeAt(0);
  if (output.length === 0) return [];
  if (output[output.length - 1] !== byte)
    throw new Error(`output does not end with ${JSON.stringify(separator)}`);
  const out: Buffer[] = [];
  for (
    let start = 0, end = output.indexOf(byte);
    end >= 0;
    start = end + 1, end = output.indexOf(byte, start)
  ) {
    out.push(Buffer.from(output.subarray(start, end)));
  }
  return out.sort(Buffer.compare);
}

/** What newline-separated output of `listing` looks like once split: names with a newline fall apart. */
export function asLines(listing: readonly Buffer[]): Buffer[] {
  if (listing.length === 0) return [];
  return records(Buffer.concat(listing.flatMap((r) => [r, Buffer.from('\n')])), '\n');
}

const b = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/**
 * One generated tree: `entries` are relative to its root, directories with a
 * trailing `/`, the root itself as the empty name.
 */
export interface Tree {
  /** Absolute path of the root. */
  path: string;
  entries: Buffer[];
}

/**
 * What treescan prints for `tree` scanned as `root` (trailing slashes of the
 * argument collapse to one), sorted; `only` keeps directories or the rest.
 */
export function listing(tree: Tree, root: string, only?: 'dirs' | 'files'): Buffer[] {
  const base = `${root.replace(/\/+$/, '')}/`;
  return tree.entries
    .filter((e) => only === undefined || (e.length === 0 || e[e.length - 1] === 0x2f) === (only === 'dirs'))
    .map((e) => b(base, [...e]))
    .sort(Buffer.compare);
}

function make(
  root: string,
  entries: Buffer[],
  kind: 'dir' | 'file' | 'fifo',
  rel: Buffer,
  content = '',
): void {
  const full = b(root, '/', [...rel]);
  if (kind === 'dir') mkdirSync(full);
  else if (kind === 'file') writeFileSync(full, content);
  else execFileSync('mkfifo', [fifoArg(full)]);
  entries.push(kind === 'dir' ? b([...rel], '/') : rel);
}

// mkfifo takes a string; the FIFO's name is ASCII, so nothing is lost.
function fifoArg(full: Buffer): string {
  const text = full.toString();
  if (!Buffer.from(text).equals(full)) throw new Error('FIFO names must be valid UTF-8');
  return text;
}

/**
 * The parity tree: nested directories, names with spaces, a newline,
 * non-ASCII and non-UTF-8 bytes, symlinks to a file and to a directory, a
 * dangling symlink, empty directories and a FIFO. Made under `parent/name`,
 * traversable by everyone (the unprivileged runs read it too).
 */
export function makeTree(parent: string, name = 'tree'): Tree {
  chmodSync(parent, 0o755);
  const path = `${parent}/${name}`;
  mkdirSync(path);
  const entries: Buffer[] = [Buffer.alloc(0)];
  const dir = (...rel: (string | number[])[]) => make(path, entries, 'dir', b(...rel));
  const file = (...rel: (string | number[])[]) => make(path, entries, 'file', b(...rel), 'x');
  const link = (target: string, rel: string) => {
    symlinkSync(target, `${path}/${rel}`);
    entries.push(b(rel));
  };
  file('file');
  file('café');
  file('raw', [0xff]);
  file('nl\nname');
  dir('sp ace');
  file('sp ace/in side');
  dir('empty');
  dir('sub');
  dir('sub/deeper');
  file('sub/deeper/leaf');
  dir('sub/naïve dir');
  dir('sub/naïve dir/also empty');
  dir('dir', [0xfe]);
  file('dir', [0xfe], '/in', [0x80, 0x41]);
  dir('a');
  dir('a/b');
  dir('a/b/c');
  file('a/b/c/deep file');
  link('file', 'lnfile');
  link('sub', 'lndir');
  link('missing', 'dangle');
  make(path, entries, 'fifo', b('fifo'));
  return { path, entries: entries.sort(Buffer.compare) };
}

/**
 * `dirs` directories of `files` files each under `parent/name`, with long
 * names so the output is large. Perf: the files are hard links to one file
 * beside the tree; creating 20,000 inodes took 25 s on a loaded VM, links 1 s.
 */
export function makeWideTree(parent: string, name: string, dirs: number, files: number): Tree {
  const path = `${parent}/${name}`;
  const seed = `${parent}/${name}.seed`;
  const entries: Buffer[] = [Buffer.alloc(0)];
  mkdirSync(path);
  writeFileSync(seed, '');
  for (let d = 0; d < dirs; d++) {
    const dir = `directory-${String(d).padStart(4, '0')}`;
    mkdirSync(`${path}/${dir}`);
    entries.push(b(dir, '/'));
    for (let f = 0; f < files; f++) {
      const rel = `${dir}/a-file-with-a-rather-long-name-${String(f).padStart(4, '0')}`;
      linkSync(seed, `${path}/${rel}`);
      entries.push(b(rel));
    }
  }
  return { path, entries: entries.sort(Buffer.compare) };
}

/** How to run a command as uid/gid 65534, if this machine has a way. */
export interface Unprivileged {
  /** Prepended to the command; empty when the tests already run unprivileged. */
  prefix: string[];
  tool: 'setpriv' | 'runuser' | 'none: not root';
}

function works(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * `setpriv --reuid=65534 --regid=65534 --clear-groups`, else
 * `runuser -u nobody --`; null when running as root with neither. Not root:
 * permissions already apply, nothing to drop.
 */
export function unprivileged(): Unprivileged | null {
  if (process.getuid?.() !== 0) return { prefix: [], tool: 'none: not root' };
  const setpriv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  if (works(setpriv[0] as string, [...setpriv.slice(1), 'true'])) return { prefix: setpriv, tool: 'setpriv' };
  const runuser = ['runuser', '-u', 'nobody', '--'];
  if (works(runuser[0] as string, [...runuser.slice(1), 'true'])) return { prefix: runuser, tool: 'runuser' };
  return null;
}
