import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import {
  MADV_DONTNEED,
  MAP_LOCKED,
  MAP_SHARED,
  MS_SYNC,
  mmap,
  munmap,
  PROT_READ,
  PROT_WRITE,
} from '@ioaio/core';
import { expect } from 'vitest';
import { kNative } from '../backend.js';
import { errorShape } from '../requests.js';
import { descriptor, type Fixture, file, kClosedFd, onFd, runs, unavailable } from './fixture.js';

// The requests of IO::AIO only the native backend makes beyond linux.ts's (FIEMAP, requests on
// mappings, fcntl, ioctl, splice...): each checked against what the kernel then reports through
// /proc or another tool, or ENOSYS on node:fs.

const kPage = 4096;
const kMiB = 1 << 20;
const kRW = PROT_READ | PROT_WRITE;
/** O_CLOEXEC as /proc/self/fdinfo shows it (Linux x86-64 and arm64). */
const kCloexec = 0o2000000;

/** The status flags of a descriptor as the kernel reports them (/proc/self/fdinfo). */
function fdFlags(fd: number): number {
  const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
  return Number.parseInt(/^flags:\s+([0-7]+)$/m.exec(info)?.[1] ?? 'NaN', 8);
}

/** The file position of a descriptor as the kernel reports it. */
function fdPosition(fd: number): number {
  return Number(/^pos:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))?.[1]);
}

/**
 * True under the AddressSanitizer runtime (`pnpm test:asan` preloads it): it turns mlock, munlock,
 * mlockall and munlockall into no-ops that succeed, so there only their values are checked.
 */
const kSanitized = /libasan/.test(process.env.LD_PRELOAD ?? '');

/** A lock-state figure, or the same placeholder on both sides of the comparison under the sanitizer. */
function locked<T>(figure: T): T | 'not checked under the sanitizer' {
  return kSanitized ? 'not checked under the sanitizer' : figure;
}

/** A kB field of /proc/self/status (VmLck...). */
function statusKb(field: string): number {
  const status = fs.readFileSync('/proc/self/status', 'latin1');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]);
}

/** The kB fields of /proc/self/smaps summed over the blocks that map `path` (an mlock may split one). */
function smaps(path: string): Record<string, number> {
  const fields: Record<string, number> = {};
  let inside = false;
  for (const line of fs.readFileSync('/proc/self/smaps', 'latin1').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inside = line.endsWith(` ${path}`);
    const m = inside ? /^(\w+):\s+(\d+) kB$/.exec(line) : null;
    if (m !== null) fields[m[1] as string] = (fields[m[1] as string] ?? 0) + Number(m[2]);
  }
  return fields;
}

const dirtyKb = (path: string) => {
  const f = smaps(path);
  return (f.Private_Dirty ?? 0) + (f.Shared_Dirty ?? 0);
};

/** A file of `size` bytes, flushed (its pages clean), mapped MAP_SHARED read-write; cleanup unmaps it. */
function mapped(dir: string, name: string, size: number, extraFlags = 0) {
  const path = file(dir, name, Buffer.alloc(size, 7));
  const fd = fs.openSync(path, 'r+');
  fs.fsyncSync(fd);
  const map = mmap(size, kRW, MAP_SHARED | extraFlags, fd, 0);
  fs.closeSync(fd); // the mapping keeps the file
  return { path, map, cleanup: () => munmap(map) };
}

/** A FIFO opened read-write and non-blocking: one descriptor on both ends of a pipe. */
function pipeFd(dir: string, name: string): number {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
}

/** Everything a non-blocking pipe holds now, as text ('' when empty). */
function drain(fd: number): string {
  const buf = Buffer.alloc(65536);
  try {
    return buf.toString('latin1', 0, fs.readSync(fd, buf, 0, buf.length, null));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return '';
    throw error;
  }
}

/** The soft RLIMIT_NOFILE the kernel reports for this process. */
function softFdLimit(): number {
  const row = /^Max open files\s+(\S+)/m.exec(fs.readFileSync('/proc/self/limits', 'latin1'));
  return row?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(row?.[1]);
}

/** Bytes of a file in the page cache, as fincore reports them; undefined without fincore. */
function cachedBytes(path: string): number | undefined {
  try {
    return Number(
      execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'latin1' }),
    );
  } catch {
    return undefined;
  }
}

