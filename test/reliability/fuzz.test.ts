import { closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { type AioContext, AioRequest, catalogue, createAio } from '@ioaio/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { catchingEscapes, fdsUnder } from '../helpers/escapes.js';
import { testSeed } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

/*
 * Argument fuzzing over every operation of the catalogue.
 *
 * Safety: every generated path lies inside a per-run sandbox (names never
 * contain '/' and are never '.' or '..', URLs are made from sandbox paths,
 * symlink targets are sandbox paths), and every number that reaches a
 * descriptor position is either one of the sandbox's own descriptors or at
 * least this process's descriptor limit (so never open), so a fuzzed close,
 * write or truncate can never touch the test runner's own files.
 */

type Kind =
  | 'path'
  | 'pathOrFd'
  | 'fd'
  | 'flags'
  | 'mode'
  | 'length'
  | 'position'
  | 'signedOffset'
  | 'buffer'
  | 'time'
  | 'id'
  | 'readdirFlags'
  | 'seconds'
  | 'int';

/** What each parameter before the options object is, by operation (IO::AIO's order). */
const kSchema: Record<string, Kind[]> = {
  open: ['path', 'flags', 'mode'],
  close: ['fd'],
  read: ['fd', 'position', 'length', 'buffer', 'length'],
  write: ['fd', 'position', 'length', 'buffer', 'length'],
  fsync: ['fd'],
  fdatasync: ['fd'],
  stat: ['pathOrFd'],
  lstat: ['pathOrFd'],
  statvfs: ['pathOrFd'],
  utime: ['pathOrFd', 'time', 'time'],
  chown: ['pathOrFd', 'id', 'id'],
  chmod: ['pathOrFd', 'mode'],
  truncate: ['pathOrFd', 'length'],
  unlink: ['path'],
  rmdir: ['path'],
  mkdir: ['path', 'mode'],
  link: ['path', 'path'],
  symlink: ['path', 'path'],
  readlink: ['path'],
  realpath: ['path'],
  rename: ['path', 'path'],
  readdir: ['path'],
  readdirx: ['path', 'readdirFlags'],
  sendfile: ['fd', 'fd', 'length', 'length'],
  readahead: ['fd', 'length', 'length'],
  load: ['path'],
  slurp: ['path', 'signedOffset', 'length'],
  nop: [],
  busy: ['seconds'],
  seek: ['fd', 'int', 'int'],
  mknod: ['path', 'mode', 'int'],
  allocate: ['fd', 'int', 'int', 'int'],
  rename2: ['path', 'path', 'int'],
  sync: [],
  syncfs: ['fd'],
  syncFileRange: ['fd', 'int', 'int', 'int'],
  fiemap: ['fd', 'int', 'int', 'int', 'int'],
  msync: ['buffer', 'int', 'int', 'int'],
  mtouch: ['buffer', 'int', 'int', 'int'],
  mlock: ['buffer', 'int', 'int'],
  scandir: ['path'],
  copy: ['path', 'path'],
  move: ['path', 'path'],
  rmtree: ['path'],
  pathsync: ['path'],
  wd: ['path'],
  walk: ['path'],
};

const ops = catalogue as unknown as Record<string, { kind: 'single' | 'composite'; optsIndex: number }>;
const names = Object.keys(ops).sort();

/** Operations that must never run in the fuzz: `busy` holds a slot on a timer no cancel can stop. */
const kNeverRun = new Set(['busy']);

/**
 * The lowest descriptor number that cannot be open: at least the soft RLIMIT_NOFILE (no descriptor
 * is ever numbered that high), and at least 2^20.
 */
const kDeadFdBase = Math.max(
  2 ** 20,
  Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 2 ** 30),
);

// ---------------------------------------------------------------------------------------------
// Tokens: what fast-check generates, shrinks and prints. They become real values in a sandbox.

type Token =
  | { t: 'name'; form: 'string' | 'buffer' | 'uint8' | 'url'; name: string }
  | { t: 'bytes'; bytes: number[] }
  | { t: 'exotic'; which: string }
  | { t: 'fd'; index: number }
  | { t: 'buf'; type: string; size: number }
  | { t: 'date'; ms: number }
  | { t: 'signal'; which: 'fresh' | 'aborted' | 'fake' | 'event-target' }
  | { t: 'fn' }
  | { t: 'v'; v: unknown };

