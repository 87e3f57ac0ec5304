export { createRx, type ObservableMethod, type Rx, type RxOperations, type RxScans } from './create-rx.js';
export { fromRequest } from './from-request.js';
export { type ScandirIteratorOptions, scandirIterator } from './scandir-iterator.js';
export { type TreescanOptions, treescan } from './treescan.js';
export {
  type TreescanIterator,
  type TreescanIteratorOptions,
  treescanIterator,
} from './treescan-iterator.js';

import { aio } from '@ioaio/core';
import { createRx, type Rx } from './create-rx.js';

/**
 * Every operation of the default context (`aio` of `@ioaio/core`) as a cold
 * Observable factory, and the scans over it; see {@link createRx}.
 * @example
 * import { rx } from '@ioaio/rx';
 * rx.readdir('/etc').subscribe({ next: (names) => console.log(names.length), error: console.error });
 */
export const rx: Rx = createRx(aio);
