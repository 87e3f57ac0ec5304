import { operations } from '@ioaio/core';

/*
 * What the argument fuzz knows about the catalogue: the kind of each
 * positional parameter, by operation, in IO::AIO's order.
 */

/** What a positional parameter is, as the generators see it. */
export type Kind =
  | 'path'
  | 'pathOrFd'
  | 'fd'
  | 'flags'
  | 'mode'
  | 'length'
  | 'position'
  | 'signedOffset'
  | 'buffer'
  | 'time'
  | 'id'
  | 'readdirFlags'
  | 'seconds'
  | 'int'
  | 'dirStream';

/** What each parameter before the options object is, by operation (IO::AIO's order). */
export const kSchema: Record<string, Kind[]> = {
  open: ['path', 'flags', 'mode'],
  close: ['fd'],
  read: ['fd', 'position', 'length', 'buffer', 'length'],
  write: ['fd', 'position', 'length', 'buffer', 'length'],
  fsync: ['fd'],
  fdatasync: ['fd'],
  stat: ['pathOrFd'],
  lstat: ['pathOrFd'],
  statvfs: ['pathOrFd'],
  utime: ['pathOrFd', 'time', 'time'],
  chown: ['pathOrFd', 'id', 'id'],
  chmod: ['pathOrFd', 'mode'],
  truncate: ['pathOrFd', 'length'],
  unlink: ['path'],
  rmdir: ['path'],
  mkdir: ['path', 'mode'],
  link: ['path', 'path'],
  symlink: ['path', 'path'],
  readlink: ['path'],
  realpath: ['path'],
  rename: ['path', 'path'],
  readdir: ['path'],
  readdirx: ['path', 'readdirFlags'],
  sendfile: ['fd', 'fd', 'length', 'length'],
  readahead: ['fd', 'length', 'length'],
  load: ['path'],
  slurp: ['path', 'signedOffset', 'length'],
  nop: [],
  busy: ['seconds'],
  seek: ['fd', 'int', 'int'],
  mknod: ['path', 'mode', 'int'],
  allocate: ['fd', 'int', 'int', 'int'],
  rename2: ['path', 'path', 'int'],
  sync: [],
  syncfs: ['fd'],
  syncFileRange: ['fd', 'int', 'int', 'int'],
  fiemap: ['fd', 'int', 'int', 'int', 'int'],
  msync: ['buffer', 'int', 'int', 'int'],
  mtouch: ['buffer', 'int', 'int', 'int'],
  mlock: ['buffer', 'int', 'int'],
  munlock: ['buffer', 'int', 'int'],
  madvise: ['buffer', 'int', 'int', 'int'],
  mlockall: ['int'],
  munlockall: [],
  fcntl: ['fd', 'int', 'int'],
  ioctl: ['fd', 'int', 'int'],
  fadvise: ['fd', 'int', 'int', 'int'],
  splice: ['fd', 'int', 'fd', 'int', 'int', 'int'],
  tee: ['fd', 'fd', 'int', 'int'],
  minFdlimit: ['int'],
  copyRange: ['fd', 'length', 'fd', 'length', 'length'],
  scandir: ['path'],
  copy: ['path', 'path'],
  copytree: ['path', 'path'],
  move: ['path', 'path'],
  rmtree: ['path'],
  pathsync: ['path'],
  wd: ['path'],
  walk: ['path'],
  readdirChunk: ['dirStream'],
};

/** Every operation of the public registry (`operations`), with its kind and the index of its options argument. */
export const kOperations: Readonly<Record<string, { kind: 'single' | 'composite'; optsIndex: number }>> =
  operations;
/** The operation names, sorted. */
export const kNames = Object.keys(kOperations).sort();

/** Operations that must never run in the fuzz: `busy` holds a slot on a timer no cancel can stop. */
export const kNeverRun = new Set(['busy']);

/** The names `makeSandbox` creates (plus two it leaves free): most generated paths are one of them. */
export const kFixtureNames = [
  'f0',
  'f1',
  'f2',
  'd0',
  'd0/g0',
  'd0/sub',
  'd0/sub/h0',
  'd1',
  'l0',
  'l1',
  'l2',
  'new0',
  'new1',
];
