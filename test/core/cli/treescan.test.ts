import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createAio } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { parseOptions } from '../../../packages/core/src/cli/options.js';
import { Treescan } from '../../../packages/core/src/cli/treescan.js';
import { stagedCore } from '../../helpers/staged.js';
import { tempDir } from '../../helpers/tmp.js';
import {
  asLines,
  kCi,
  kCli,
  kPerlTreescan,
  listing,
  makeTree,
  makeWideTree,
  records,
  runCli,
  runPerl,
  spawnCli,
  type Tree,
  unprivileged,
} from '../../helpers/tree-fixture.js';

const b = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** What a run printed, as a whole value: sorted records, stderr, status. */
function outcome(
  run: { status: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string },
  sep: '\n' | '\0',
) {
  return { status: run.status, signal: run.signal, stderr: run.stderr, stdout: records(run.stdout, sep) };
}

interface Case {
  name: string;
  /** Arguments before the separator choice; `@abs` stands for the tree's absolute path. */
  args: string[];
  /** Run inside the tree instead of beside it. */
  inside?: boolean;
  expected: (tree: Tree) => Buffer[];
}

const kCases: Case[] = [
  { name: 'no options', args: ['tree'], expected: (t) => listing(t, 'tree') },
  { name: '-d', args: ['-d', 'tree'], expected: (t) => listing(t, 'tree', 'dirs') },
  { name: '-f', args: ['-f', 'tree'], expected: (t) => listing(t, 'tree', 'files') },
  { name: '-d -f (both suppressed)', args: ['-d', '-f', 'tree'], expected: () => [] },
  { name: '-s', args: ['-s', 'tree'], expected: (t) => listing(t, 'tree') },
  {
    name: "-g 'sp ace'",
    args: ['-g', 'sp ace', 'tree'],
    expected: () => [b('tree/sp ace/'), b('tree/sp ace/in side')],
  },
  // Matched against the full path, directories with their slash: only directories end in '/'.
  { name: "-g '/$'", args: ['-g', '/$', 'tree'], expected: (t) => listing(t, 'tree', 'dirs') },
  // Bytes, not characters: é is two bytes, as Perl sees it.
  { name: "-g 'caf..$'", args: ['-g', 'caf..$', 'tree'], expected: () => [b('tree/café')] },
  { name: "-g 'caf.$'", args: ['-g', 'caf.$', 'tree'], expected: () => [] },
  // `.` matches the newline (Perl's /s); non-matching directories are still descended.
  {
    name: "-g 'nl.name|deep'",
    args: ['-g', 'nl.name|deep', 'tree'],
    expected: () => [
      b('tree/a/b/c/deep file'),
      b('tree/nl\nname'),
      b('tree/sub/deeper/'),
      b('tree/sub/deeper/leaf'),
    ],
  },
  { name: 'root with trailing slashes', args: ['tree//'], expected: (t) => listing(t, 'tree') },
  { name: 'relative root ./tree', args: ['./tree'], expected: (t) => listing(t, './tree') },
  { name: 'no path: the current directory', args: [], inside: true, expected: (t) => listing(t, '.') },
  { name: 'absolute root', args: ['@abs'], expected: (t) => listing(t, t.path) },
  {
    name: 'a root that is a symlink to a directory is followed',
    args: ['tree/lndir'],
    expected: () => [
      b('tree/lndir/'),
      b('tree/lndir/deeper/'),
      b('tree/lndir/deeper/leaf'),
      b('tree/lndir/naïve dir/'),
      b('tree/lndir/naïve dir/also empty/'),
    ],
  },
  {
    name: 'several roots, repeated ones printed again',
    args: ['tree/sp ace', 'tree/empty', 'tree/sp ace/'],
    expected: () => [
      b('tree/empty/'),
      b('tree/sp ace/'),
      b('tree/sp ace/'),
      b('tree/sp ace/in side'),
      b('tree/sp ace/in side'),
    ],
  },
];

function scan(c: Case, print0: boolean, withPerl: boolean) {
  const parent = tempDir('ioaio-cli-');
  const tree = makeTree(parent);
  const args = [...(print0 ? ['-0'] : []), ...c.args.map((a) => (a === '@abs' ? tree.path : a))];
  const cwd = c.inside ? tree.path : parent;
  const sep: '\n' | '\0' = print0 ? '\0' : '\n';
  const expected = print0 ? c.expected(tree) : asLines(c.expected(tree));
  return { sep, expected, ours: runCli(args, { cwd }), perl: withPerl ? runPerl(args, { cwd }) : null };
}

