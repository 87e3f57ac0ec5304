import fc from 'fast-check';
import { kDeadFdBase } from './dead-fd.js';
import { type Kind, kFixtureNames, kNames, kOperations, kSchema } from './schema.js';

// Tokens: what fast-check generates, shrinks and prints. They become real values in a sandbox
// (test/helpers/fuzz/sandbox.ts).

/** One generated argument, printable and shrinkable; `materialize` turns it into a value. */
export type Token =
  | { t: 'name'; form: 'string' | 'buffer' | 'uint8' | 'url'; name: string }
  | { t: 'bytes'; bytes: number[] }
  | { t: 'exotic'; which: string }
  | { t: 'fd'; index: number }
  | { t: 'buf'; type: string; size: number }
  | { t: 'date'; ms: number }
  | { t: 'signal'; which: 'fresh' | 'aborted' | 'fake' | 'event-target' }
  | { t: 'fn' }
  | { t: 'stream'; name: string }
  | { t: 'v'; v: unknown };

/** One generated call: an operation, its positional arguments and its options. */
export interface Call {
  name: string;
  args: Token[];
  /** Where the options object goes: undefined means "leave it out". */
  options: Token | Record<string, Token> | undefined;
  /** How many positional arguments are passed before the options (fewer than the schema: missing ones). */
  arity: number;
}

const v = (value: unknown): Token => ({ t: 'v', v: value });

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

/** A directory stream over a sandbox name (most of them directories). */
const streamArb: fc.Arbitrary<Token> = nameArb.map((name): Token => ({ t: 'stream', name }));

const kindArb: Record<Kind, fc.Arbitrary<Token>> = {
  dirStream: fc.oneof({ weight: 3, arbitrary: streamArb }, { weight: 1, arbitrary: garbageArb.map(v) }),
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
    onProgress: fnOr(garbageArb),
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
  dirStream: streamArb,
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
    onProgress: fc.constant<Token>({ t: 'fn' }),
    followSymlinks: fc.boolean().map(v),
  },
  { requiredKeys: ['signal', 'callback'] },
) as fc.Arbitrary<Record<string, Token>>;

/** A call of `name`: `wild` for the paused runs (anything goes), `mostly-valid` for the batches that run. */
export function callArb(name: string, bias: 'wild' | 'mostly-valid' = 'wild'): fc.Arbitrary<Call> {
  const kinds = kSchema[name] ?? new Array<Kind>(kOperations[name]?.optsIndex ?? 0).fill('int');
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

/** When a request of a running batch is cancelled: never, at once, after k turns, by its signal, or from the j-th callback. */
export type Plan =
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

/** A batch of 10 to 50 mostly valid calls over every operation, each with its cancel plan. */
export const batchArb = fc.array(
  fc.record({
    call: fc.constantFrom(...kNames).chain((name) => callArb(name, 'mostly-valid')),
    plan: planArb,
  }),
  { minLength: 10, maxLength: 50, size: 'max' },
);