/** FIEMAP_EXTENT_* bits by the names filefrag prints. */
const kExtentFlags: Record<string, number> = {
  last: 0x1,
  unknown: 0x2,
  delalloc: 0x4,
  unwritten: 0x800,
  merged: 0x1000,
  shared: 0x2000,
};

/** The extents filefrag reads (bytes), the kernel's own report through another tool; undefined without it. */
function filefrag(path: string) {
  let out: string;
  try {
    out = execFileSync('filefrag', ['-v', '-b1', path], { encoding: 'latin1' });
  } catch {
    return undefined;
  }
  return out
    .split('\n')
    .filter((line) => /^\s*\d+:/.test(line))
    .map((row) => {
      const cells = row.split(':').map((c) => c.trim());
      const names = (cells.at(-1) ?? '').split(',').filter((n) => n !== '' && n !== 'eof');
      return {
        logical: Number(cells[1]?.split('..')[0]),
        physical: Number(cells[2]?.split('..')[0]),
        length: Number(cells[3]),
        flags: names.reduce((bits, n) => bits | (kExtentFlags[n] ?? 0), 0),
      };
    });
}

/** A file with 4 KiB of data at 0 and at 1 MiB and a hole between, flushed to disk. */
function sparse(dir: string, name: string) {
  const path = join(dir, name);
  const fd = fs.openSync(path, 'w+');
  fs.writeSync(fd, Buffer.alloc(kPage, 'a'), 0, kPage, 0);
  fs.writeSync(fd, Buffer.alloc(kPage, 'b'), 0, kPage, kMiB);
  fs.fsyncSync(fd);
  return { path, fd, cleanup: () => fs.closeSync(fd) };
}

/**
 * fiemap on a sparse file: the two data extents, equal to filefrag's report.
 * Platform: where the directory's file system has no FIEMAP (tmpfs), the
 * whole ENOTSUP (EOPNOTSUPP) error is the outcome, and the reason is printed.
 */
const fiemap: Fixture = {
  enosys: null,
  starts: null,
  failures: onFd('fiemap', [kClosedFd, 0, null, 0, null]),
  make(dir, i) {
    const f = sparse(dir, `sparse-${i}`);
    return {
      args: [f.fd, 0, null, 1, null], // FIEMAP_FLAG_SYNC, every extent
      verify(err, value) {
        if ((err as NodeJS.ErrnoException | null)?.errno === -osConstants.errno.EOPNOTSUPP) {
          console.log(`fiemap: ${dir} has no FIEMAP; the ENOTSUP error is checked instead`);
          expect([errorShape(err), value]).toEqual([
            { code: 'ENOTSUP', errno: -osConstants.errno.EOPNOTSUPP, syscall: 'fiemap' },
            undefined,
          ]);
          return;
        }
        expect(err).toBeNull();
        const extents = value as { logical: number; physical: number; length: number; flags: number }[];
        expect(extents.map((e) => [e.logical, e.length, e.flags])).toEqual([
          [0, kPage, 0],
          [kMiB, kPage, 1], // FIEMAP_EXTENT_LAST
        ]);
        const other = filefrag(f.path);
        if (other === undefined) console.log('fiemap: no filefrag here; physical offsets not compared');
        else expect(extents).toEqual(other);
      },
      untouched: null,
      cleanup: f.cleanup,
    };
  },
};