interface Call {
  name: string;
  args: Token[];
  /** Where the options object goes: undefined means "leave it out". */
  options: Token | Record<string, Token> | undefined;
  /** How many positional arguments are passed before the options (fewer than the schema: missing ones). */
  arity: number;
}

const v = (value: unknown): Token => ({ t: 'v', v: value });

const kFixtureNames = [
  'f0',
  'f1',
  'f2',
  'd0',
  'd0/g0',
  'd0/sub',
  'd0/sub/h0',
  'd1',
  'l0',
  'l1',
  'l2',
  'new0',
  'new1',
];

function sanitizeName(name: string): string {
  const flat = name.replaceAll('/', '_');
  return flat === '' || flat === '.' || flat === '..' ? `n${flat.length}` : flat;
}

const nameArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...kFixtureNames) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map(sanitizeName) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }).map(sanitizeName) },
);

const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, true, false, Symbol.for('fuzz'), 1n, -1n, 2n ** 70n),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 2 }),
  fc.constant({}),
  fc.constant(Object.create(null)),
  fc.constant(() => 'garbage'),
  fc.constant(new Date(Number.NaN)),
  fc.constant(new Map()),
);

/** Values in a path position that are not paths: never strings or byte arrays (those are paths). */
const nonPathGarbageArb = garbageArb.filter(
  (x) => typeof x !== 'string' && !(x instanceof Uint8Array) && !(typeof x === 'number'),
);

const weirdNumberArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.constantFrom(
    0,
    -0,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 32 + 1,
    2 ** 40,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53),
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    0.5,
    -0.5,
    1e-300,
  ),
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom('1', '0x10', 1n, null, undefined, true),
);

const pathArb: fc.Arbitrary<Token> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('name' as const),
      form: fc.constantFrom('string', 'buffer', 'uint8', 'url'),
      name: nameArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 6 })
      .map((b): Token => ({ t: 'bytes', bytes: [...b] })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'empty',
        'long',
        'nul-string',
        'nul-buffer',
        'nul-uint8',
        'http-url',
        'data-url',
        'file-host-url',
        'file-encoded-slash',
        'file-nul-url',
        'to-string',
        'url-like',
        'string-object',
      )
      .map((which): Token => ({ t: 'exotic', which })),
  },
  { weight: 1, arbitrary: nonPathGarbageArb.map(v) },
);

const realFdArb = fc.nat({ max: 7 }).map((index): Token => ({ t: 'fd', index }));

const fdArb: fc.Arbitrary<Token> = fc.oneof(
  { weight: 3, arbitrary: realFdArb },
  { weight: 2, arbitrary: fc.integer({ min: kDeadFdBase, max: 2 ** 31 - 1 }).map(v) },
  { weight: 2, arbitrary: weirdNumberArb.map(v) },
  { weight: 1, arbitrary: garbageArb.map(v) },
);

const bufferArb: fc.Arbitrary<Token> = fc.oneof(
  fc
    .record({
      type: fc.constantFrom(
        'Buffer',
        'Uint8Array',
        'Float64Array',
        'Int16Array',
        'DataView',
        'ArrayBuffer',
        'SharedArrayBuffer',
      ),
      size: fc.nat({ max: 70 }),
    })
    .map(({ type, size }): Token => ({ t: 'buf', type, size })),
  garbageArb.map(v),
);

