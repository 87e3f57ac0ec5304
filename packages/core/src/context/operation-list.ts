import type { OperationName } from './methods.js';
import { type OperationInfo, operations as registryOperations } from './registry.js';

export type { OperationInfo };

/**
 * Every operation of a context by name, in the order the methods are
 * defined, with what a binding needs to wrap it: its kind, where its options
 * object goes, its IO::AIO name and a validator. Frozen.
 * @example
 * import { operations } from '@ioaio/core';
 * const composites = Object.entries(operations).filter(([, op]) => op.kind === 'composite').map(([name]) => name);
 * operations.stat.validate('/etc/passwd', { bigint: true }); // throws as aio.stat would, queues nothing
 */
// Invariant: typed by the public method names, so the declarations users read never show the
// registry's descriptors; the assignment fails to compile if the registry lacks one of the methods
// (test/types/methods.ts checks both ways).
export const operations: { readonly [K in OperationName]: OperationInfo } = registryOperations;
