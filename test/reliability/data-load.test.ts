import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { type AioContext, type AioRequest, createAio } from '@ioaio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fdsUnder } from '../helpers/escapes.js';
import { caught, counters, errorShape, kIdle, outcome } from '../helpers/requests.js';
import { tempDir } from '../helpers/tmp.js';

/*
 * load and slurp read regular files whole, and nothing else: a FIFO, a
 * device or a socket is refused at once, without a pool thread waiting for a
 * writer and without a buffer growing to the largest one possible. sendfile
 * and readahead keep every file position they reach a safe integer.
 */

/** Descriptors of this process open on `path` (Linux), to see a refusal closed what it opened. */
function fdsOn(path: string): number[] {
  const out: number[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === path) out.push(Number(fd));
    } catch {
      // readdir's own descriptor, closed already.
    }
  }
  return out;
}

/** The fields of a refusal, and the state of the context and descriptors after it. */
async function refusal(ctx: AioContext, req: AioRequest<Buffer>, path: string) {
  const [err, value] = await outcome(req);
  const e = err as Error & Record<string, unknown>;
  return {
    name: e.name,
    code: e.code,
    syscall: e.syscall,
    path: e.path,
    message: e.message,
    value,
    counters: counters(ctx),
    fds: fdsOn(path),
  };
}

function refused(path: string, kind: string) {
  return {
    name: 'Error',
    code: 'ERR_AIO_NOT_REGULAR_FILE',
    syscall: 'read',
    path,
    message: `'${path}' is ${kind}, not a regular file: only regular files are read whole`,
    value: undefined,
    counters: kIdle,
    fds: [],
  };
}