const kindArb: Record<Kind, fc.Arbitrary<Token>> = {
  path: pathArb,
  pathOrFd: fc.oneof({ weight: 3, arbitrary: pathArb }, { weight: 2, arbitrary: fdArb }),
  fd: fdArb,
  flags: fc.oneof(
    fc.constantFrom('r', 'r+', 'w', 'wx', 'a', 'a+', 'rs+', 'sa', 'x', 'rw', '', 'R', 'w+x').map(v),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(v),
    fc.constantFrom(0, 1, 2, 0o100, 0o1000, 0o2000, 0o200000, 0o20000000 | 2, 0o10000000).map(v),
    weirdNumberArb.map(v),
    garbageArb.map(v),
  ),
  mode: fc.oneof(
    fc.integer({ min: -1, max: 0o10001 }).map(v),
    fc.constantFrom('644', '0o644', '755', '999', '', 'rwx', '7777', '10000', ' 7').map(v),
    weirdNumberArb.map(v),
    garbageArb.map(v),
  ),
  length: fc.oneof(weirdNumberArb.map(v), fc.nat({ max: 100_000 }).map(v)),
  position: fc.oneof(weirdNumberArb.map(v), fc.constant(v(null))),
  signedOffset: fc.oneof(weirdNumberArb.map(v), fc.integer({ min: -100_000, max: 100_000 }).map(v)),
  buffer: bufferArb,
  time: fc.oneof(
    weirdNumberArb.map(v),
    fc.constantFrom(0, 8.64e15, -8.64e15, 8.64e15 + 1, Number.NaN).map((ms): Token => ({ t: 'date', ms })),
    garbageArb.map(v),
  ),
  id: fc.oneof(
    fc.integer({ min: -2, max: 70_000 }).map(v),
    fc.constantFrom(2 ** 32 - 1, 2 ** 32, -1, 0.5, Number.NaN).map(v),
    garbageArb.map(v),
  ),
  readdirFlags: fc.oneof(fc.integer({ min: -1, max: 300 }).map(v), weirdNumberArb.map(v), garbageArb.map(v)),
  seconds: fc.oneof(weirdNumberArb.map(v), fc.double({ min: 0, max: 1e7 }).map(v)),
  int: fc.oneof(weirdNumberArb.map(v), garbageArb.map(v)),
};

const fnOr = (garbage: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<Token>({ t: 'fn' }) },
    { weight: 1, arbitrary: garbage.map(v) },
  );

const optionsRecordArb = fc.record(
  {
    priority: fc.oneof(fc.integer({ min: -6, max: 6 }).map(v), weirdNumberArb.map(v), garbageArb.map(v)),
    signal: fc.oneof(
      fc
        .constantFrom('fresh', 'fresh', 'aborted', 'fake', 'event-target')
        .map((which): Token => ({ t: 'signal', which: which as 'fresh' })),
      garbageArb.map(v),
    ),
    callback: fnOr(garbageArb),
    bigint: fc.oneof(fc.boolean().map(v), garbageArb.map(v)),
    encoding: fc.oneof(
      fc
        .constantFrom(
          'utf8',
          'buffer',
          'hex',
          'base64',
          'latin1',
          'ucs2',
          'UTF-8',
          'ascii',
          'binary',
          'base64url',
          'utf16le',
          'nope',
          '',
          'BUFFER',
        )
        .map(v),
      garbageArb.map(v),
    ),
    maxreq: fc.oneof(fc.integer({ min: -2, max: 2000 }).map(v), weirdNumberArb.map(v)),
    types: fc.oneof(fc.boolean().map(v), garbageArb.map(v)),
    onEntries: fnOr(garbageArb),
    onError: fnOr(garbageArb),
    followSymlinks: fc.oneof(fc.boolean().map(v), garbageArb.map(v)),
  },
  { requiredKeys: [] },
);

const optionsArb: fc.Arbitrary<Call['options']> = fc.oneof(
  { weight: 6, arbitrary: optionsRecordArb as fc.Arbitrary<Record<string, Token>> },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: garbageArb.map(v) },
);

/**
 * Values that pass validation, for the batches that run: there the question is what happens in the
 * pool, and a call rejected at the door says nothing about that. Sizes include the huge valid ones.
 */
