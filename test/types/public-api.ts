// Compile-time checks of the types a user meets, run by `pnpm typecheck`: option types that are
// exported are accepted where they are documented, and results follow the options and flags that
// decide them. Nothing runs: each check is a type, or a function that is never called.
import type { BigIntStats, Stats } from 'node:fs';
import {
  type AioRequest,
  aio,
  type DirEntry,
  READDIR_DENTS,
  READDIR_DIRS_FIRST,
  type ReaddirxResult,
  type StatOptions,
} from '@ioaio/core';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
type ValueOf<R> = R extends AioRequest<infer T> ? T : never;

/** A variable typed with the exported StatOptions is accepted by stat and lstat (it was TS2769). */
export function statOptionsVariable(options: StatOptions, big: StatOptions<BigIntStats> & { bigint: true }) {
  const plain = aio.stat('/etc/passwd', options);
  const linked = aio.lstat('/etc/passwd', options);
  const nanos = aio.stat('/etc/passwd', big);
  return [plain, linked, nanos] as const;
}

type StatResults = ReturnType<typeof statOptionsVariable>;

/** readdirx's entries follow its flags: a literal with READDIR_DENTS gives `{ name, type }`. */
export function readdirxByFlags(dir: string, flags: number, dents: boolean) {
  return {
    dents: aio.readdirx(dir, READDIR_DENTS),
    dentsDirsFirst: aio.readdirx(dir, 3),
    names: aio.readdirx(dir, READDIR_DIRS_FIRST),
    none: aio.readdirx(dir, 0),
    buffers: aio.readdirx(dir, READDIR_DENTS, { encoding: 'buffer' }),
    unknown: aio.readdirx(dir, flags),
    either: aio.readdirx(dir, dents ? READDIR_DENTS : 0),
  };
}

type Readdirx = ReturnType<typeof readdirxByFlags>;

/** `e.name` compiles on READDIR_DENTS entries. */
export async function entryNames(dir: string): Promise<string[]> {
  const { entries } = await aio.readdirx(dir, READDIR_DENTS);
  return entries.map((e) => e.name);
}

export type Checks = [
  Expect<Same<ValueOf<StatResults[0]>, Stats>>,
  Expect<Same<ValueOf<StatResults[1]>, Stats>>,
  Expect<Same<ValueOf<StatResults[2]>, BigIntStats>>,
  Expect<Same<ValueOf<Readdirx['dents']>, ReaddirxResult<DirEntry<string>[]>>>,
  Expect<Same<ValueOf<Readdirx['dentsDirsFirst']>, ReaddirxResult<DirEntry<string>[]>>>,
  Expect<Same<ValueOf<Readdirx['names']>, ReaddirxResult<string[]>>>,
  Expect<Same<ValueOf<Readdirx['none']>, ReaddirxResult<string[]>>>,
  Expect<Same<ValueOf<Readdirx['buffers']>, ReaddirxResult<DirEntry<Buffer>[]>>>,
  Expect<Same<ValueOf<Readdirx['unknown']>, ReaddirxResult<string[] | DirEntry<string>[]>>>,
  Expect<Same<ValueOf<Readdirx['either']>, ReaddirxResult<string[] | DirEntry<string>[]>>>,
];

// @ts-expect-error: StatOptions (for fs.Stats) cannot ask for bigint, whose value would not be Stats.
export const bigintInPlainOptions: StatOptions = { bigint: true };