describe('treescan prints the tree', () => {
  test('the fixture lists what the tests expect', () => {
    const tree = makeTree(tempDir('ioaio-cli-'));
    // Spelled out once, so a fixture change shows here rather than as a mystery elsewhere.
    expect(listing(tree, 'tree')).toEqual(
      [
        'tree/',
        'tree/a/',
        'tree/a/b/',
        'tree/a/b/c/',
        'tree/a/b/c/deep file',
        'tree/café',
        'tree/dangle',
        b('tree/dir', [0xfe], '/'),
        b('tree/dir', [0xfe], '/in', [0x80], 'A'),
        'tree/empty/',
        'tree/fifo',
        'tree/file',
        'tree/lndir',
        'tree/lnfile',
        'tree/nl\nname',
        b('tree/raw', [0xff]),
        'tree/sp ace/',
        'tree/sp ace/in side',
        'tree/sub/',
        'tree/sub/deeper/',
        'tree/sub/deeper/leaf',
        'tree/sub/naïve dir/',
        'tree/sub/naïve dir/also empty/',
      ]
        .map((r) => (typeof r === 'string' ? b(r) : r))
        .sort(Buffer.compare),
    );
  });

  for (const print0 of [false, true]) {
    test.for(kCases)(`$name${print0 ? ' with -0' : ''}`, (c) => {
      const { sep, expected, ours } = scan(c, print0, false);
      expect(outcome(ours, sep)).toEqual({ status: 0, signal: null, stderr: '', stdout: expected });
    });
  }
});

describe(`parity with Perl's ${kPerlTreescan}`, () => {
  const missing = (): boolean => {
    const r = spawnSync(kPerlTreescan, ['--version'], { stdio: 'ignore' });
    return r.error !== undefined || r.status !== 0;
  };
  const requirePerl = (ctx: { skip: (note?: string) => never }): void => {
    if (!missing()) return;
    if (kCi)
      throw new Error(`${kPerlTreescan} is missing; CI must have it (apt-get install -y libio-aio-perl)`);
    ctx.skip(`${kPerlTreescan} is not installed (apt-get install -y libio-aio-perl); parity not checked`);
  };

  for (const print0 of [false, true]) {
    test.for(kCases)(`same records as Perl: $name${print0 ? ' with -0' : ''}`, (c, ctx) => {
      requirePerl(ctx);
      const { sep, expected, ours, perl } = scan(c, print0, true);
      // Perl exits 0 and prints nothing on stderr for this tree too: the whole outcome must match.
      expect(outcome(ours, sep)).toEqual(outcome(perl as NonNullable<typeof perl>, sep));
      expect(records(ours.stdout, sep)).toEqual(expected);
    });
  }
});

/**
 * The tree for permission errors: `noread` (mode 311: searchable, not
 * readable) and `locked` (mode 000) beside readable entries.
 */
function makeLockedTree(parent: string): void {
  chmodSync(parent, 0o755);
  for (const dir of ['tree', 'tree/ok', 'tree/noread', 'tree/locked']) {
    mkdirSync(`${parent}/${dir}`);
    chmodSync(`${parent}/${dir}`, 0o755);
  }
  for (const file of ['tree/f', 'tree/ok/a', 'tree/noread/hidden', 'tree/locked/secret']) {
    writeFileSync(`${parent}/${file}`, '');
    chmodSync(`${parent}/${file}`, 0o644);
  }
  chmodSync(`${parent}/tree/noread`, 0o311);
  chmodSync(`${parent}/tree/locked`, 0o000);
}

function dropPrivileges(ctx: { skip: (note?: string) => never }): string[] {
  const how = unprivileged();
  if (how !== null) return how.prefix;
  if (kCi) throw new Error('running as root with neither setpriv nor runuser: cannot test permission errors');
  ctx.skip('running as root with neither setpriv nor runuser: permission errors not tested');
}

/**
 * Runs the CLI as another user from a world-readable staged copy: that user
 * may not be able to enter the checkout (a clone under a 0700 directory).
 */
