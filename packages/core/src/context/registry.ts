import { singleOperations } from '../catalogue/index.js';
import { compositeOperations } from '../composite/index.js';
import type { CompositeOperation, SingleOperation } from '../operation.js';

/**
 * Every operation, declared once: the single requests of `catalogue/` and
 * the composites of `composite/`. The context's methods and the public
 * {@link operations} list (which rx derives its observables from) are
 * derived from it; nothing else switches on operation names.
 */
export const registry = { ...singleOperations, ...compositeOperations };

/** The registry's type: one descriptor type per operation name. */
export type Registry = typeof registry;

/** Names of the operations: the methods every context has. */
export type OperationName = keyof Registry;

/** A descriptor with its types erased, as the loops that derive from the registry see it. */
export type AnyOperation =
  | SingleOperation<unknown[], unknown, unknown>
  | CompositeOperation<unknown[], unknown, unknown>;

/** The registry's entries with their types erased, in declaration order. */
export function registryEntries(): [OperationName, AnyOperation][] {
  return Object.entries(registry) as [OperationName, AnyOperation][];
}

/**
 * What a layer built over the context (an rx binding, a test over every
 * method, a document) may know of one operation, without its internals.
 */
export interface OperationInfo {
  /** `'single'`: the method returns an `AioRequest`; `'composite'`: an `AioGroup`. */
  readonly kind: 'single' | 'composite';
  /** Position of the options object among the method's parameters (optional parameters included). */
  readonly optsIndex: number;
  /** The IO::AIO request it stands for (`'aio_stat'`), or null when it has none. */
  readonly perl: string | null;
  /** The system call named in its errors (`err.syscall`). */
  readonly syscall: string;
  /**
   * True when the native backend makes this request itself (on its own
   * threads); false when it runs on `node:fs` whatever the backend. Always
   * false for composites, which are made of other requests.
   */
  readonly native: boolean;
  /**
   * Checks the arguments as the method does, throwing the same `TypeError`
   * or `RangeError` with Node's `ERR_*` code, and does nothing else: no
   * request is made. The options object is checked when the request is made.
   */
  validate(...params: unknown[]): void;
}

function describe(op: AnyOperation): OperationInfo {
  const { kind, optsIndex, perl, syscall } = op;
  const native = op.kind === 'single' && op.native !== undefined;
  const validate = (...params: unknown[]): void => {
    op.prepare(...params);
  };
  return Object.freeze({ kind, optsIndex, perl, syscall, native, validate });
}

/**
 * Every operation of a context by name, in the order the methods are
 * defined, with what a binding needs to wrap it: its kind, where its options
 * object goes, its IO::AIO name and a validator. Frozen.
 * @example
 * import { operations } from '@ioaio/core';
 * const composites = Object.entries(operations).filter(([, op]) => op.kind === 'composite').map(([name]) => name);
 * operations.stat.validate('/etc/passwd', { bigint: true }); // throws as aio.stat would, queues nothing
 */
export const operations: { readonly [K in OperationName]: OperationInfo } = Object.freeze(
  Object.fromEntries(registryEntries().map(([name, op]) => [name, describe(op)])) as {
    [K in OperationName]: OperationInfo;
  },
);