const validKindArb: Record<Kind, fc.Arbitrary<Token>> = {
  path: fc.record({
    t: fc.constant('name' as const),
    form: fc.constantFrom('string', 'buffer', 'uint8', 'url'),
    name: nameArb,
  }),
  pathOrFd: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('name' as const),
        form: fc.constant('string' as const),
        name: nameArb,
      }),
    },
    { weight: 2, arbitrary: realFdArb },
  ),
  fd: realFdArb,
  flags: fc
    .constantFrom('r', 'r+', 'w', 'wx', 'a', 'a+', 'rs+', 0, 2, 0o100 | 1, 0o200000, 0o20000000 | 2)
    .map(v),
  mode: fc.integer({ min: 0, max: 0o7777 }).map(v),
  length: fc.oneof(
    { weight: 4, arbitrary: fc.nat({ max: 100_000 }).map(v) },
    { weight: 1, arbitrary: fc.constantFrom(2 ** 31, 2 ** 32 + 1, 2 ** 40, 2 ** 53 - 1).map(v) },
  ),
  position: fc.oneof(fc.constant(v(null)), fc.nat({ max: 100_000 }).map(v), fc.constant(v(2 ** 40))),
  signedOffset: fc.oneof(fc.integer({ min: -100_000, max: 100_000 }).map(v), fc.constant(v(-(2 ** 40)))),
  buffer: fc
    .record({
      type: fc.constantFrom('Buffer', 'Uint8Array', 'Float64Array', 'DataView'),
      size: fc.nat({ max: 70 }),
    })
    .map(({ type, size }): Token => ({ t: 'buf', type, size })),
  time: fc.oneof(
    fc.double({ min: -1e10, max: 1e12, noNaN: true }).map(v),
    fc.constantFrom(0, 8.64e15).map((ms): Token => ({ t: 'date', ms })),
    fc.constant(v(null)),
  ),
  id: fc.integer({ min: -1, max: 70_000 }).map(v),
  readdirFlags: fc.integer({ min: 0, max: 255 }).map(v),
  seconds: fc.double({ min: 0, max: 0.01, noNaN: true }).map(v),
  int: fc.oneof(weirdNumberArb.map(v), garbageArb.map(v)),
};

const validOptionsArb: fc.Arbitrary<Call['options']> = fc.record(
  {
    priority: fc.integer({ min: -4, max: 4 }).map(v),
    signal: fc.constant<Token>({ t: 'signal', which: 'fresh' }),
    callback: fc.constant<Token>({ t: 'fn' }),
    bigint: fc.boolean().map(v),
    encoding: fc.constantFrom('utf8', 'buffer', 'hex', 'latin1', 'base64').map(v),
    maxreq: fc.integer({ min: 1, max: 16 }).map(v),
    types: fc.boolean().map(v),
    onEntries: fc.constant<Token>({ t: 'fn' }),
    onError: fc.constant<Token>({ t: 'fn' }),
    followSymlinks: fc.boolean().map(v),
  },
  { requiredKeys: ['signal', 'callback'] },
) as fc.Arbitrary<Record<string, Token>>;

/** A call of `name`: `wild` for the paused runs (anything goes), `mostly-valid` for the batches that run. */
function callArb(name: string, bias: 'wild' | 'mostly-valid' = 'wild'): fc.Arbitrary<Call> {
  const kinds = kSchema[name] ?? new Array<Kind>(ops[name]?.optsIndex ?? 0).fill('int');
  const arg = (kind: Kind) =>
    bias === 'wild'
      ? kindArb[kind]
      : fc.oneof({ weight: 9, arbitrary: validKindArb[kind] }, { weight: 1, arbitrary: kindArb[kind] });
  return fc.record({
    name: fc.constant(name),
    args: fc.tuple(...kinds.map(arg)) as fc.Arbitrary<Token[]>,
    options:
      bias === 'wild'
        ? optionsArb
        : fc.oneof({ weight: 9, arbitrary: validOptionsArb }, { weight: 1, arbitrary: optionsArb }),
    // Mostly every argument, sometimes fewer (missing ones become undefined).
    arity:
      bias === 'wild'
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constant(kinds.length) },
            { weight: 1, arbitrary: fc.nat({ max: kinds.length }) },
          )
        : fc.constant(kinds.length),
  });
}

// ---------------------------------------------------------------------------------------------
// Materialising tokens in a sandbox.

interface Sandbox {
  dir: string;
  /** Descriptors the fuzz may use: real ones on sandbox files, or dead numbers when nothing runs. */
  fds: number[];
  controllers: AbortController[];
  /** Reasons of the signals that were aborted before the call. */
  preAborted: unknown[];
  /** One record per `callback` option made: how often it was called, with what. */
  callbacks: { calls: number; errors: unknown[] }[];
  /** Called from inside every `callback` option (the result state): a place to cancel others from. */
  onCallback: () => void;
}

/** A number in a descriptor position: never one of the runner's descriptors. */
function safeFd(value: unknown, box: Sandbox): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < kDeadFdBase) {
    return box.fds.includes(value) ? value : kDeadFdBase + value;
  }
  return value;
}