function runStagedCli(prefix: string[], args: string[], cwd: string) {
  const [file, ...rest] = [...prefix, process.execPath, stagedCore().coreCli, ...args];
  const result = spawnSync(file as string, rest, { cwd, timeout: 30_000 });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr.toString(),
  };
}

describe('errors', () => {
  test('an unreadable subdirectory: one stderr line each, the rest printed, exit 1', (ctx) => {
    const prefix = dropPrivileges(ctx);
    const parent = tempDir('ioaio-cli-');
    makeLockedTree(parent);
    const run = runStagedCli(prefix, ['tree'], parent);
    // Deliberate difference: Perl on ext4/tmpfs lists `locked` as a plain file and says nothing
    // (docs/treescan-notes.md 4.2); we read dirent types, know it is a directory, and report it.
    expect({ ...outcome(run, '\n'), stderr: run.stderr.split('\n').sort() }).toEqual({
      status: 1,
      signal: null,
      stderr: ['', 'tree/locked: EACCES: permission denied', 'tree/noread: EACCES: permission denied'],
      stdout: [b('tree/'), b('tree/f'), b('tree/ok/'), b('tree/ok/a')],
    });
  });

  test("Perl's treescan, by contrast, lists the mode-000 directory as a file and exits 0", (ctx) => {
    const prefix = dropPrivileges(ctx);
    if (spawnSync(kPerlTreescan, ['--version'], { stdio: 'ignore' }).status !== 0) {
      if (kCi) throw new Error(`${kPerlTreescan} is missing; CI must have it`);
      ctx.skip(`${kPerlTreescan} is not installed`);
    }
    const parent = tempDir('ioaio-cli-');
    makeLockedTree(parent);
    expect(outcome(runPerl(['tree'], { cwd: parent, prefix }), '\n')).toEqual({
      status: 0,
      signal: null,
      stderr: 'tree/noread/: Permission denied\n',
      stdout: [b('tree/'), b('tree/f'), b('tree/locked'), b('tree/ok/'), b('tree/ok/a')],
    });
  });

  test('a missing root: ENOENT on stderr, nothing printed, exit 1', () => {
    const parent = tempDir('ioaio-cli-');
    expect(outcome(runCli(['missing'], { cwd: parent }), '\n')).toEqual({
      status: 1,
      signal: null,
      stderr: 'missing: ENOENT: no such file or directory\n',
      stdout: [],
    });
  });

  test('a missing root does not stop the other roots', () => {
    const parent = tempDir('ioaio-cli-');
    const tree = makeTree(parent);
    expect(outcome(runCli(['-0', 'missing/', 'tree'], { cwd: parent }), '\0')).toEqual({
      status: 1,
      signal: null,
      stderr: 'missing: ENOENT: no such file or directory\n',
      stdout: listing(tree, 'tree'),
    });
  });

  test('a file as root: ENOTDIR on stderr, nothing printed, exit 1', () => {
    const parent = tempDir('ioaio-cli-');
    makeTree(parent);
    expect(outcome(runCli(['tree/file', 'tree/fifo'], { cwd: parent }), '\n')).toEqual({
      status: 1,
      signal: null,
      stderr: 'tree/file: ENOTDIR: not a directory\ntree/fifo: ENOTDIR: not a directory\n',
      stdout: [],
    });
  });
});

describe('arguments that are not valid UTF-8', () => {
  /** xargs -0 hands the bytes to the CLI unchanged (no shell involved); Node alone cannot. */
  function viaXargs(args: Buffer[], cwd: string) {
    const result = spawnSync('xargs', ['-0', process.execPath, kCli], {
      cwd,
      input: Buffer.concat(args.flatMap((a) => [a, Buffer.from([0])])),
      timeout: 30_000,
    });
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }

  test('a root and a pattern keep their bytes', () => {
    const parent = tempDir('ioaio-cli-');
    makeTree(parent);
    const run = viaXargs([b('-0'), b('tree/dir', [0xfe]), b('-g'), b([0x80], 'A$')], parent);
    expect({ ...run, stdout: records(run.stdout, '\0') }).toEqual({
      status: 0,
      signal: null,
      stderr: Buffer.alloc(0),
      stdout: [b('tree/dir', [0xfe], '/in', [0x80], 'A')],
    });
  });

  test('a missing one is named byte for byte', () => {
    const parent = tempDir('ioaio-cli-');
    // xargs reports a command's status 1-125 as 123.
    expect(viaXargs([b('no', [0xfe])], parent)).toEqual({
      status: 123,
      signal: null,
      stderr: b('no', [0xfe], ': ENOENT: no such file or directory\n'),
      stdout: Buffer.alloc(0),
    });
  });
});

