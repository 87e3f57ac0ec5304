/**
 * Request type numbers, shared with `src/c/pool.h` (`enum ioaio_type`): the C side
 * runs a request by this number in one switch.
 */
export const kOp = {
  nop: 0,
  stat: 1,
  lstat: 2,
  fstat: 3,
  open: 4,
  close: 5,
  read: 6,
  write: 7,
  readdir: 8,
  lseek: 9,
  fallocate: 10,
  rename2: 11,
  sync: 12,
  syncfs: 13,
  fsync: 14,
  fdatasync: 15,
  syncFileRange: 16,
  readahead: 17,
  sendfile: 18,
  utimensat: 19,
  futimens: 20,
  mknod: 21,
  unlink: 22,
  mkdir: 23,
  rmdir: 24,
  fiemap: 25,
  closeReserved: 26,
  copyRange: 27,
  fcntl: 28,
  ioctl: 29,
  fadvise: 30,
  splice: 31,
  tee: 32,
  mlockall: 33,
  munlockall: 34,
  minFdlimit: 35,
} as const;

/** Number of request types the addon knows; checked against the addon's own count at load. */
export const kOpCount = 36;

/** Staging record layout, checked against the addon's at load: Int32 fields per request. */
export const kI32PerRequest = 9;
/** Float64 fields per staged request. */
export const kF64PerRequest = 4;
/** Doubles per stat result (dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, 4 × (s, ns)). */
export const kStatFields = 18;

/** Offsets inside one Int32 staging record. */
export const kI32 = {
  id: 0,
  type: 1,
  priority: 2,
  fd: 3,
  int1: 4,
  int2: 5,
  pathBytes: 6,
  path2Bytes: 7,
  buffer: 8,
} as const;

/** Flags of the *at() requests, as Linux numbers them. */
export const kAt = {
  /** "No directory descriptor": the path is relative to the working directory. */
  fdcwd: -100,
  symlinkNofollow: 0x100,
  removedir: 0x200,
  emptyPath: 0x1000,
} as const;

/** IO::AIO's readdir flags that the native readdir honours (IO::AIO's numbers). */
export const kReaddir = {
  /** Directories (by d_type) before everything else. @see IO::AIO READDIR_DIRS_FIRST */
  dirsFirst: 2,
  /** Entries sorted by inode number, the order that reads inodes fastest. @see IO::AIO READDIR_STAT_ORDER */
  statOrder: 4,
} as const;

/** lseek's whence values, SEEK_DATA and SEEK_HOLE included (a copy that keeps holes). */
export const kSeek = { set: 0, cur: 1, end: 2, data: 3, hole: 4 } as const;

/** Flags of submitCopyRange. */
export const kCopyRange = {
  /** Try FICLONERANGE first (shared blocks on btrfs, xfs); falls back when refused. */
  clone: 1,
} as const;
