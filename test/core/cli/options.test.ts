import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  byteString,
  kUsage,
  parseOptions,
  type TreescanOptions,
  UsageError,
} from '../../../packages/core/src/cli/options.js';
import { tempDir } from '../../helpers/tmp.js';
import { listing, makeTree, records, runCli } from '../../helpers/tree-fixture.js';

const kDefaults: TreescanOptions = {
  quiet: false,
  print0: false,
  stat: false,
  dirsOnly: false,
  filesOnly: false,
  progress: false,
  sync: false,
  grep: null,
  help: false,
  version: false,
  paths: ['.'],
};

const re = (source: string): RegExp => new RegExp(source, 's');

/** The error parseOptions throws, as a whole value. */
function failure(argv: (string | Buffer)[]): { name: string; message: string; isUsageError: boolean } | null {
  try {
    parseOptions(argv);
    return null;
  } catch (err) {
    return {
      name: (err as Error).name,
      message: (err as Error).message,
      isUsageError: err instanceof UsageError,
    };
  }
}

describe('parseOptions', () => {
  test.each<[string[], Partial<TreescanOptions>]>([
    [[], {}],
    [['-0f'], { print0: true, filesOnly: true }],
    [['-qs', 'x'], { quiet: true, stat: true, paths: ['x'] }],
    [['-d', '-p', '--sync', 'a', 'b'], { dirsOnly: true, progress: true, sync: true, paths: ['a', 'b'] }],
    [['-gRE'], { grep: re('RE') }],
    [['-g', 'RE'], { grep: re('RE') }],
    [['-g', '-d'], { grep: re('-d') }],
    // -g takes the rest of the bundle or the next argument, so no path is left: '.'.
    [['-sg', 't/a'], { stat: true, grep: re('t/a') }],
    [['-0gdeep', 'x'], { print0: true, grep: re('deep'), paths: ['x'] }],
    [['--grep=RE'], { grep: re('RE') }],
    [['--grep', 'RE'], { grep: re('RE') }],
    [['--grep=a=b'], { grep: re('a=b') }],
    // Not Perl's quirk: an empty or "0" pattern is an ordinary pattern.
    [['-g', ''], { grep: re('') }],
    [['-g', '0'], { grep: re('0') }],
    // Unique prefixes of long options, and the one-letter names as long options.
    [['--qu'], { quiet: true }],
    [['--sy'], { sync: true }],
    [['--st'], { stat: true }],
    [['--prog'], { progress: true }],
    [['--print'], { print0: true }],
    [['--gr=deep'], { grep: re('deep') }],
    [['--g=deep'], { grep: re('deep') }],
    [['--s', '--d', '--0'], { stat: true, dirsOnly: true, print0: true }],
    [['--he'], { help: true }],
    [['--version'], { version: true }],
    // Options may follow paths; `--` ends options; a lone `-` is a path.
    [['a', '-d', 'b'], { dirsOnly: true, paths: ['a', 'b'] }],
    [['-f', '--', '-d', '--sync'], { filesOnly: true, paths: ['-d', '--sync'] }],
    [['--'], {}],
    [['-'], { paths: ['-'] }],
  ])('%j', (argv, expected) => {
    expect(parseOptions(argv)).toEqual({ ...kDefaults, ...expected });
  });

  test.each<[string[], string]>([
    [['--pr'], 'option --pr is ambiguous (print0, progress)'],
    [['--p', '--s', '--pr'], 'option --pr is ambiguous (print0, progress)'],
    [['-x'], 'unknown option: -x'],
    [['-dx'], 'unknown option: -x'],
    // Case-sensitive, as Perl's (no_ignore_case): -D, -h, -? are unknown.
    [['-D'], 'unknown option: -D'],
    [['-h'], 'unknown option: -h'],
    [['--Quiet'], 'unknown option: --Quiet'],
    [['--nope'], 'unknown option: --nope'],
    // Names inherited by every object are not options.
    [['--toString'], 'unknown option: --toString'],
    [['--constructor'], 'unknown option: --constructor'],
    [['--__proto__'], 'unknown option: --__proto__'],
    [['--='], 'unknown option: --'],
    [['-g'], 'option -g requires an argument'],
    [['-qg'], 'option -g requires an argument'],
    [['--grep'], 'option --grep requires an argument'],
    [['--quiet=1'], 'option --quiet does not take an argument'],
    [['-g', '('], 'invalid regular expression for -g: Invalid regular expression: /(/s: Unterminated group'],
    // Matching must run in linear time: what only a backtracking engine can run is refused.
    ...[['-g', '(a)\\1'], ['--grep=(?=a)'], ['-g', '(?!a)b'], ['-g', 'x{2000}']].map(
      (argv): [string[], string] => [
        argv,
        '-g pattern cannot be matched in linear time (backreferences, lookahead and large counted repetitions need backtracking)',
      ],
    ),
  ])('%j is a usage error', (argv, message) => {
    expect(failure(argv)).toEqual({ name: 'UsageError', message, isUsageError: true });
  });

  test('arguments given as bytes keep them: a path, a pattern', () => {
    const path = Buffer.from([0x64, 0xfe]);
    expect(parseOptions([Buffer.from('-0g'), Buffer.from([0x80, 0x41]), path])).toEqual({
      ...kDefaults,
      print0: true,
      grep: re('\u0080A'),
      paths: [path],
    });
    expect(parseOptions([Buffer.from('--grep=\u00e9')])).toEqual({
      ...kDefaults,
      grep: re('\u00c3\u00a9'),
    });
  });
});

