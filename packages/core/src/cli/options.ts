import { setFlagsFromString } from 'node:v8';

/** What the command line asked for. */
export interface TreescanOptions {
  quiet: boolean;
  print0: boolean;
  stat: boolean;
  dirsOnly: boolean;
  filesOnly: boolean;
  progress: boolean;
  sync: boolean;
  grep: RegExp | null;
  help: boolean;
  version: boolean;
  /** Raw bytes (a Buffer) where the command line held a name that is not valid UTF-8. */
  paths: (string | Buffer)[];
}

/** A command line that cannot be obeyed: usage goes to stderr, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Flag = Exclude<keyof TreescanOptions, 'grep' | 'paths'>;

// Maps, not object literals: `--toString` or `--__proto__` must be unknown options, not inherited keys.
const kShort = new Map<string, Flag | 'grep'>([
  ['q', 'quiet'],
  ['0', 'print0'],
  ['s', 'stat'],
  ['d', 'dirsOnly'],
  ['f', 'filesOnly'],
  ['p', 'progress'],
  ['g', 'grep'],
]);

const kLong = new Map<string, Flag | 'grep'>([
  ['quiet', 'quiet'],
  ['print0', 'print0'],
  ['stat', 'stat'],
  ['dirs', 'dirsOnly'],
  ['files', 'filesOnly'],
  ['progress', 'progress'],
  ['sync', 'sync'],
  ['grep', 'grep'],
  ['help', 'help'],
  ['version', 'version'],
]);

/**
 * The path as treescan matches it: one character per byte (latin1), so a
 * pattern sees exactly the bytes Perl's treescan sees.
 */
export function byteString(value: string | Buffer): string {
  return (typeof value === 'string' ? Buffer.from(value) : value).toString('latin1');
}

/**
 * Whether V8's linear-time regexp engine is on. Platform: Node 20 to 24 carry
 * it behind a flag; setting it at run time is enough for regexps made after.
 */
let linearEngine: boolean | null = null;
const kLinearFlag = 'l';

function enableLinearEngine(): boolean {
  if (linearEngine === null) {
    // The on-excessive-backtracks flag keeps the fast backtracking engine for
    // ordinary patterns and moves a match to the linear engine once it has
    // backtracked too long; the other flag allows the `l` test below.
    setFlagsFromString('--enable-experimental-regexp-engine');
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    try {
      // Invariant: built at run time, never a literal: a literal with `l` fails to parse without the flag.
      linearEngine = new RegExp('', kLinearFlag).flags === kLinearFlag;
    } catch {
      linearEngine = false;
    }
  }
  return linearEngine;
}

/**
 * Compiles a -g pattern so that matching can never hang the scanner: a
 * pattern the linear-time engine cannot run (backreferences, lookahead,
 * large counted repetitions; lookbehind too before Node 22) is refused,
 * because a backtracking match of it could run for ever; the others fall
 * back to the linear engine when they backtrack too long.
 */
function compileGrep(source: string | Buffer): RegExp {
  const pattern = byteString(source);
  // Invariant: the flags are set before the pattern is compiled, so its matches can fall back.
  const linear = enableLinearEngine();
  let grep: RegExp;
  try {
    // `s`: `.` matches newlines too, as Perl's qr{...}s does.
    grep = new RegExp(pattern, 's');
  } catch (err) {
    throw new UsageError(`invalid regular expression for -g: ${(err as Error).message}`);
  }
  if (!linear) {
    throw new UsageError("-g needs V8's linear-time regexp engine, which this Node.js does not have");
  }
  try {
    new RegExp(pattern, `s${kLinearFlag}`);
  } catch {
    throw new UsageError(
      '-g pattern cannot be matched in linear time (backreferences, lookahead and large counted repetitions need backtracking)',
    );
  }
  return grep;
}

