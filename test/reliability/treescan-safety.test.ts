import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { kUsage } from '../../packages/core/src/cli/options.js';
import { stagedCore } from '../helpers/staged.js';
import { tempDir } from '../helpers/tmp.js';
import {
  kCi,
  kCli,
  listing,
  makeTree,
  makeWideTree,
  records,
  runCli,
  unprivileged,
} from '../helpers/tree-fixture.js';

const b = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** A file named with 40 `a`s and a `b`, which `(a+)+$` backtracks on for ever, beside names it matches. */
function makeBacktrackTree(parent: string): void {
  mkdirSync(`${parent}/t`);
  writeFileSync(`${parent}/t/${'a'.repeat(40)}b`, '');
  writeFileSync(`${parent}/t/xaaa`, '');
  writeFileSync(`${parent}/t/${'a'.repeat(30)}`, '');
}

describe('-g never hangs the scanner', () => {
  test("-g '(a+)+$' over a name of 40 a's and a b finishes and prints exactly the matching paths", () => {
    const parent = tempDir('ioaio-cli-');
    makeBacktrackTree(parent);
    // The timeout is the guard: a backtracking match of this name takes hours.
    const run = runCli(['-g', '(a+)+$', 't'], { cwd: parent, timeoutMs: 20_000 });
    expect({ ...run, stdout: records(run.stdout, '\n') }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
      stdout: [b('t/', 'a'.repeat(30)), b('t/xaaa')],
    });
  });

  test.each([
    ['a backreference', '(a)\\1'],
    ['a lookahead', 'x(?=y)'],
    ['a negative lookahead', 'x(?!y)'],
    ['a large counted repetition', 'a{1000}'],
  ])(
    'a pattern the linear engine cannot run (%s) is refused with status 2 and a clear message',
    (_, pattern) => {
      const parent = tempDir('ioaio-cli-');
      makeBacktrackTree(parent);
      expect(runCli(['-g', pattern, 't'], { cwd: parent, timeoutMs: 20_000 })).toEqual({
        status: 2,
        signal: null,
        stderr:
          'treescan: -g pattern cannot be matched in linear time (backreferences, lookahead and large counted repetitions need backtracking)\n' +
          kUsage,
        stdout: Buffer.alloc(0),
      });
    },
  );
});

describe('output errors', () => {
  test('stdout on /dev/full: one line `treescan: ENOSPC: …` on stderr, no stack trace, status 1', () => {
    const parent = tempDir('ioaio-cli-');
    makeTree(parent);
    const full = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [kCli, 'tree'], {
        cwd: parent,
        stdio: ['ignore', full, 'pipe'],
        timeout: 20_000,
      });
      expect({ status: result.status, signal: result.signal, stderr: result.stderr.toString() }).toEqual({
        status: 1,
        signal: null,
        stderr: 'treescan: ENOSPC: no space left on device\n',
      });
    } finally {
      closeSync(full);
    }
  });
});

/** The command prefix that runs as uid 65534; skips (or fails under CI) when there is none. */
function dropPrivileges(ctx: { skip: (note?: string) => never }): string[] {
  const how = unprivileged();
  if (how !== null) return how.prefix;
  if (kCi) throw new Error('running as root with neither setpriv nor runuser: cannot test --sync failures');
  ctx.skip('running as root with neither setpriv nor runuser: --sync failures not tested');
}

describe('--sync failures', () => {
  test('a file the user cannot open: `path: EACCES: …` on stderr, everything else printed and synced, status 1', (ctx) => {
    const prefix = dropPrivileges(ctx);
    const parent = tempDir('ioaio-cli-');
    const tree = makeTree(parent);
    writeFileSync(`${parent}/tree/secret`, 'x');
    chmodSync(`${parent}/tree/secret`, 0o000);
    // A staged copy: the user may not be able to enter the checkout.
    const cli = stagedCore().coreCli;
    const [file, ...args] = [...prefix, process.execPath, cli, '--sync', '-0', 'tree'];
    const result = spawnSync(file as string, args, { cwd: parent, timeout: 20_000 });
    expect({
      status: result.status,
      signal: result.signal,
      stderr: result.stderr.toString(),
      stdout: records(result.stdout, '\0'),
    }).toEqual({
      status: 1,
      signal: null,
      stderr: 'tree/secret: EACCES: permission denied\n',
      stdout: [...listing(tree, 'tree'), b('tree/secret')].sort(Buffer.compare),
    });
  });
});

/**
 * `count` files with names of about 240 bytes directly in `parent/name`: its
 * listing is written as one chunk (about 1.5 MB for 6,000), far more than the
 * channel to the reader holds (libuv's stdio pipes are socket pairs: about
 * 200 KiB each way) plus the reader's buffer. Perf: hard links to one file.
 */
function makeFlatTree(parent: string, name: string, count: number): void {
  const dir = `${parent}/${name}`;
  const long = `a-file-with-a-long-name-to-fill-the-pipe-${'x'.repeat(190)}`;
  mkdirSync(dir);
  writeFileSync(`${parent}/seed`, '');
  for (let i = 0; i < count; i++) linkSync(`${parent}/seed`, `${dir}/${long}-${i}`);
}

/** Starts the CLI on a big tree, sends SIGINT once the first output arrived, and returns how it ended. */
async function interrupt(args: string[], cwd: string, readOn: boolean) {
  const child = spawn(process.execPath, [kCli, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  const stderr: Buffer[] = [];
  const stdout: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout.once('data', (chunk: Buffer) => {
    stdout.push(chunk);
    child.kill('SIGINT');
    // A reader that stops reading: the rest of the chunk this came from can never be written.
    if (!readOn) child.stdout.pause();
    else child.stdout.on('data', (more: Buffer) => stdout.push(more));
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  // 'exit', not 'close': a paused stdout never ends, so 'close' would wait for ever.
  const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (code, sig) => resolve([code, sig])),
  );
  child.stdout.resume();
  await closed;
  return { status, signal, stderr: Buffer.concat(stderr).toString(), stdout: Buffer.concat(stdout) };
}

describe('Ctrl-C', () => {
  test('with a reader that stopped reading, SIGINT still ends the scanner (by the signal, after a short grace)', async () => {
    const parent = tempDir('ioaio-cli-');
    makeFlatTree(parent, 'flat', 6000);
    // The spawn timeout (SIGTERM after 20 s) is the guard: a scanner that waited for the reader fails here.
    const run = await interrupt(['flat'], parent, false);
    expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({
      status: null,
      signal: 'SIGINT',
      stderr: '',
    });
  });

  test('SIGINT during -g matching over many names ends with status 130 and whole lines only', async () => {
    const parent = tempDir('ioaio-cli-');
    const tree = makeWideTree(parent, 'big', 200, 100);
    const run = await interrupt(['-g', '(a+)+$|directory', 'big'], parent, true);
    expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({
      status: 130,
      signal: null,
      stderr: '',
    });
    const known = new Set(listing(tree, 'big').map((r) => r.toString('latin1')));
    const printed = records(run.stdout, '\n');
    expect(printed.filter((r) => !known.has(r.toString('latin1')))).toEqual([]);
  });
});
