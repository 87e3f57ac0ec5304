export { DirStream, type DirStreamOptions } from './catalogue/dir-stream.js';
export {
  type DirEntry,
  type DirentType,
  READDIR_DENTS,
  READDIR_DIRS_FIRST,
  READDIR_FOUND_UNKNOWN,
  READDIR_STAT_ORDER,
  type ReaddirxResult,
} from './catalogue/directories.js';
export type { StatOptions } from './catalogue/metadata.js';
export type { NameOptions } from './catalogue/names.js';
export type { MemoryLike } from './catalogue/native-memory.js';
export type { FiemapExtent } from './catalogue/native-only.js';
export type { CopytreeOptions, CopytreeProgress, CopytreeResult } from './composite/copytree.js';
export { AioWorkingDirectory } from './composite/index.js';
export { joinPath, type PathBytes, stripTrailingSlashes } from './composite/path.js';
export type { ScandirOptions, ScandirResult } from './composite/scandir.js';
export type { WalkEncoding, WalkEntry, WalkOptions, WalkResult } from './composite/walk.js';
export {
  AioContext,
  type AioOptions,
  createAio,
  type NameOf,
  type OperationMethods,
  type OperationName,
  type ReaddirxEntries,
} from './context/context.js';
export { type OperationInfo, operations } from './context/operation-list.js';
export { major, makedev, minor } from './devices.js';
export { AbortError, type SystemError } from './errors.js';
export { releaseFd } from './fd-budget.js';
export { AioGroup, type GroupMember, type GroupOptions } from './group.js';
export {
  MADV_DONTNEED,
  MADV_NORMAL,
  MADV_RANDOM,
  MADV_SEQUENTIAL,
  MADV_WILLNEED,
  MAP_ANONYMOUS,
  MAP_LOCKED,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  MREMAP_MAYMOVE,
  MS_ASYNC,
  MS_INVALIDATE,
  MS_SYNC,
  MT_MODIFY,
  mmap,
  mprotect,
  mremap,
  munmap,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
} from './mmap.js';
export { type BackendName, NativePoolControls, pool } from './native-pool.js';
export {
  AioQueue,
  type QueueAddOptions,
  type QueueOptions,
  type QueueTask,
  type QueueTaskContext,
} from './queue.js';
export { AioRequest, type RequestCallback, type RequestOptions, type RequestState } from './request.js';
export {
  type FsPathLike,
  kMaxPriority,
  kMinPriority,
  type NameEncoding,
  type PathLike,
  validateInteger,
  type WdPath,
} from './validate.js';

import { createAio } from './context/context.js';

/**
 * The default context, shared by the whole process.
 * @example import { aio } from '@ioaio/core'; const st = await aio.stat('/etc/passwd');
 */
export const aio = createAio();
