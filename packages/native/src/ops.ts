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
  msync: 36,
  mtouch: 37,
  mlock: 38,
  munlock: 39,
  madvise: 40,
} as const;

/** Number of request types the addon knows; checked against the addon's own count at load. */
export const kOpCount = 41;

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
  /** Not IO::AIO's (submitReaddirChecked): the last component opened with O_NOFOLLOW. */
  nofollow: 0x100,
  /** Not IO::AIO's (submitReaddirChecked): the parent checked, the directory's identity appended. */
  identify: 0x200,
} as const;

/** lseek's whence values, SEEK_DATA and SEEK_HOLE included (a copy that keeps holes). */
export const kSeek = { set: 0, cur: 1, end: 2, data: 3, hole: 4 } as const;

/** Flags of submitCopyRange. */
export const kCopyRange = {
  /** Try FICLONERANGE first (shared blocks on btrfs, xfs); falls back when refused. */
  clone: 1,
} as const;

/** Numbers for mmap and the requests on mapped memory, as Linux defines them. */
export const kMmap = {
  protNone: 0,
  protRead: 1,
  protWrite: 2,
  protExec: 4,
  mapShared: 0x01,
  mapPrivate: 0x02,
  mapFixed: 0x10,
  mapAnonymous: 0x20,
  mapPopulate: 0x8000,
  /** mremap flag: the mapping may move to grow. */
  mremapMaymove: 1,
  /** msync flags. */
  msAsync: 1,
  msInvalidate: 2,
  msSync: 4,
  /** mtouch flag: dirty every page too. @see IO::AIO MT_MODIFY */
  mtModify: 1,
  /** madvise advice. */
  madvNormal: 0,
  madvRandom: 1,
  madvSequential: 2,
  madvWillneed: 3,
  madvDontneed: 4,
} as const;
