export type { NativeDirents } from './dirents.js';
export { decodeDirents } from './dirents.js';
export type { NativeSystemError } from './errors.js';
export { nativeError } from './errors.js';
export { loadNativePool, type NativeUnavailable } from './load.js';
export { kAt, kCopyRange, kMmap, kOp, kReaddir, kSeek } from './ops.js';
export { NativePool } from './pool.js';
export { NativeStats, statsFrom } from './stats.js';
export type {
  DirCallback,
  ExtentsCallback,
  NativeBinding,
  NativeCounters,
  NativePoolOptions,
  NativeTimes,
  ResultCallback,
  StatCallback,
} from './types.js';