describe('--sync and -q', () => {
  test('--sync on a tree with a FIFO completes and prints everything', () => {
    const parent = tempDir('ioaio-cli-');
    const tree = makeTree(parent);
    // The timeout is the guard: a FIFO opened for reading would block for ever (Perl's does).
    expect(outcome(runCli(['--sync', '-0', 'tree'], { cwd: parent, timeoutMs: 20_000 }), '\0')).toEqual({
      status: 0,
      signal: null,
      stderr: '',
      stdout: listing(tree, 'tree'),
    });
  });

  test.each([[['-q']], [['-q', '-0']], [['-0q', '-s', '--sync']]])(
    '%j prints nothing and exits 0',
    (options) => {
      const parent = tempDir('ioaio-cli-');
      makeTree(parent);
      // Deliberate difference: Perl prints with -q -0.
      expect(runCli([...options, 'tree'], { cwd: parent, timeoutMs: 20_000 })).toEqual({
        status: 0,
        signal: null,
        stderr: '',
        stdout: Buffer.alloc(0),
      });
    },
  );
});

describe('Ctrl-C', () => {
  test('SIGINT during a big scan ends it promptly with status 130', async () => {
    const parent = tempDir('ioaio-cli-');
    const tree = makeWideTree(parent, 'big', 200, 100);
    // The spawn timeout bounds "promptly": a scan that ignored SIGINT is killed with SIGTERM and fails.
    const child = spawnCli(['big'], parent, 20_000);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdout.once('data', () => {
      // Invariant: the output (about 1 MB) is far bigger than what the pipe and the
      // stream buffer hold, so the scan cannot finish before this signal: it waits
      // for us to read on, and we read on only after sending it.
      child.kill('SIGINT');
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, sig) => resolve([code, sig])),
    );
    expect({ status, signal, stderr: Buffer.concat(stderr).toString() }).toEqual({
      status: 130,
      signal: null,
      stderr: '',
    });
    // It stopped early: only whole lines, a strict subset of the tree.
    const printed = records(Buffer.concat(stdout), '\n');
    const all = listing(tree, 'big');
    expect(printed.length).toBeLessThan(all.length);
    const known = new Set(all.map((r) => r.toString('latin1')));
    expect(printed.filter((r) => !known.has(r.toString('latin1')))).toEqual([]);
  });
});

describe('Treescan (in process)', () => {
  test('a reader that goes away while the walk waits for it to drain ends the walk', async () => {
    const dir = tempDir('ioaio-cli-');
    for (let i = 0; i < 50; i++) writeFileSync(`${dir}/file-${i}`, '');
    for (const sub of ['s1', 's2', 's3']) mkdirSync(`${dir}/${sub}`);
    const written: Buffer[] = [];
    // A reader that takes the first chunk, never acknowledges it, then goes away (EPIPE):
    // the walk is paused for backpressure when the error arrives, with nothing in flight.
    const stdout = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer) {
        written.push(chunk);
        setImmediate(() => this.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
      },
    });
    const errors: Buffer[] = [];
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, done) {
        errors.push(chunk);
        done();
      },
    });
    const scan = new Treescan(createAio(), parseOptions([dir]), {
      stdout,
      stderr: stderr as unknown as NodeJS.WriteStream,
    });
    const status = await scan.run();
    expect({
      status,
      stderr: Buffer.concat(errors).toString(),
      written: records(Buffer.concat(written), '\n'),
    }).toEqual({
      status: 0,
      stderr: '',
      // The root's block only: the subdirectories were never scanned.
      written: [`${dir}/`, ...Array.from({ length: 50 }, (_, i) => `${dir}/file-${i}`)]
        .map((r) => b(r))
        .sort(Buffer.compare),
    });
  }, 10_000);
});
