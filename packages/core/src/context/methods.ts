import type { BigIntStats, Stats, StatsFs } from 'node:fs';
import type { DirStream } from '../catalogue/dir-stream.js';
import type { DirEntry, ReaddirxResult } from '../catalogue/directories.js';
import type { StatOptions } from '../catalogue/metadata.js';
import type { NameOptions } from '../catalogue/names.js';
import type { MemoryLike } from '../catalogue/native-memory.js';
import type { FiemapExtent } from '../catalogue/native-only.js';
import type { CopytreeOptions, CopytreeResult } from '../composite/copytree.js';
import type { ScandirOptions, ScandirResult } from '../composite/scandir.js';
import type { WalkOptions, WalkResult } from '../composite/walk.js';
import type { AioWorkingDirectory } from '../composite/wd.js';
import type { AioGroup, GroupOptions } from '../group.js';
import type { AioRequest, RequestOptions } from '../request.js';
import type { NameEncoding, PathLike } from '../validate.js';

/**
 * What `readdirx` gives as entries for `flags` of type `F`: `{ name, type }`
 * objects when the flags are a literal with {@link READDIR_DENTS} set (an odd
 * number), the names when they are a literal without it, either kind when
 * the flags are only known as a `number` (`READDIR_DENTS | READDIR_DIRS_FIRST`
 * is one: TypeScript types `|` as `number`; pass `3` or narrow the entries).
 * @example
 * const { entries } = await aio.readdirx(dir, READDIR_DENTS); // DirEntry<string>[]
 * for (const e of entries) console.log(e.name, e.type);
 */
export type ReaddirxEntries<F extends number, N extends string | Buffer = string> = number extends F
  ? N[] | DirEntry<N>[]
  : // Distributes over a union of literals (`0 | 1`): each gives its own kind.
    F extends unknown
    ? `${F}` extends `${string}${1 | 3 | 5 | 7 | 9}`
      ? DirEntry<N>[]
      : N[]
    : never;

/** A name in encoding `E`: a Buffer for `'buffer'`, else a string. */
export type NameOf<E extends NameEncoding> = E extends 'buffer' ? Buffer : string;

/**
 * Every operation of a context as a method, each with its documentation.
 * Single operations return an {@link AioRequest} (a promise-like that can be
 * cancelled), composites an {@link AioGroup}; all check their arguments
 * synchronously and throw Node's `ERR_*` errors before anything is queued.
 * The last argument of every method is its options object: `priority`,
 * `signal`, `callback` (see {@link RequestOptions}).
 */
// Invariant: each method is written out by hand for its documentation and parameter names;
// test/types/methods.ts checks it against the registry's descriptor (same operations, parameters
// the descriptor accepts, same result), and `node scripts/method-docs.mjs --write` copies each
// descriptor's JSDoc onto it (test/docs/method-docs.test.ts fails when one is stale).
export interface OperationMethods {
  // descriptors.ts