describe('byteString and -g on bytes', () => {
  test('one character per byte', () => {
    expect(byteString('café')).toBe('caf\u00c3\u00a9');
    expect(byteString(Buffer.from([0x61, 0xff, 0x0a]))).toBe('a\u00ff\n');
  });

  test.each<[string, string, boolean]>([
    ['caf..$', 'tree/café', true],
    ['caf.$', 'tree/café', false],
    ['é$', 'tree/café', true],
    ['^tree/caf\u00e9$', 'tree/café', true],
    ['nl.name', 'tree/nl\nname', true],
    ['^name', 'tree/nl\nname', false],
    ['F2', 'tree/f2', false],
    ['/$', 'tree/sub/', true],
    ['', 'anything', true],
  ])('-g %j on %j: %s', (pattern, path, matches) => {
    const { grep } = parseOptions(['-g', pattern]);
    expect(grep?.test(byteString(Buffer.from(path)))).toBe(matches);
  });

  test('a pattern with a non-UTF-8 byte matches that byte', () => {
    const { grep } = parseOptions([Buffer.from('-g'), Buffer.from([0xff, 0x24])]);
    expect([Buffer.from([0x72, 0xff]), Buffer.from('r\u00ff')].map((p) => grep?.test(byteString(p)))).toEqual(
      [true, false],
    );
  });
});

describe('the command line', () => {
  test.each<[string[], string]>([
    [['-x'], 'unknown option: -x'],
    [['--pr', '.'], 'option --pr is ambiguous (print0, progress)'],
    [['.', '-g'], 'option -g requires an argument'],
    [['-g', '('], 'invalid regular expression for -g: Invalid regular expression: /(/s: Unterminated group'],
  ])('%j: usage on stderr, nothing on stdout, exit 2', (argv, message) => {
    expect(runCli(argv, { cwd: tempDir('ioaio-cli-') })).toEqual({
      status: 2,
      signal: null,
      stdout: Buffer.alloc(0),
      stderr: `treescan: ${message}\n${kUsage}`,
    });
  });

  test('--help: usage on stdout, exit 0', () => {
    expect(runCli(['--help'])).toEqual({ status: 0, signal: null, stdout: Buffer.from(kUsage), stderr: '' });
  });

  test('--version: the package version on stdout, exit 0', () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../../packages/core/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(runCli(['--version'])).toEqual({
      status: 0,
      signal: null,
      stdout: Buffer.from(`treescan (ioaio) ${version}\n`),
      stderr: '',
    });
  });

  test('options after a path still apply (unlike Perl, which takes them as paths)', () => {
    const parent = tempDir('ioaio-cli-');
    const tree = makeTree(parent);
    const run = runCli(['tree', '-0', '-d'], { cwd: parent });
    expect({ ...run, stdout: records(run.stdout, '\0') }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
      stdout: listing(tree, 'tree', 'dirs'),
    });
  });

  test('after --, arguments are paths even when they look like options', () => {
    const parent = tempDir('ioaio-cli-');
    mkdirSync(`${parent}/-d`);
    writeFileSync(`${parent}/-d/x`, '');
    const run = runCli(['-0', '--', '-d'], { cwd: parent });
    expect({ ...run, stdout: records(run.stdout, '\0') }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
      stdout: [Buffer.from('-d/'), Buffer.from('-d/x')],
    });
  });
});