/** Requests on mappings: each checked against what /proc/self/smaps then reports. */
const memory: Record<string, Fixture> = {
  msync: runs(
    null,
    (dir, i) => {
      const m = mapped(dir, `msync-${i}`, 2 * kPage);
      const text = Buffer.from(`synced ${i}`);
      new Uint8Array(m.map).set(text, kPage + 10); // dirties the second page only
      return {
        args: [m.map, kPage, null, MS_SYNC],
        check(value) {
          const expected = Buffer.alloc(2 * kPage, 7);
          text.copy(expected, kPage + 10);
          expect([value, dirtyKb(m.path), fs.readFileSync(m.path).equals(expected)]).toEqual([
            undefined,
            0,
            true,
          ]);
        },
        // Platform: a large folio may hold both pages, so the dirty count is a page or more.
        untouched: () => expect(dirtyKb(m.path)).toBeGreaterThan(0),
        cleanup: m.cleanup,
      };
    },
    null,
  ),
  mtouch: runs(
    null,
    (dir, i) => {
      const m = mapped(dir, `mtouch-${i}`, 16 * kPage);
      return {
        args: [m.map, 0, null, 0],
        check: (value) => expect([value, smaps(m.path).Rss]).toEqual([undefined, 64]),
        untouched: () => expect(smaps(m.path).Rss).toBe(0),
        cleanup: m.cleanup,
      };
    },
    null,
  ),
  mlock: runs(
    null,
    (dir, i) => {
      const m = mapped(dir, `mlock-${i}`, 4 * kPage);
      return {
        args: [m.map, 0, null],
        check: (value) => expect([value, locked(smaps(m.path).Locked)]).toEqual([undefined, locked(16)]),
        ...(kSanitized ? {} : { untouched: () => expect(smaps(m.path).Locked).toBe(0) }),
        cleanup: m.cleanup,
      };
    },
    null,
  ),
  munlock: runs(
    null,
    (dir, i) => {
      const m = mapped(dir, `munlock-${i}`, 4 * kPage, MAP_LOCKED);
      return {
        args: [m.map, 0, null],
        check: (value) => expect([value, locked(smaps(m.path).Locked)]).toEqual([undefined, locked(0)]),
        ...(kSanitized ? {} : { untouched: () => expect(smaps(m.path).Locked).toBe(16) }),
        cleanup: m.cleanup,
      };
    },
    null,
  ),
  madvise: runs(
    null,
    (dir, i) => {
      const m = mapped(dir, `madvise-${i}`, 16 * kPage);
      const bytes = new Uint8Array(m.map);
      for (let at = 0; at < bytes.length; at += kPage) void bytes[at]; // faults every page in
      return {
        args: [m.map, 0, null, MADV_DONTNEED],
        check: (value) => expect([value, smaps(m.path).Rss]).toEqual([undefined, 0]),
        untouched: () => expect(smaps(m.path).Rss).toBe(64),
        cleanup: m.cleanup,
      };
    },
    null,
  ),
};

const onNodeFsMemory: Record<string, Fixture> = {
  fiemap: unavailable('fiemap', [0, 0, 1, 0, 1]),
  msync: unavailable('msync', [Buffer.alloc(1), 0, 1, MS_SYNC]),
  mtouch: unavailable('mtouch', [Buffer.alloc(1), 0, 1, 0]),
  mlock: unavailable('mlock', [Buffer.alloc(1), 0, 1]),
  munlock: unavailable('munlock', [Buffer.alloc(1), 0, 1]),
  madvise: unavailable('madvise', [Buffer.alloc(1), 0, 1, MADV_DONTNEED]),
};