function exotic(which: string, dir: string): unknown {
  switch (which) {
    case 'empty':
      return '';
    case 'long':
      return `${dir}/${'n'.repeat(5000)}`;
    case 'nul-string':
      return `${dir}/a\u0000b`;
    case 'nul-buffer':
      return Buffer.from(`${dir}/a\u0000b`);
    case 'nul-uint8':
      return new Uint8Array(Buffer.from(`${dir}/a\u0000b`));
    case 'http-url':
      return new URL('http://example.com/x');
    case 'data-url':
      return new URL('data:text/plain,hi');
    case 'file-host-url':
      return new URL('file://remote-host/x');
    case 'file-encoded-slash':
      return new URL(`file://${dir}/a%2Fb`);
    case 'file-nul-url':
      return new URL(`file://${dir}/a%00b`);
    case 'to-string':
      return { toString: () => `${dir}/f0` };
    case 'url-like':
      return { href: `file://${dir}/f0`, protocol: 'file:', pathname: `${dir}/f0` };
    case 'string-object':
      return Object(`${dir}/f0`);
    default:
      throw new Error(`unknown exotic path ${which}`);
  }
}

function buffer(type: string, size: number): unknown {
  switch (type) {
    case 'Buffer':
      return Buffer.alloc(size, 7);
    case 'Uint8Array':
      return new Uint8Array(size);
    case 'Float64Array':
      return new Float64Array(size);
    case 'Int16Array':
      return new Int16Array(size);
    case 'DataView':
      return new DataView(new ArrayBuffer(size));
    case 'ArrayBuffer':
      return new ArrayBuffer(size);
    default:
      return new SharedArrayBuffer(size);
  }
}

function materialize(token: Token, kind: Kind | 'option', box: Sandbox, key = ''): unknown {
  switch (token.t) {
    case 'name': {
      const path = `${box.dir}/${token.name}`;
      if (token.form === 'string') return path;
      if (token.form === 'buffer') return Buffer.from(path);
      if (token.form === 'uint8') return new Uint8Array(Buffer.from(path));
      return pathToFileURL(path);
    }
    case 'bytes': {
      let bytes = token.bytes.map((b) => (b === 0x2f ? 0x5f : b));
      if (bytes.every((b) => b === 0x2e) && bytes.length <= 2) bytes = [0x6e];
      return Buffer.concat([Buffer.from(`${box.dir}/`), Buffer.from(bytes)]);
    }
    case 'exotic':
      return exotic(token.which, box.dir);
    case 'fd':
      return box.fds.length === 0 ? kDeadFdBase + token.index : box.fds[token.index % box.fds.length];
    case 'buf':
      return buffer(token.type, token.size);
    case 'date':
      return new Date(token.ms);
    case 'signal': {
      if (token.which === 'aborted') {
        const reason = new Error('aborted before the call');
        box.preAborted.push(reason);
        return AbortSignal.abort(reason);
      }
      if (token.which === 'fake') return { aborted: false, addEventListener() {}, removeEventListener() {} };
      if (token.which === 'event-target') return new EventTarget();
      const controller = new AbortController();
      box.controllers.push(controller);
      return controller.signal;
    }
    case 'fn': {
      if (key !== 'callback') return () => {};
      const record = { calls: 0, errors: [] as unknown[] };
      box.callbacks.push(record);
      return (err: unknown) => {
        record.calls++;
        record.errors.push(err);
        box.onCallback();
      };
    }
    default:
      return kind === 'fd' || kind === 'pathOrFd' ? safeFd(token.v, box) : token.v;
  }
}

function argsOf(call: Call, box: Sandbox): unknown[] {
  const kinds = kSchema[call.name] ?? new Array<Kind>(call.args.length).fill('int');
  const args: unknown[] = call.args
    .slice(0, call.arity)
    .map((token, i) => materialize(token, kinds[i] ?? 'int', box));
  while (args.length < kinds.length) args.push(undefined);
  const { options } = call;
  if (options === undefined) return args.slice(0, call.arity);
  if ('t' in options && typeof options.t === 'string')
    return [...args, materialize(options as Token, 'option', box)];
  const record: Record<string, unknown> = {};
  for (const [key, token] of Object.entries(options as Record<string, Token>)) {
    record[key] = materialize(token, 'option', box, key);
  }
  return [...args, record];
}

function describeCall(call: Call, args: unknown[]): string {
  return `${call.name}(${args.map((a) => inspect(a, { depth: 2, breakLength: Infinity, maxStringLength: 60 })).join(', ')})`;
}

