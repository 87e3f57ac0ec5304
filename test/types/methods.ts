// Compile-time checks, run by `pnpm typecheck` (tsc over test/): the hand-written, documented
// OperationMethods interface (context/methods.ts) against what the registry's descriptors declare.
// A descriptor added, removed or changed without its method fails to compile here, naming the
// operation. Nothing runs: the file has no test cases and is not picked up by vitest.
import type { AioGroup, AioRequest, OperationMethods, OperationName } from '@ioaio/core';
import type { Registry } from '../../packages/core/src/context/registry.js';
import type { CompositeOperation, SingleOperation } from '../../packages/core/src/operation.js';

/** The method the registry derives from a descriptor: its `prepare` parameters, its request. */
type Derived<O> =
  O extends SingleOperation<infer P, infer _A, infer T>
    ? (...params: P) => AioRequest<T>
    : O extends CompositeOperation<infer P, infer _A, infer T>
      ? (...params: P) => AioGroup<T>
      : never;

/** Every signature of a method with at most two overloads, as `[parameters, result]` pairs. */
type Signatures<F> = F extends {
  (...args: infer A1): infer R1;
  (...args: infer A2): infer R2;
}
  ? [A1, R1] | [A2, R2]
  : never;

/** An options object without its function-valued members (`callback`, `onEntries`, …). */
type WithoutFunctions<O> = {
  [Q in keyof O as NonNullable<O[Q]> extends (...args: never[]) => unknown ? never : Q]: O[Q];
};

/**
 * Parameters with the options' functions left out: an overload may narrow the value (`Buffer`
 * where the descriptor says `string | Buffer`), and a callback for the narrower value is not
 * assignable to one for the wider, so callbacks are compared through the results instead.
 */
type WithoutCallbacks<P extends unknown[]> = { [I in keyof P]: OptionsWithoutFunctions<P[I]> };

/** An options object (one with `priority`) without its functions; any other parameter as it is. */
type OptionsWithoutFunctions<O> = O extends unknown
  ? 'priority' extends keyof O
    ? WithoutFunctions<O>
    : O
  : never;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True when every signature's parameters are accepted by the descriptor's `prepare`. */
type AcceptedByDescriptor<K extends OperationName> =
  Signatures<OperationMethods[K]> extends infer S
    ? S extends [infer A extends unknown[], unknown]
      ? [WithoutCallbacks<A>] extends [WithoutCallbacks<Parameters<Derived<Registry[K]>>>]
        ? true
        : false
      : never
    : never;

/** What a method returns, by kind: a group for composites, a request for single operations. */
type KindOf<R> =
  R extends AioGroup<infer _T> ? 'composite' : R extends AioRequest<infer _T> ? 'single' : 'neither';

/** True when every signature returns what the descriptor's kind returns (a request, or a group). */
type SameKind<K extends OperationName> = Same<
  KindOf<Signatures<OperationMethods[K]>[1]>,
  Registry[K]['kind']
>;

/** The value type a descriptor declares (its `run`'s `Done<T>`). */
type ValueOf<O> =
  O extends SingleOperation<infer _P, infer _A, infer T>
    ? T
    : O extends CompositeOperation<infer _P, infer _A, infer T>
      ? T
      : never;

/**
 * Methods with one signature must be the derived method exactly; overloads only refine it. A
 * descriptor whose value type is `unknown` (a `run` shared by requests of several types) says
 * nothing about the value, so only its parameters are compared.
 */
type Overloaded = 'stat' | 'lstat' | 'readdir' | 'readlink' | 'realpath' | 'readdirx' | 'scandir' | 'walk';
type ExactlyDerived<K extends OperationName> = K extends Overloaded
  ? true
  : unknown extends ValueOf<Registry[K]>
    ? Same<Parameters<OperationMethods[K]>, Parameters<Derived<Registry[K]>>>
    : Same<OperationMethods[K], Derived<Registry[K]>>;

/** The operations whose method fails a check: `never` when all pass. */
type Failing<Check extends { [K in OperationName]: boolean }> = {
  [K in OperationName]: Check[K] extends true ? never : K;
}[OperationName];

type Expect<T extends true> = T;
/** Fails with the names of the failing operations: "Type '\"close\"' does not satisfy the constraint 'never'". */
type NoneFailing<F extends never> = F;

export type Checks = [
  // The same operations on both sides.
  Expect<Same<OperationName, keyof Registry>>,
  // Each is checked per operation, so an error names the ones that fail.
  NoneFailing<Failing<{ [K in OperationName]: ExactlyDerived<K> }>>,
  NoneFailing<Failing<{ [K in OperationName]: AcceptedByDescriptor<K> }>>,
  NoneFailing<Failing<{ [K in OperationName]: SameKind<K> }>>,
];