/** Long options may be shortened to any unique prefix, as Getopt::Long allows. */
function longOption(name: string): Flag | 'grep' {
  const exact = kLong.get(name) ?? kShort.get(name);
  if (exact !== undefined) return exact;
  const matches = name === '' ? [] : [...kLong.keys()].filter((long) => long.startsWith(name));
  if (matches.length === 1) return kLong.get(matches[0] as string) as Flag | 'grep';
  if (matches.length > 1) throw new UsageError(`option --${name} is ambiguous (${matches.join(', ')})`);
  throw new UsageError(`unknown option: --${name}`);
}

/** `arg` from `start` on; a Buffer's offset is in bytes, equal here because everything before it is ASCII. */
function rest(arg: string | Buffer, start: number): string | Buffer {
  return typeof arg === 'string' ? arg.slice(start) : arg.subarray(start);
}

/**
 * One long option at `argv[i]` (`--name`, `--name=value`, `--grep VALUE`);
 * returns the index of the last argument it used.
 */
function parseLong(argv: readonly (string | Buffer)[], i: number, options: TreescanOptions): number {
  const raw = argv[i] as string | Buffer;
  const arg = raw.toString();
  const eq = arg.indexOf('=');
  const name = arg.slice(2, eq < 0 ? undefined : eq);
  const option = longOption(name);
  if (option !== 'grep') {
    if (eq >= 0) throw new UsageError(`option --${name} does not take an argument`);
    options[option] = true;
    return i;
  }
  const value = eq < 0 ? argv[i + 1] : rest(raw, eq + 1);
  if (value === undefined) throw new UsageError('option --grep requires an argument');
  options.grep = compileGrep(value);
  return eq < 0 ? i + 1 : i;
}

/**
 * A bundle of short options at `argv[i]` (`-0f`, `-gRE`, `-sg RE`); returns
 * the index of the last argument it used.
 */
function parseShort(argv: readonly (string | Buffer)[], i: number, options: TreescanOptions): number {
  const raw = argv[i] as string | Buffer;
  const arg = raw.toString();
  for (let j = 1; j < arg.length; j++) {
    const letter = arg[j] as string;
    const option = kShort.get(letter);
    if (option === undefined) throw new UsageError(`unknown option: -${letter}`);
    if (option !== 'grep') {
      options[option] = true;
      continue;
    }
    // -g takes the rest of the bundle, or else the next argument.
    const inBundle = j + 1 < arg.length;
    const value = inBundle ? rest(raw, j + 1) : argv[i + 1];
    if (value === undefined) throw new UsageError('option -g requires an argument');
    options.grep = compileGrep(value);
    return inBundle ? i : i + 1;
  }
  return i;
}

/**
 * Parses treescan's command line: bundled short options (`-0f`), `-gRE` or
 * `-g RE`, long options and their unique prefixes, `--` ending options.
 * Options may also follow paths. No paths means `.`. An argument given as a
 * Buffer (a name that is not valid UTF-8) keeps its bytes as a path or a pattern.
 */
export function parseOptions(argv: readonly (string | Buffer)[]): TreescanOptions {
  const options: TreescanOptions = {
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
    paths: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string | Buffer;
    const arg = raw.toString();
    if (arg === '--') {
      options.paths.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) i = parseLong(argv, i, options);
    else if (arg.startsWith('-') && arg.length > 1) i = parseShort(argv, i, options);
    else options.paths.push(raw);
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

export const kUsage = `Usage: treescan [options] [path...]

Scans the directory trees below each path (default: .) in parallel and
prints every entry: directories with a trailing /, the roots included.

  -q, --quiet      print nothing (errors still go to stderr)
  -0, --print0     end each path with a NUL byte instead of a newline
  -s, --stat       lstat every non-directory (warms the inode cache)
  -d, --dirs       print directories only
  -f, --files      print non-directories only
  -p, --progress   report progress on stderr
      --sync       open, fsync and close every regular file and directory
  -g, --grep RE    print only paths matching RE (JavaScript syntax, . matches newlines;
                   matched in linear time, so no backreferences or lookahead)
      --help       show this help
      --version    show the version

Exit status: 0 when every path was scanned, 1 after any error, 2 for a bad command line,
130 after Ctrl-C.
`;