/** Control requests on descriptors and the process, each checked against what /proc then reports. */
const control: Record<string, Fixture> = {
  fcntl: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `fcntl-${i}`, 'data', 'r+');
      const before = fdFlags(d.fd);
      return {
        args: [d.fd, 4, fs.constants.O_APPEND], // F_SETFL
        check: (value) => expect([value, fdFlags(d.fd)]).toEqual([0, before | fs.constants.O_APPEND]),
        untouched: () => expect(fdFlags(d.fd)).toBe(before),
        cleanup: d.cleanup,
      };
    },
    onFd('fcntl', [kClosedFd, 3, 0]),
  ),
  ioctl: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `ioctl-${i}`, 'data');
      return {
        args: [d.fd, 0x5450, 0], // FIONCLEX: clears close-on-exec, which node:fs sets
        check: (value) => expect([value, fdFlags(d.fd) & kCloexec]).toEqual([0, 0]),
        untouched: () => expect(fdFlags(d.fd) & kCloexec).toBe(kCloexec),
        cleanup: d.cleanup,
      };
    },
    onFd('ioctl', [kClosedFd, 0x5450, 0]),
  ),
  fadvise: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `fadvise-${i}`, 'x'.repeat(16 * kPage));
      fs.fsyncSync(d.fd); // clean pages: DONTNEED drops only those
      const cached = cachedBytes(d.path);
      if (cached === undefined) console.log('fadvise: no fincore here; the page cache is not compared');
      return {
        args: [d.fd, 0, 0, 4], // POSIX_FADV_DONTNEED over the whole file
        check: (value) => expect([value, cachedBytes(d.path) ?? 0]).toEqual([undefined, 0]),
        ...(cached === undefined ? {} : { untouched: () => expect(cachedBytes(d.path)).toBe(16 * kPage) }),
        cleanup: d.cleanup,
      };
    },
    onFd('posix_fadvise', [kClosedFd, 0, 0, 4]),
  ),
  splice: runs(
    null,
    (dir, i) => {
      const d = descriptor(dir, `splice-${i}`, `spliced ${i}`);
      const pipe = pipeFd(dir, `splice-pipe-${i}`);
      const text = `spliced ${i}`;
      return {
        args: [d.fd, null, pipe, null, 64, 0], // from the file's own position, which moves on
        check: (value) =>
          expect([value, fdPosition(d.fd), drain(pipe)]).toEqual([text.length, text.length, text]),
        untouched: () => expect(fdPosition(d.fd)).toBe(0),
        cleanup: () => {
          d.cleanup();
          fs.closeSync(pipe);
        },
      };
    },
    onFd('splice', [kClosedFd, null, kClosedFd, null, 1, 0]),
  ),
  tee: runs(
    null,
    (dir, i) => {
      const from = pipeFd(dir, `tee-a-${i}`);
      const to = pipeFd(dir, `tee-b-${i}`);
      const text = `teed ${i}`;
      fs.writeSync(from, text);
      return {
        args: [from, to, 64, 0],
        // Both pipes hold the bytes: tee copies without consuming.
        check: (value) => expect([value, drain(to), drain(from)]).toEqual([text.length, text, text]),
        cleanup: () => {
          fs.closeSync(from);
          fs.closeSync(to);
        },
      };
    },
    onFd('tee', [kClosedFd, kClosedFd, 1, 0]),
  ),
  // Platform: locking this whole test process (mlockall MCL_CURRENT) makes V8's later madvise calls
  // fail, which ends the process on Node 22. In process the request meets the kernel's own refusal
  // (MCL_ONFAULT alone is EINVAL); the locking itself is checked against VmLck in a child process
  // (test/reliability/native-backend.test.ts, test/native/fd-control.test.ts).
  mlockall: {
    enosys: null,
    starts: null,
    failures: null,
    make: () => ({
      args: [4],
      verify(err, value) {
        if (kSanitized) return void expect([err, value]).toEqual([null, undefined]); // a no-op there
        expect([errorShape(err), value]).toEqual([
          {
            code: 'EINVAL',
            errno: -osConstants.errno.EINVAL,
            syscall: 'mlockall',
            path: undefined,
            dest: undefined,
          },
          undefined,
        ]);
      },
      untouched: null,
      cleanup() {},
    }),
  },
  munlockall: runs(
    null,
    (dir, i) => {
      const m = mapped(dir, `munlockall-${i}`, 4 * kPage, MAP_LOCKED);
      return {
        args: [],
        check: (value) =>
          expect([value, locked(smaps(m.path).Locked), locked(statusKb('VmLck'))]).toEqual([
            undefined,
            locked(0),
            locked(0),
          ]),
        ...(kSanitized ? {} : { untouched: () => expect(smaps(m.path).Locked).toBe(16) }),
        cleanup: m.cleanup,
      };
    },
    null,
  ),
  minFdlimit: runs(
    null,
    () => {
      const soft = softFdLimit();
      return { args: [soft], check: (value) => expect([value, softFdLimit()]).toEqual([soft, soft]) };
    },
    null,
  ),
};

const onNodeFsControl: Record<string, Fixture> = {
  fcntl: unavailable('fcntl', [0, 3, 0]),
  ioctl: unavailable('ioctl', [0, 0x5450, 0]),
  fadvise: unavailable('posix_fadvise', [0, 0, 0, 4]),
  splice: unavailable('splice', [0, null, 1, null, 1, 0]),
  tee: unavailable('tee', [0, 1, 1, 0]),
  mlockall: unavailable('mlockall', [1]),
  munlockall: unavailable('munlockall', []),
  minFdlimit: unavailable('setrlimit', [1]),
};

/** The fixtures of these requests for this run's backend. */
export const nativeOnlyFixtures: Record<string, Fixture> = kNative
  ? { fiemap, ...memory, ...control }
  : { ...onNodeFsMemory, ...onNodeFsControl };