/** Makes a device node with mknod(1), or says why it cannot (no CAP_MKNOD, a nodev mount). */
function deviceNode(path: string, type: 'b' | 'c', major: number, minor: number): string | null {
  try {
    execFileSync('mknod', [path, type, String(major), String(minor)], { stdio: 'ignore' });
    // A nodev mount lets mknod make the node but refuses to open it.
    fs.closeSync(fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
    return null;
  } catch (err) {
    return `cannot make or open a device node here (${(err as Error).message.split('\n')[0]})`;
  }
}

// FIFOs whose reader may be blocked in open(2) on a pool thread (on code that opens them blocking).
const blockedFifos: { ctx: AioContext; fifos: string[] }[] = [];

/** Opens and closes a write end of each FIFO that has a reader waiting, until the context is idle. */
async function releaseReaders(ctx: AioContext, fifos: readonly string[]): Promise<void> {
  for (let turn = 0; ctx.nreqs > 0 && turn < 100_000; turn++) {
    for (const fifo of fifos) {
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: no reader is waiting on this one (yet).
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

afterEach(async () => {
  for (const { ctx, fifos } of blockedFifos.splice(0)) await releaseReaders(ctx, fifos);
});

function fifosIn(dir: string, count: number): string[] {
  const fifos = Array.from({ length: count }, (_, i) => join(dir, `fifo-${i}`));
  execFileSync('mkfifo', fifos);
  return fifos;
}

describe('load and slurp refuse what is not a regular file, at once', () => {
  it('load of /dev/zero rejects with ERR_AIO_NOT_REGULAR_FILE instead of growing a buffer', async () => {
    const ctx = createAio();
    expect(await refusal(ctx, ctx.load('/dev/zero'), '/dev/zero')).toEqual(
      refused('/dev/zero', 'a character device'),
    );
  });

  it('slurp of a character device node rejects the same way, with or without a length', async () => {
    const path = join(tempDir(), 'zero');
    const skip = deviceNode(path, 'c', 1, 5);
    if (skip !== null) return console.log(`skipped: ${skip}`);
    const ctx = createAio();
    const outcomes = [
      await refusal(ctx, ctx.slurp(path), path),
      await refusal(ctx, ctx.slurp(path, 0, 16), path),
    ];
    expect(outcomes).toEqual([refused(path, 'a character device'), refused(path, 'a character device')]);
  });

  it('load of a block device node rejects with ERR_AIO_NOT_REGULAR_FILE', async () => {
    const path = join(tempDir(), 'loop');
    const skip = deviceNode(path, 'b', 7, 0);
    if (skip !== null) return console.log(`skipped: ${skip}`);
    const ctx = createAio();
    expect(await refusal(ctx, ctx.load(path), path)).toEqual(refused(path, 'a block device'));
  });

  it('load and slurp of a FIFO with no writer reject at once and close the descriptor', async () => {
    const [fifo] = fifosIn(tempDir(), 1) as [string];
    const ctx = createAio();
    blockedFifos.push({ ctx, fifos: [fifo] });
    expect([
      await refusal(ctx, ctx.load(fifo), fifo),
      await refusal(ctx, ctx.slurp(fifo, 0, 1), fifo),
    ]).toEqual([refused(fifo, 'a FIFO'), refused(fifo, 'a FIFO')]);
  });

  it('loads of writer-less FIFOs hold no pool thread: an fs.promises.stat issued after eight of them completes', async () => {
    const dir = tempDir();
    const fifos = fifosIn(dir, 8);
    const ctx = createAio({ maxParallel: 8 });
    blockedFifos.push({ ctx, fifos });
    const loads = fifos.map((fifo) => outcome(ctx.load(fifo)));
    // With every pool thread blocked in open(2), this stat would wait for a writer too.
    const st = await fs.promises.stat(dir);
    const codes = (await Promise.all(loads)).map(([err]) => (err as { code?: unknown }).code);
    expect({ isDirectory: st.isDirectory(), codes, counters: counters(ctx), fds: fdsUnder(dir) }).toEqual({
      isDirectory: true,
      codes: Array(8).fill('ERR_AIO_NOT_REGULAR_FILE'),
      counters: kIdle,
      fds: [],
    });
  });

  it('load of a socket rejects with ERR_AIO_NOT_REGULAR_FILE (open(2) says ENXIO; the refusal says why)', async () => {
    const path = join(tempDir(), 'sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const ctx = createAio();
      expect(await refusal(ctx, ctx.load(path), path)).toEqual(refused(path, 'a socket'));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a char device node with no device behind it is refused as not regular, not as ENXIO', async () => {
    // Major 240 is reserved for local use: no driver answers it, so open(2) fails with ENXIO or ENODEV.
    const path = join(tempDir(), 'nodevice');
    try {
      execFileSync('mknod', [path, 'c', '240', '0'], { stdio: 'ignore' });
    } catch (err) {
      return console.log(
        `skipped: cannot make a device node here (${(err as Error).message.split('\n')[0]})`,
      );
    }
    const ctx = createAio();
    expect(await refusal(ctx, ctx.load(path), path)).toEqual(refused(path, 'a character device'));
  });

  it('load of a missing path still fails with ENOENT from open', async () => {
    const path = join(tempDir(), 'missing');
    const ctx = createAio();
    const [err] = await outcome(ctx.load(path));
    expect([errorShape(err), counters(ctx)]).toEqual([
      { code: 'ENOENT', errno: -constants.errno.ENOENT, syscall: 'open', path, dest: undefined },
      kIdle,
    ]);
  });

  it('load of a directory rejects with EISDIR from read, its descriptor closed', async () => {
    const dir = tempDir();
    const ctx = createAio();
    const [err] = await outcome(ctx.load(dir));
    expect([errorShape(err), counters(ctx), fdsOn(dir)]).toEqual([
      { code: 'EISDIR', errno: -constants.errno.EISDIR, syscall: 'read', path: undefined, dest: undefined },
      kIdle,
      [],
    ]);
  });
});

describe('load of a regular file holds no more memory than the file', () => {
  it('a 100 KiB file comes back in a buffer of exactly its size, not a view of one grown to twice that', async () => {
    const path = join(tempDir(), 'file');
    const bytes = Buffer.alloc(100 * 1024, 'ioaio');
    fs.writeFileSync(path, bytes);
    const ctx = createAio();
    const data = await ctx.load(path);
    expect({ equal: data.equals(bytes), held: data.buffer.byteLength, counters: counters(ctx) }).toEqual({
      equal: true,
      held: bytes.length,
      counters: kIdle,
    });
  });
});

describe('load reads regular files that report size 0 to their end', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill();
    child = null;
  });

  it('a /proc cmdline of about 300 KB comes back whole, past the first chunks', async () => {
    // A shell waiting on its stdin, with three 100,000-byte arguments: its cmdline is known byte for byte.
    const args = ['a', 'b', 'c'].map((ch) => ch.repeat(100_000));
    child = spawn('sh', ['-c', 'read line', 'sh', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
    const path = `/proc/${child.pid}/cmdline`;
    const expected = Buffer.from(`${['sh', '-c', 'read line', 'sh', ...args].join('\0')}\0`);
    const ctx = createAio();
    const data = await ctx.load(path);
    expect({ size: fs.statSync(path).size, equal: data.equals(expected), length: data.length }).toEqual({
      size: 0,
      equal: true,
      length: expected.length,
    });
  });

  it('a small /proc file comes back in a buffer of its size, not a view that keeps a 64 KiB chunk alive', async () => {
    child = spawn('sh', ['-c', 'read line', 'sh', 'small'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const ctx = createAio();
    const data = await ctx.load(`/proc/${child.pid}/cmdline`);
    // Nor a slice of Node's shared pool, whose size depends on the Node version (8 KiB on 20, 64 KiB on 24).
    const text = 'sh\0-c\0read line\0sh\0small\0';
    expect({ text: data.toString('latin1'), held: data.buffer.byteLength }).toEqual({
      text,
      held: text.length,
    });
  });

  it('slurp of a /proc file from an offset, with a length, gives those bytes', async () => {
    child = spawn('sh', ['-c', 'read line', 'sh', 'x'.repeat(70_000), 'tail'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const lastX = 'sh\0-c\0read line\0sh\0'.length + 70_000 - 1;
    const ctx = createAio();
    const data = await ctx.slurp(`/proc/${child.pid}/cmdline`, lastX, 6);
    expect(data.toString('latin1')).toBe('x\0tail');
  });
});

describe('sendfile and readahead never reach a file position node:fs refuses', () => {
  const kNearEnd = Number.MAX_SAFE_INTEGER - 10;

  it.each([
    ['sendfile', (ctx: AioContext, fd: number) => ctx.sendfile(fd, fd, kNearEnd, 2 ** 20)],
    ['readahead', (ctx: AioContext, fd: number) => ctx.readahead(fd, kNearEnd, 2 ** 20)],
  ])('%s of a range ending past 2^53 - 1 throws ERR_OUT_OF_RANGE at the call', (_name, call) => {
    const fd = fs.openSync('/dev/zero', 'r');
    const ctx = createAio();
    try {
      const err = caught(() => call(ctx, fd)) as Error & { code: string };
      expect([err.name, err.code, err.message, counters(ctx)]).toEqual([
        'RangeError',
        'ERR_OUT_OF_RANGE',
        'The value of "length" is out of range. It must be <= 10. Received 1048576',
        kIdle,
      ]);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('sendfile of an endless source (the caller’s /dev/zero) stops at the next chunk once cancelled', async () => {
    const zero = fs.openSync('/dev/zero', 'r');
    const sink = fs.openSync('/dev/null', 'w');
    const ctx = createAio();
    try {
      const req = ctx.sendfile(sink, zero, 0, Number.MAX_SAFE_INTEGER);
      expect(req.state).toBe('execute');
      req.cancel();
      const [err] = await outcome(req);
      expect([(err as Error).name, counters(ctx)]).toEqual(['AbortError', kIdle]);
    } finally {
      fs.closeSync(zero);
      fs.closeSync(sink);
    }
  });
});