/** The only errors a call may throw: Node-style argument errors. */
function isArgumentError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (err instanceof TypeError || err instanceof RangeError) &&
    typeof code === 'string' &&
    code.startsWith('ERR_')
  );
}

function isAbortError(err: unknown): boolean {
  return (
    err instanceof Error && err.name === 'AbortError' && (err as { code?: unknown }).code === 'ABORT_ERR'
  );
}

/**
 * A failure from the file system: Node's own error object. Node's `fs.truncate(path)` opens,
 * ftruncates and closes, and reports a failing ftruncate and close together as an AggregateError
 * of both; the fuzz provokes that by closing a descriptor twice (the number was reused meanwhile).
 */
function isSystemError(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.length > 0 && err.errors.every(isSystemError);
  const e = err as { code?: unknown; errno?: unknown; syscall?: unknown } | null;
  return (
    err instanceof Error &&
    typeof e?.code === 'string' &&
    typeof e.errno === 'number' &&
    typeof e.syscall === 'string'
  );
}

function counters(ctx: AioContext): number[] {
  return [ctx.nreqs, ctx.nready, ctx.nexecute, ctx.npending];
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Turns until the context is idle; a bound instead of a hang. */
async function drain(
  ctx: AioContext,
  maxTurns: number,
  each?: (turn: number) => boolean | undefined,
): Promise<boolean> {
  for (let turn = 0; turn < maxTurns; turn++) {
    // `each` returning true gives up early (something already failed).
    if (each?.(turn) === true) return false;
    if (ctx.nreqs === 0) return true;
    await nextTurn();
  }
  return ctx.nreqs === 0;
}

// ---------------------------------------------------------------------------------------------

const kRunsPerOperation = 120;
const seed = testSeed(0xf022);

/** What the fuzz did, printed with IOAIO_RELIABILITY_REPORT=1 (docs/RELIABILITY.md quotes it). */
const stats = {
  seed,
  paused: { calls: 0, requests: 0, thrown: {} as Record<string, number> },
  batches: {
    runs: 0,
    calls: 0,
    requests: 0,
    outcomes: {} as Record<string, number>,
    cancelStates: {} as Record<string, number>,
  },
};
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
afterAll(() => {
  if (process.env.IOAIO_RELIABILITY_REPORT) console.log(JSON.stringify(stats));
});

describe('argument fuzzing: every operation, on a paused context, cancelled before it runs', () => {
  it('has a schema for every operation of the catalogue, of the arity its options index says', () => {
    expect(Object.keys(kSchema).sort()).toEqual(names);
    expect(names.map((name) => [name, kSchema[name]?.length])).toEqual(
      names.map((name) => [name, ops[name]?.optsIndex]),
    );
  });

  for (const name of names) {
    it(`${name}: a request or a TypeError/RangeError with an ERR_ code, never anything else`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(callArb(name, 'wild'), callArb(name, 'mostly-valid')), async (call) => {
          const box: Sandbox = {
            dir: '/nonexistent-ioaio-fuzz',
            fds: [],
            controllers: [],
            preAborted: [],
            callbacks: [],
            onCallback: () => {},
          };
          const ctx = createAio({ maxParallel: 0 });
          const args = argsOf(call, box);
          const what = describeCall(call, args);
          let req: unknown;
          stats.paused.calls++;
          try {
            req = (ctx as unknown as Record<string, (...a: unknown[]) => unknown>)[name]?.(...args);
          } catch (err) {
            bump(stats.paused.thrown, String((err as { code?: unknown }).code));
            if (!isArgumentError(err)) throw new Error(`${what} threw ${inspect(err)}`);
            // Thrown before anything was queued.
            expect(counters(ctx), what).toEqual([0, 0, 0, 0]);
            expect(
              box.callbacks.map((c) => c.calls),
              what,
            ).toEqual(box.callbacks.map(() => 0));
            return;
          }
          expect(req, what).toBeInstanceOf(AioRequest);
          stats.paused.requests++;
          const request = req as AioRequest<unknown>;
          const settled = request.then(
            () => null,
            (err: unknown) => err,
          );
          const reason = new Error('fuzz cancel');
          request.cancel(reason);
          ctx.maxParallel = 8;
          expect(await drain(ctx, 10_000), `${what} did not settle`).toBe(true);
          const err = await settled;
          // Cancelled before it ran: an AbortError whose cause is the reason (or the signal's, if aborted already).
          expect(isAbortError(err), `${what} settled with ${inspect(err)}`).toBe(true);
          // Its cause: the reason given to cancel(), or the reason of the signal aborted before the call.
          expect((err as Error).cause, what).toBe(box.preAborted.length > 0 ? box.preAborted[0] : reason);
          expect(counters(ctx), what).toEqual([0, 0, 0, 0]);
          // The callback given (if any) is called exactly once, with the AbortError.
          expect(
            box.callbacks.map((c) => [c.calls, c.errors.every(isAbortError)]),
            what,
          ).toEqual(box.callbacks.map(() => [1, true]));
        }),
        { numRuns: kRunsPerOperation, seed },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------

type Plan =
  | { p: 'ready' }
  | { p: 'run' }
  | { p: 'turns'; k: number }
  | { p: 'signal'; k: number }
  | { p: 'callback'; j: number };

const planArb: fc.Arbitrary<Plan> = fc.oneof(
  fc.constant<Plan>({ p: 'ready' }),
  fc.constant<Plan>({ p: 'run' }),
  fc.constant<Plan>({ p: 'run' }),
  fc.nat({ max: 30 }).map((k): Plan => ({ p: 'turns', k })),
  fc.nat({ max: 30 }).map((k): Plan => ({ p: 'signal', k })),
  fc.nat({ max: 40 }).map((j): Plan => ({ p: 'callback', j })),
);

const batchArb = fc.array(
  fc.record({
    call: fc.constantFrom(...names).chain((name) => callArb(name, 'mostly-valid')),
    plan: planArb,
  }),
  { minLength: 10, maxLength: 50, size: 'max' },
);

const kBatches = 60;

/**
 * The library errors a request may settle with at run time, besides system errors and AbortErrors:
 * a copy whose source shrank under it (the fuzz truncates files concurrently), and a load or slurp
 * of a file larger than a Buffer can hold (the fuzz makes terabyte sparse files), as fs.readFile says.
 */
const kRuntimeCodes = new Set(['ERR_AIO_SHORT_COPY', 'ERR_FS_FILE_TOO_LARGE']);

/**
 * Turns a batch may take before it counts as hung. Generous: an fsync on a busy disk holds a pool
 * thread for a long time while the loop spins; a request stuck for good never comes back at all.
 */
const kMaxTurns = 300_000;

/** Turn after which whatever still runs is cancelled, so a fuzzed terabyte copy cannot run for hours. */
const kCutoffTurn = 60;

function makeSandbox(): Sandbox {
  const dir = tempDir('ioaio-fuzz-');
  writeFileSync(join(dir, 'f0'), '');
  writeFileSync(join(dir, 'f1'), 'x'.repeat(100));
  writeFileSync(join(dir, 'f2'), Buffer.alloc(70_000, 3));
  mkdirSync(join(dir, 'd0/sub'), { recursive: true });
  mkdirSync(join(dir, 'd1'));
  writeFileSync(join(dir, 'd0/g0'), 'g0');
  writeFileSync(join(dir, 'd0/sub/h0'), 'h0');
  symlinkSync(join(dir, 'f1'), join(dir, 'l0'));
  symlinkSync(join(dir, 'd0'), join(dir, 'l1'));
  symlinkSync(join(dir, 'missing'), join(dir, 'l2'));
  const fds = [
    openSync(join(dir, 'f1'), 'r+'),
    openSync(join(dir, 'f2'), 'r'),
    openSync(join(dir, 'd0'), 'r'),
  ];
  return { dir, fds, controllers: [], preAborted: [], callbacks: [], onCallback: () => {} };
}

interface Issued {
  what: string;
  name: string;
  req: AioRequest<unknown>;
  plan: Plan;
  controller: AbortController | null;
  outcome: Promise<[unknown, unknown]>;
}

describe('argument fuzzing: random batches over every operation that run in a sandbox', () => {
  it('every failure is a system error or an AbortError; nothing escapes, hangs or leaks a descriptor', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (batch) => {
        stats.batches.runs++;
        const box = makeSandbox();
        const ctx = createAio({ maxParallel: 0 });
        const issued: Issued[] = [];
        const byTurn = new Map<number, (() => void)[]>();
        const inCallback = new Map<number, (() => void)[]>();
        const at = (map: Map<number, (() => void)[]>, key: number, action: () => void) =>
          map.set(key, [...(map.get(key) ?? []), action]);
        let callbacksSeen = 0;
        const callbackSite = () => {
          for (const action of inCallback.get(callbacksSeen++) ?? []) action();
        };
        box.onCallback = callbackSite;
        const offenders: string[] = [];
        const escaped = await catchingEscapes(async (escapes) => {
          for (const { call, plan } of batch) {
            const before = box.controllers.length;
            const args = argsOf(call, box);
            const what = describeCall(call, args);
            let req: unknown;
            stats.batches.calls++;
            try {
              req = (ctx as unknown as Record<string, (...a: unknown[]) => unknown>)[call.name]?.(...args);
            } catch (err) {
              if (!isArgumentError(err)) offenders.push(`${what} threw ${inspect(err)}`);
              continue;
            }
            if (!(req instanceof AioRequest)) {
              offenders.push(`${what} returned ${inspect(req)}`);
              continue;
            }
            const controller = box.controllers.length > before ? (box.controllers.at(-1) ?? null) : null;
            const entry: Issued = {
              what,
              name: call.name,
              req,
              plan,
              controller,
              // Callbacks (result state) and promise reactions of the batch are both places to cancel from.
              outcome: req.then(
                (value: unknown): [unknown, unknown] => {
                  callbackSite();
                  return [null, value];
                },
                (err: unknown): [unknown, unknown] => {
                  callbackSite();
                  return [err, undefined];
                },
              ),
            };
            issued.push(entry);
            stats.batches.requests++;
            const stop = () => {
              bump(stats.batches.cancelStates, `${plan.p}:${req.state}`);
              if (plan.p === 'signal' && controller !== null) controller.abort(new Error('fuzz abort'));
              else req.cancel(new Error('fuzz cancel'));
            };
            if (plan.p === 'ready' || kNeverRun.has(call.name) || kSchema[call.name] === undefined)
              req.cancel();
            else if (plan.p === 'turns' || plan.p === 'signal') at(byTurn, plan.k, stop);
            else if (plan.p === 'callback') at(inCallback, plan.j, stop);
          }
          ctx.maxParallel = 8;
          const settled = await drain(ctx, kMaxTurns, (turn) => {
            for (const action of byTurn.get(turn) ?? []) action();
            if (turn === kCutoffTurn) for (const { req } of issued) req.cancel(new Error('cut-off'));
            // An escaped exception fails the batch already; a request it left behind never finishes.
            return escapes.length > 0;
          });
          if (!settled) {
            const stuck = issued
              .filter((i) => i.req.state !== 'done')
              .map((i) => `${i.req.state}: ${i.what}`);
            offenders.push(
              `the batch did not settle (counters ${counters(ctx).join(',')}): ${stuck.join('; ')}`,
            );
          }
        });
        const opened = new Set<number>(box.fds);
        for (const entry of issued) {
          // A request that never finished is reported above; its promise never settles.
          if (entry.req.state !== 'done') continue;
          const [err, value] = await entry.outcome;
          bump(
            stats.batches.outcomes,
            `${entry.name}:${err === null ? 'ok' : String((err as { code?: unknown }).code)}`,
          );
          if (entry.name === 'open' && err === null && typeof value === 'number') opened.add(value);
          if (err !== null && !isSystemError(err) && !isAbortError(err)) {
            const code = (err as { code?: unknown }).code;
            if (!kRuntimeCodes.has(String(code)))
              offenders.push(`${entry.what} failed with ${inspect(err, { depth: 1 })}`);
          }
        }
        const now = fdsUnder(box.dir);
        const leaked = now.filter((fd) => !opened.has(fd));
        for (const fd of now) closeSync(fd);
        // A callback of a request that was made is called exactly once (those of calls that threw: never).
        const cbCalls = box.callbacks.map((c) => c.calls).filter((n) => n > 1);
        expect({ offenders, escaped, leaked, counters: counters(ctx), repeatedCallbacks: cbCalls }).toEqual({
          offenders: [],
          escaped: [],
          leaked: [],
          counters: [0, 0, 0, 0],
          repeatedCallbacks: [],
        });
      }),
      { numRuns: kBatches, seed },
    );
  }, 300_000);
});