  /**
   * Opens a file; resolves with the numeric fd. An fd whose request was
   * cancelled while the open ran is closed, never leaked.
   * @param path The file to open.
   * @param flags `'r'`, `'w'`, `'a+'`…, or `fs.constants.O_*` bits. Default `'r'`.
   * @param mode Permission bits for a created file, before the umask. Default `0o666`.
   * @param options Priority, signal and callback.
   * @example const fd = await aio.open(path, 'r');
   * @see IO::AIO aio_open
   */
  open(
    path: PathLike,
    flags?: string | number | null,
    mode?: number | string | null,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * Closes a file descriptor. Once executing it cannot be cancelled: it
   * settles with its real outcome, so whether the number is still open is
   * never in doubt (a queued close still cancels).
   * @param fd The descriptor to close.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_close
   */
  close(fd: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Reads `length` bytes at file position `offset` (`null`: the current
   * position, which moves on) into `buffer` at `bufferOffset`; resolves with
   * the bytes read. `length` is at most 2 GiB - 1 and must fit the buffer
   * (`ERR_OUT_OF_RANGE` at the call); a buffer detached or shrunk while the
   * request was queued rejects with `ERR_BUFFER_OUT_OF_BOUNDS`.
   * @param fd The descriptor to read from.
   * @param offset File position to read at; `null` reads at the current position.
   * @param length Bytes to read.
   * @param buffer Where the bytes go.
   * @param bufferOffset Where in `buffer` the first byte goes. Default 0.
   * @param options Priority, signal and callback.
   * @example const n = await aio.read(fd, 0, 4096, buf);
   * @see IO::AIO aio_read
   */
  read(
    fd: number,
    offset: number | null,
    length: number,
    buffer: NodeJS.ArrayBufferView,
    bufferOffset?: number,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * Writes `length` bytes of `buffer` from `bufferOffset` at file position
   * `offset` (`null`: the current position); resolves with the bytes written.
   * Checked as `read` is.
   * @param fd The descriptor to write to.
   * @param offset File position to write at; `null` writes at the current position.
   * @param length Bytes to write.
   * @param buffer Where the bytes come from.
   * @param bufferOffset Where in `buffer` the first byte is. Default 0.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_write
   */
  write(
    fd: number,
    offset: number | null,
    length: number,
    buffer: NodeJS.ArrayBufferView,
    bufferOffset?: number,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * Flushes a file's data and metadata to its device.
   * @param fd The descriptor of the file.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_fsync
   */
  fsync(fd: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Flushes a file's data (and only the metadata needed to read it back).
   * @param fd The descriptor of the file.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_fdatasync
   */
  fdatasync(fd: number, options?: RequestOptions<void>): AioRequest<void>;

  // metadata.ts

  /**
   * Resolves with `fs.Stats` (or `fs.BigIntStats` with `{ bigint: true }`)
   * of a path, following symlinks, or of an open fd.
   * @param target A path, or an open file descriptor.
   * @param options `bigint`, priority, signal and callback.
   * @example const st = await aio.stat('/etc/passwd');
   * @see IO::AIO aio_stat
   */
  stat(target: PathLike | number, options?: StatOptions): AioRequest<Stats>;
  /**
   * Resolves with `fs.Stats` (or `fs.BigIntStats` with `{ bigint: true }`)
   * of a path, following symlinks, or of an open fd.
   * @param target A path, or an open file descriptor.
   * @param options `{ bigint: true }`, priority, signal and callback.
   * @example const st = await aio.stat('/etc/passwd');
   * @see IO::AIO aio_stat
   */
  stat(
    target: PathLike | number,
    options: StatOptions<BigIntStats> & { bigint: true },
  ): AioRequest<BigIntStats>;

  /**
   * As stat, but a symlink is described itself rather than followed.
   * @param target A path, or an open file descriptor.
   * @param options `bigint`, priority, signal and callback.
   * @see IO::AIO aio_lstat
   */
  lstat(target: PathLike | number, options?: StatOptions): AioRequest<Stats>;
  /**
   * As stat, but a symlink is described itself rather than followed.
   * @param target A path, or an open file descriptor.
   * @param options `{ bigint: true }`, priority, signal and callback.
   * @see IO::AIO aio_lstat
   */
  lstat(
    target: PathLike | number,
    options: StatOptions<BigIntStats> & { bigint: true },
  ): AioRequest<BigIntStats>;

  /**
   * Resolves with `fs.StatsFs` of the file system holding a path or fd.
   * @param target A path, or an open file descriptor.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_statvfs
   */
  statvfs(target: PathLike | number, options?: RequestOptions<StatsFs>): AioRequest<StatsFs>;

  /**
   * Sets access and modification times, in seconds (fractions allowed) or
   * as Dates; both `null` means now.
   * @param target A path, or an open file descriptor.
   * @param atime Access time: seconds since the epoch or a Date; `null` with `mtime` `null` is now.
   * @param mtime Modification time, as `atime`.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_utime
   */
  utime(
    target: PathLike | number,
    atime: number | Date | null,
    mtime: number | Date | null,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * Changes owner and group; `null` (or -1) keeps the current one.
   * @param target A path, or an open file descriptor.
   * @param uid The new owner; `null` or -1 keeps it.
   * @param gid The new group; `null` or -1 keeps it.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_chown
   */
  chown(
    target: PathLike | number,
    uid: number | null,
    gid: number | null,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * Changes permission bits.
   * @param target A path, or an open file descriptor.
   * @param mode Permission bits, as a number or an octal string (`'755'`).
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_chmod
   */
  chmod(target: PathLike | number, mode: number | string, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Truncates (or extends with zeros) a file to `length` bytes.
   * @param target A path, or an open file descriptor.
   * @param length The new size in bytes.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_truncate
   */
  truncate(target: PathLike | number, length: number, options?: RequestOptions<void>): AioRequest<void>;

  // names.ts

  /**
   * Removes a name (not a directory).
   * @param path The name to remove.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_unlink
   */
  unlink(path: PathLike, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Removes an empty directory.
   * @param path The directory to remove.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_rmdir
   */
  rmdir(path: PathLike, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Creates a directory with `mode` (before the umask).
   * @param path The directory to create.
   * @param mode Permission bits, before the umask. Default `0o777`.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_mkdir
   */
  mkdir(path: PathLike, mode?: number | string | null, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Makes a hard link `dst` to `src`.
   * @param src The existing file.
   * @param dst The new name.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_link
   */
  link(src: PathLike, dst: PathLike, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Makes a symlink at `path` whose content is `target`.
   * @param target What the link points to (stored as given).
   * @param path Where the link is made.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_symlink
   */
  symlink(target: PathLike, path: PathLike, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Resolves with a symlink's content.
   * @param path The symlink.
   * @param options `encoding`, priority, signal and callback.
   * @see IO::AIO aio_readlink
   */
  readlink(
    path: PathLike,
    options?: NameOptions<string> & { encoding?: Exclude<NameEncoding, 'buffer'> | undefined },
  ): AioRequest<string>;
  /**
   * Resolves with a symlink's content.
   * @param path The symlink.
   * @param options `{ encoding: 'buffer' }`, priority, signal and callback.
   * @see IO::AIO aio_readlink
   */
  readlink(path: PathLike, options: NameOptions<Buffer> & { encoding: 'buffer' }): AioRequest<Buffer>;

  /**
   * Resolves with the canonical absolute path (the C library's realpath).
   * @param path The path to resolve.
   * @param options `encoding`, priority, signal and callback.
   * @see IO::AIO aio_realpath
   */
  realpath(
    path: PathLike,
    options?: NameOptions<string> & { encoding?: Exclude<NameEncoding, 'buffer'> | undefined },
  ): AioRequest<string>;
  /**
   * Resolves with the canonical absolute path (the C library's realpath).
   * @param path The path to resolve.
   * @param options `{ encoding: 'buffer' }`, priority, signal and callback.
   * @see IO::AIO aio_realpath
   */
  realpath(path: PathLike, options: NameOptions<Buffer> & { encoding: 'buffer' }): AioRequest<Buffer>;

  /**
   * Renames `src` to `dst`, replacing `dst`.
   * @param src The existing name.
   * @param dst The new name (replaced if it exists).
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_rename
   */
  rename(src: PathLike, dst: PathLike, options?: RequestOptions<void>): AioRequest<void>;

  // directories.ts

  /**
   * Resolves with the names in a directory, without `.` and `..`.
   * @param path The directory.
   * @param options `encoding`, priority, signal and callback.
   * @example const names = await aio.readdir('/etc');
   * @see IO::AIO aio_readdir
   */
  readdir(
    path: PathLike,
    options?: NameOptions<string[]> & { encoding?: Exclude<NameEncoding, 'buffer'> | undefined },
  ): AioRequest<string[]>;
  /**
   * Resolves with the names in a directory, without `.` and `..`.
   * @param path The directory.
   * @param options `{ encoding: 'buffer' }`, priority, signal and callback.
   * @example const names = await aio.readdir('/etc');
   * @see IO::AIO aio_readdir
   */
  readdir(path: PathLike, options: NameOptions<Buffer[]> & { encoding: 'buffer' }): AioRequest<Buffer[]>;

  /**
   * readdir with flags: `READDIR_DENTS` gives `{ name, type }` entries,
   * `READDIR_DIRS_FIRST` puts directories (or likely ones) first; the flags
   * come back with `READDIR_FOUND_UNKNOWN` set if some type was unknown.
   * The entries' type follows the flags when they are a literal: with
   * `READDIR_DENTS` they are `DirEntry`s. TypeScript types flags joined with
   * `|` as a plain `number`, which gives names or entries (narrow with
   * `typeof e === 'string'`, or pass the sum: `3` for dents and dirs first).
   * @typeParam F The flags' type: a literal with `READDIR_DENTS` set types the entries as `DirEntry`.
   * @typeParam E The names' encoding: `'buffer'` types them as Buffers.
   * @param path The directory.
   * @param flags `READDIR_DENTS`, `READDIR_DIRS_FIRST`, `READDIR_STAT_ORDER`, or'ed together.
   * @param options `encoding`, priority, signal and callback.
   * @example
   * const { entries } = await aio.readdirx(dir, READDIR_DENTS);
   * for (const e of entries) if (e.type === 'dir') console.log(e.name);
   * @see IO::AIO aio_readdirx
   */
  readdirx<F extends number, E extends NameEncoding = 'utf8'>(
    path: PathLike,
    flags: F,
    options?: NameOptions<ReaddirxResult<ReaddirxEntries<F, NameOf<E>>>> & { encoding?: E | undefined },
  ): AioRequest<ReaddirxResult<ReaddirxEntries<F, NameOf<E>>>>;

  // dir-stream.ts

  /**
   * Resolves with the next entries of a {@link DirStream}, at most its
   * `chunkEntries`, as `{ name, type }`; an empty array once it has ended
   * (`stream.ended` tells without a request). One chunk of a stream at a
   * time: a second concurrent one rejects with `ERR_AIO_DIR_CONCURRENT_READ`.
   * Entries removed or added while a directory is read may be missed or seen
   * (as readdir(3) says); read again to be sure.
   * @param stream The directory stream to read from.
   * @param options Priority, signal and callback.
   * @example const entries = await aio.readdirChunk(new DirStream(dir));
   */
  readdirChunk(stream: DirStream, options?: RequestOptions<DirEntry[]>): AioRequest<DirEntry[]>;

  // data.ts

  /**
   * Copies `length` bytes from `inFd` at `inOffset` to `outFd` at its current
   * position; resolves with the bytes sent (fewer at end of file). Emulated
   * with reads and writes of 64 KiB through the pool, so memory stays at one
   * chunk whatever the length; `inOffset + length` must be a safe integer
   * (`ERR_OUT_OF_RANGE` at the call).
   * @param outFd The descriptor written to, at its current position.
   * @param inFd The descriptor read from.
   * @param inOffset Where in `inFd` to start reading.
   * @param length Bytes to copy.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_sendfile
   */
  sendfile(
    outFd: number,
    inFd: number,
    inOffset: number,
    length: number,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * Pulls a range of a file into the page cache (emulated: read and discarded,
   * 64 KiB at a time). `offset + length` must be a safe integer.
   * @param fd The descriptor of the file.
   * @param offset Where the range starts.
   * @param length Bytes in the range.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_readahead
   */
  readahead(fd: number, offset: number, length: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Resolves with a whole file's content. The file is opened without
   * blocking and must be a regular file (procfs files that report size 0 are
   * read to their end): a FIFO, a device or a socket rejects at once with
   * `ERR_AIO_NOT_REGULAR_FILE` (`syscall` 'read', `path`), a directory with
   * `EISDIR`.
   * @param path The file to read.
   * @param options Priority, signal and callback.
   * @example const data = await aio.load('/etc/hostname');
   * @see IO::AIO aio_load
   */
  load(path: PathLike, options?: RequestOptions<Buffer>): AioRequest<Buffer>;

  /**
   * Resolves with `length` bytes from `offset` (negative: from the end of the
   * file); no length (or 0) reads to the end of the file. Regular files only,
   * as for `load`.
   * @param path The file to read.
   * @param offset Where to start; negative counts from the end of the file. Default 0.
   * @param length Bytes to read; 0 reads to the end of the file. Default 0.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_slurp
   */
  slurp(
    path: PathLike,
    offset?: number,
    length?: number,
    options?: RequestOptions<Buffer>,
  ): AioRequest<Buffer>;

  // special.ts

  /**
   * Does nothing, but goes through the queue and an execution slot: useful
   * to wait until everything of higher priority has started.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_nop
   */
  nop(options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Holds one execution slot for `seconds` (fractions allowed). The slot is
   * held on the event loop's timer, not on a libuv thread.
   * @param seconds How long to hold the slot.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_busy
   */
  busy(seconds: number, options?: RequestOptions<void>): AioRequest<void>;

  // linux.ts

  /**
   * Moves a descriptor's file position (lseek(2)); `whence` is 0 (SEEK_SET),
   * 1 (SEEK_CUR), 2 (SEEK_END), 3 (SEEK_DATA) or 4 (SEEK_HOLE). Resolves with
   * the new position. Native backend only.
   * @param fd The descriptor.
   * @param offset The offset, relative to `whence`.
   * @param whence 0 SEEK_SET, 1 SEEK_CUR, 2 SEEK_END, 3 SEEK_DATA, 4 SEEK_HOLE.
   * @param options Priority, signal and callback.
   * @example const end = await aio.seek(fd, 0, 2);
   * @see IO::AIO aio_seek
   */
  seek(fd: number, offset: number, whence: number, options?: RequestOptions<number>): AioRequest<number>;

  /**
   * Copies `length` bytes from `inFd` at `inOffset` to `outFd` at `outOffset`
   * inside the kernel: shared blocks (FICLONERANGE) where the file system can,
   * else copy_file_range(2), else reads and writes on the pool's thread.
   * Resolves with the bytes copied, fewer at the end of the input. Neither
   * descriptor's file position moves. Native backend only (not in IO::AIO;
   * `copy` is built on it there).
   * @param inFd The descriptor read from.
   * @param inOffset Where to start reading.
   * @param outFd The descriptor written to.
   * @param outOffset Where to start writing.
   * @param length Bytes to copy.
   * @param options Priority, signal and callback.
   * @example const n = await aio.copyRange(src, 0, dst, 0, size);
   */
  copyRange(
    inFd: number,
    inOffset: number,
    outFd: number,
    outOffset: number,
    length: number,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * Makes a file system node (mknod(2)): `mode` holds the type (S_IFIFO,
   * S_IFCHR, S_IFBLK, S_IFREG, S_IFSOCK) and permission bits, `dev` the
   * device number for devices. Native backend only.
   * @param path Where the node is made.
   * @param mode File type and permission bits.
   * @param dev The device number, for devices.
   * @param options Priority, signal and callback.
   * @example await aio.mknod('/tmp/fifo', fs.constants.S_IFIFO | 0o600, 0);
   * @see IO::AIO aio_mknod
   */
  mknod(path: PathLike, mode: number, dev: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Allocates or deallocates space of a file (fallocate(2)); `mode` takes
   * FALLOC_FL_KEEP_SIZE (1), FALLOC_FL_PUNCH_HOLE (2), FALLOC_FL_COLLAPSE_RANGE
   * (8), FALLOC_FL_ZERO_RANGE (16), FALLOC_FL_INSERT_RANGE (32). Native backend only.
   * @param fd The descriptor of the file.
   * @param mode `FALLOC_FL_*` bits; 0 allocates.
   * @param offset Where the range starts.
   * @param length Bytes in the range.
   * @param options Priority, signal and callback.
   * @example await aio.allocate(fd, 0, 0, 1 << 20);
   * @see IO::AIO aio_allocate
   */
  allocate(
    fd: number,
    mode: number,
    offset: number,
    length: number,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * rename with renameat2(2)'s flags: RENAME_NOREPLACE (1) fails with EEXIST
   * instead of replacing, RENAME_EXCHANGE (2) swaps the two names atomically,
   * RENAME_WHITEOUT (4). Native backend only.
   * @param src The existing name.
   * @param dst The new name.
   * @param flags `RENAME_NOREPLACE` (1), `RENAME_EXCHANGE` (2), `RENAME_WHITEOUT` (4).
   * @param options Priority, signal and callback.
   * @example await aio.rename2(a, b, 2); // a and b swapped
   * @see IO::AIO aio_rename2
   */
  rename2(src: PathLike, dst: PathLike, flags: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Flushes every file system's dirty data (sync(2)). Native backend only.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_sync
   */
  sync(options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Flushes the file system that holds `fd` (syncfs(2)). Native backend only.
   * @param fd A descriptor on the file system to flush.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_syncfs
   */
  syncfs(fd: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * sync_file_range(2) over `nbytes` from `offset` (0: to the end); `flags`
   * SYNC_FILE_RANGE_WAIT_BEFORE (1), _WRITE (2), _WAIT_AFTER (4). Native backend only.
   * @param fd The descriptor of the file.
   * @param offset Where the range starts.
   * @param nbytes Bytes in the range; 0 is to the end of the file.
   * @param flags `SYNC_FILE_RANGE_*` bits.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_sync_file_range
   */
  syncFileRange(
    fd: number,
    offset: number,
    nbytes: number,
    flags: number,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  // native-only.ts

  /**
   * The extents of `[start, start + length)` of a file (FS_IOC_FIEMAP):
   * where its data lies on the device, holes left out. `length` null means
   * to the end; `flags` FIEMAP_FLAG_SYNC (1) flushes first, FIEMAP_FLAG_XATTR
   * (2) maps the extended attributes instead; `count` caps the extents
   * returned (null: all). Rejects with ENOTSUP (EOPNOTSUPP) where the file
   * system has no FIEMAP (tmpfs). Native backend only.
   * @param fd The descriptor of the file.
   * @param start Where the range starts.
   * @param length Bytes in the range; `null` is to the end of the file.
   * @param flags `FIEMAP_FLAG_*` bits.
   * @param count Most extents to report; `null` reports all.
   * @param options Priority, signal and callback.
   * @example
   * const extents = await aio.fiemap(fd, 0, null, 1, null);
   * for (const e of extents) console.log(e.logical, e.length);
   * @see IO::AIO aio_fiemap
   */
  fiemap(
    fd: number,
    start: number,
    length: number | null,
    flags: number,
    count: number | null,
    options?: RequestOptions<FiemapExtent[]>,
  ): AioRequest<FiemapExtent[]>;

  // native-memory.ts

  /**
   * Writes the dirty pages of a file mapping back to the file (msync(2));
   * `flags` MS_ASYNC (1), MS_INVALIDATE (2), MS_SYNC (4, the default). `length`
   * null means to the end of the buffer. Native backend only.
   * @param buffer The mapped memory.
   * @param offset Where the range starts. Default 0.
   * @param length Bytes in the range; `null` is to the end of the buffer.
   * @param flags `MS_*` bits. Default `MS_SYNC`.
   * @param options Priority, signal and callback.
   * @example
   * const map = mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
   * new Uint8Array(map).set(bytes);
   * await aio.msync(map, 0, null, MS_SYNC);
   * @see IO::AIO aio_msync
   */
  msync(
    buffer: MemoryLike,
    offset?: number,
    length?: number | null,
    flags?: number,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * Touches every page of the range on a pool thread, so later access from
   * JavaScript does not fault; `flags` MT_MODIFY (1) writes each page too
   * (without changing a byte), making them dirty. Native backend only.
   * @param buffer The mapped memory.
   * @param offset Where the range starts. Default 0.
   * @param length Bytes in the range; `null` is to the end of the buffer.
   * @param flags `MT_*` bits.
   * @param options Priority, signal and callback.
   * @example await aio.mtouch(map, 0, null, 0); // pages now resident
   * @see IO::AIO aio_mtouch
   */
  mtouch(
    buffer: MemoryLike,
    offset?: number,
    length?: number | null,
    flags?: number,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * Locks the pages of the range in memory (mlock(2)): they are faulted in
   * and stay resident until munlock or munmap. Native backend only.
   * @param buffer The memory to lock.
   * @param offset Where the range starts. Default 0.
   * @param length Bytes in the range; `null` is to the end of the buffer.
   * @param options Priority, signal and callback.
   * @example await aio.mlock(map); // the whole mapping
   * @see IO::AIO aio_mlock
   */
  mlock(
    buffer: MemoryLike,
    offset?: number,
    length?: number | null,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * Unlocks the pages of the range (munlock(2)). A request here; IO::AIO's
   * munlock is a synchronous call. Native backend only.
   * @param buffer The memory to unlock.
   * @param offset Where the range starts. Default 0.
   * @param length Bytes in the range; `null` is to the end of the buffer.
   * @param options Priority, signal and callback.
   * @example await aio.munlock(map);
   * @see IO::AIO IO::AIO::munlock
   */
  munlock(
    buffer: MemoryLike,
    offset?: number,
    length?: number | null,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * Advises the kernel how the range will be used (madvise(2)): MADV_NORMAL
   * (0), MADV_RANDOM (1), MADV_SEQUENTIAL (2), MADV_WILLNEED (3), MADV_DONTNEED
   * (4) and Linux's others. A request here; IO::AIO's madvise is a
   * synchronous call. Native backend only.
   * @param buffer The mapped memory.
   * @param offset Where the range starts.
   * @param length Bytes in the range; `null` is to the end of the buffer.
   * @param advice `MADV_*` value.
   * @param options Priority, signal and callback.
   * @example await aio.madvise(map, 0, null, MADV_DONTNEED);
   * @see IO::AIO IO::AIO::madvise
   */
  madvise(
    buffer: MemoryLike,
    offset: number,
    length: number | null,
    advice: number,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  // native-control.ts

  /**
   * fcntl(2) with an integer argument; resolves with what fcntl returned (the
   * status flags for F_GETFL, the new descriptor for F_DUPFD...). Commands
   * that take a pointer (F_GETLK, F_SETLK...) throw ERR_INVALID_ARG_VALUE.
   * Native backend only.
   * @param fd The descriptor.
   * @param cmd The `F_*` command.
   * @param arg Its integer argument.
   * @param options Priority, signal and callback.
   * @example const flags = await aio.fcntl(fd, 3, 0); // F_GETFL
   * @see IO::AIO aio_fcntl
   */
  fcntl(fd: number, cmd: number, arg?: number, options?: RequestOptions<number>): AioRequest<number>;

  /**
   * ioctl(2) with an integer argument; resolves with what ioctl returned.
   * Only for requests whose argument is a number (FICLONE's source
   * descriptor, FIOCLEX...): one that takes a pointer would read `arg` as an
   * address. Native backend only.
   * @param fd The descriptor.
   * @param request The ioctl request number.
   * @param arg Its integer argument.
   * @param options Priority, signal and callback.
   * @example await aio.ioctl(dstFd, 0x40049409, srcFd); // FICLONE
   * @see IO::AIO aio_ioctl
   */
  ioctl(fd: number, request: number, arg?: number, options?: RequestOptions<number>): AioRequest<number>;

  /**
   * posix_fadvise(2): tells the kernel how `[offset, offset + length)` will be
   * read (`length` 0: to the end); `advice` POSIX_FADV_NORMAL (0), RANDOM (1),
   * SEQUENTIAL (2), WILLNEED (3), DONTNEED (4), NOREUSE (5). A request here;
   * IO::AIO's fadvise is a synchronous call. Native backend only.
   * @param fd The descriptor of the file.
   * @param offset Where the range starts.
   * @param length Bytes in the range; 0 is to the end of the file.
   * @param advice `POSIX_FADV_*` value.
   * @param options Priority, signal and callback.
   * @example await aio.fadvise(fd, 0, 0, 4); // drop the file's cached pages
   * @see IO::AIO IO::AIO::fadvise
   */
  fadvise(
    fd: number,
    offset: number,
    length: number,
    advice: number,
    options?: RequestOptions<void>,
  ): AioRequest<void>;

  /**
   * splice(2): moves up to `length` bytes between two descriptors, one of them
   * a pipe, without copying through user memory; an offset null uses (and
   * advances) the descriptor's own. `flags` SPLICE_F_MOVE (1), NONBLOCK (2),
   * MORE (4). Resolves with the bytes moved. A request here; IO::AIO's splice
   * is a synchronous call. Native backend only.
   * @param inFd The descriptor read from.
   * @param inOffset Where to read; `null` uses and advances the descriptor's own position.
   * @param outFd The descriptor written to.
   * @param outOffset Where to write; `null` uses and advances the descriptor's own position.
   * @param length Most bytes to move.
   * @param flags `SPLICE_F_*` bits.
   * @param options Priority, signal and callback.
   * @example const n = await aio.splice(fileFd, 0, pipeWriteFd, null, 65536, 0);
   * @see IO::AIO IO::AIO::splice
   */
  splice(
    inFd: number,
    inOffset: number | null,
    outFd: number,
    outOffset: number | null,
    length: number,
    flags: number,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * tee(2): duplicates up to `length` bytes from one pipe into another
   * without consuming them; resolves with the bytes duplicated. `flags` as
   * splice's. A request here; IO::AIO's tee is a synchronous call. Native
   * backend only.
   * @param inFd The pipe read from (its data stays).
   * @param outFd The pipe written to.
   * @param length Most bytes to duplicate.
   * @param flags `SPLICE_F_*` bits.
   * @param options Priority, signal and callback.
   * @example const n = await aio.tee(pipeA, pipeB, 65536, 0);
   * @see IO::AIO IO::AIO::tee
   */
  tee(
    inFd: number,
    outFd: number,
    length: number,
    flags: number,
    options?: RequestOptions<number>,
  ): AioRequest<number>;

  /**
   * Locks the whole process's memory (mlockall(2)): `flags` MCL_CURRENT (1),
   * MCL_FUTURE (2), MCL_ONFAULT (4, with one of the others). Native backend only.
   * @param flags `MCL_*` bits.
   * @param options Priority, signal and callback.
   * @example await aio.mlockall(1 | 2);
   * @see IO::AIO aio_mlockall
   */
  mlockall(flags: number, options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Unlocks every page of the process (munlockall(2)). A request here;
   * IO::AIO's munlockall is a synchronous call. Native backend only.
   * @param options Priority, signal and callback.
   * @example await aio.munlockall();
   * @see IO::AIO IO::AIO::munlockall
   */
  munlockall(options?: RequestOptions<void>): AioRequest<void>;

  /**
   * Raises the process's soft limit of open descriptors (RLIMIT_NOFILE) to
   * at least `n`, and the hard limit when it is lower (which needs
   * privilege); resolves with the soft limit afterwards (Infinity when
   * unlimited). A request here; IO::AIO's min_fdlimit is a synchronous call
   * that returns true or false. Native backend only.
   * @param n The fewest open descriptors wanted.
   * @param options Priority, signal and callback.
   * @example const limit = await aio.minFdlimit(65536);
   * @see IO::AIO IO::AIO::min_fdlimit
   */
  minFdlimit(n: number, options?: RequestOptions<number>): AioRequest<number>;

  // composite/

  /**
   * Resolves with `{ dirs, nondirs }`: the names of the real subdirectories
   * (never symlinks to them) apart from everything else. Uses readdir's
   * entry types; without them, the link-count shortcut and `entry/.` stats,
   * at most `maxreq` at once.
   * @param path The directory.
   * @param options `maxreq`, `encoding`, `types`, priority, signal and callback.
   * @example const { dirs, nondirs } = await aio.scandir('/usr', { maxreq: 8 });
   * @see IO::AIO aio_scandir
   */
  scandir(
    path: PathLike,
    options?: ScandirOptions & { encoding?: Exclude<NameEncoding, 'buffer'> | undefined },
  ): AioGroup<ScandirResult<string>>;
  /**
   * Resolves with `{ dirs, nondirs }`: the names of the real subdirectories
   * (never symlinks to them) apart from everything else. Uses readdir's
   * entry types; without them, the link-count shortcut and `entry/.` stats,
   * at most `maxreq` at once.
   * @param path The directory.
   * @param options `{ encoding: 'buffer' }`, `maxreq`, `types`, priority, signal and callback.
   * @example const { dirs, nondirs } = await aio.scandir('/usr', { maxreq: 8 });
   * @see IO::AIO aio_scandir
   */
  scandir(path: PathLike, options: ScandirOptions & { encoding: 'buffer' }): AioGroup<ScandirResult<Buffer>>;

  /**
   * Copies a regular file: writes a new temporary file beside `dst`
   * (`.<name>.<random>.ioaio-tmp`), gives it src's times, owner and mode
   * (set-user-ID and set-group-ID bits only when the owner could be kept, as
   * `cp -p` does), then renames it over `dst`. `dst` is always its old self
   * or the complete copy; a failure or cancellation removes only the
   * temporary file. Refused before anything is written: a src that is not a
   * regular file, a dst that is neither a regular file nor a symlink, and
   * src and dst that are one file (`ERR_FS_CP_EINVAL`).
   * @param src The regular file to copy.
   * @param dst Where the copy goes (replaced if it exists).
   * @param options Priority, signal and callback.
   * @example await aio.copy('report.txt', 'backup/report.txt');
   * @see IO::AIO aio_copy
   */
  copy(src: PathLike, dst: PathLike, options?: GroupOptions<void>): AioGroup<void>;

  /**
   * Copies a directory tree: directories, regular files through `copy` (so
   * a file under its final name is always complete), symlinks recreated
   * with the same target bytes (followed only with `followSymlinks`);
   * owners, modes and times kept, a directory's once its contents are in.
   * `dst` must not exist or be an empty directory, and must not lie inside
   * `src`. FIFOs, sockets and devices are refused as `fs.cp` refuses them
   * (with `onError`: reported and left out). At most `maxreq` file copies in
   * flight; resolves with `{ files, dirs, symlinks, skipped }`.
   * @param src The directory tree to copy.
   * @param dst Where the copy goes: absent, or an empty directory.
   * @param options `maxreq`, `followSymlinks`, `onProgress`, `onError`, priority, signal and callback.
   * @example
   * await aio.copytree('site', 'site.bak', { onProgress: (p) => console.log(p.files, '/', p.filesKnown) });
   */
  copytree(src: PathLike, dst: PathLike, options?: CopytreeOptions): AioGroup<CopytreeResult>;

  /**
   * Moves a regular file: renames; across file systems (`EXDEV`) copies as
   * `copy` does, then unlinks the source. Directories, links, special files
   * and one file under two names are refused before anything changes; the
   * source is never removed unless the copy is in place.
   * @param src The regular file to move.
   * @param dst Its new name (replaced if it exists).
   * @param options Priority, signal and callback.
   * @example await aio.move('/dev/shm/upload', '/srv/files/upload');
   * @see IO::AIO aio_move
   */
  move(src: PathLike, dst: PathLike, options?: GroupOptions<void>): AioGroup<void>;

  /**
   * Removes a directory tree. Refuses `.` and `..` as the last component
   * (`EINVAL`) and `/` (`EBUSY`), and a root that is a symlink or not a
   * directory (`ENOTDIR`); reads directories in bounded chunks and never
   * enters a symlink. Resolves when the final rmdir did.
   * @param path The directory tree to remove.
   * @param options Priority, signal and callback.
   * @example await aio.rmtree('/tmp/build-cache');
   * @see IO::AIO aio_rmtree
   */
  rmtree(path: PathLike, options?: GroupOptions<void>): AioGroup<void>;

  /**
   * open, fsync, close: makes a directory's changes durable.
   * @param path The directory (or file) to make durable.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_pathsync
   */
  pathsync(path: PathLike, options?: GroupOptions<void>): AioGroup<void>;

  /**
   * Resolves with an {@link AioWorkingDirectory} for a directory.
   * @param path The directory.
   * @param options Priority, signal and callback.
   * @see IO::AIO aio_wd
   */
  wd(path: PathLike, options?: GroupOptions<AioWorkingDirectory>): AioGroup<AioWorkingDirectory>;

  /**
   * Walks a tree with at most `maxreq` directory scans in flight, calling
   * `onEntries(dir, entries)` per directory. A group: `limit(0)` pauses it,
   * `cancel()` stops it.
   * @param root The directory to walk.
   * @param options `maxreq`, `onEntries`, `onError`, `followSymlinks`, `encoding`, priority, signal and callback.
   * @example await aio.walk('/usr', { onEntries: (dir, entries) => console.log(dir, entries.length) });
   */
  walk(
    root: PathLike,
    options?: WalkOptions<string> & { encoding?: 'utf8' | 'latin1' | undefined },
  ): AioGroup<WalkResult>;
  /**
   * Walks a tree with at most `maxreq` directory scans in flight, calling
   * `onEntries(dir, entries)` per directory. A group: `limit(0)` pauses it,
   * `cancel()` stops it.
   * @param root The directory to walk.
   * @param options `{ encoding: 'buffer' }`, `maxreq`, `onEntries`, `onError`, `followSymlinks`, priority, signal and callback.
   * @example await aio.walk('/usr', { onEntries: (dir, entries) => console.log(dir, entries.length) });
   */
  walk(root: PathLike, options: WalkOptions<Buffer> & { encoding: 'buffer' }): AioGroup<WalkResult>;
}

/** Names of the operations: the methods every context has. */
export type OperationName = keyof OperationMethods;
