import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { closePools, pool, result, unavailable } from './native.js';

afterEach(closePools);

const { errno } = osConstants;
const kSeekSet = 0;
const kSeekEnd = 2;
const kFallocKeepSize = 1;
const kRenameNoReplace = 1;
const kRenameExchange = 2;
const kSyncFileRangeWrite = 2;

/** A file with the given content, open for reading and writing; closed by the caller. */
function openWith(content: string): { path: string; fd: number } {
  const path = join(tempDir(), 'file');
  writeFileSync(path, content);
  return { path, fd: openSync(path, 'r+') };
}

describe.skipIf(unavailable !== undefined)('native requests node:fs lacks', () => {
  it('lseek moves the file offset that a read at position -1 then uses', async () => {
    const { fd } = openWith('0123456789');
    const p = pool();
    const end = await result((cb) => p.submitSeek(fd, 0, kSeekEnd, 0, cb));
    const set = await result((cb) => p.submitSeek(fd, 3, kSeekSet, 0, cb));
    const into = Buffer.alloc(4);
    const read = await result((cb) => p.submitRead(fd, into, 0, 4, -1, 0, cb));
    closeSync(fd);
    expect([end, set, read, into.toString()]).toEqual([[0, 10], [0, 3], [0, 4], '3456']);
  });

  it('fallocate reserves blocks, growing the size or keeping it (FALLOC_FL_KEEP_SIZE)', async () => {
    const grow = openWith('');
    const keep = openWith('');
    const p = pool();
    const r1 = await result((cb) => p.submitFallocate(grow.fd, 0, 0, 1 << 20, 0, cb));
    const r2 = await result((cb) => p.submitFallocate(keep.fd, kFallocKeepSize, 0, 1 << 20, 0, cb));
    closeSync(grow.fd);
    closeSync(keep.fd);
    const [g, k] = [statSync(grow.path), statSync(keep.path)];
    expect([r1, r2]).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect([g.size, g.blocks * 512 >= 1 << 20, k.size, k.blocks * 512 >= 1 << 20]).toEqual([
      1 << 20,
      true,
      0,
      true,
    ]);
  });

  it('renameat2 EXCHANGE swaps two files; NOREPLACE refuses an existing target and changes nothing', async () => {
    const dir = tempDir();
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    writeFileSync(a, 'first');
    writeFileSync(b, 'second');
    const p = pool();
    const swapped = await result((cb) => p.submitRename2(a, b, kRenameExchange, 0, cb));
    const afterSwap = [readFileSync(a, 'utf8'), readFileSync(b, 'utf8')];
    const refused = await result((cb) => p.submitRename2(a, b, kRenameNoReplace, 0, cb));
    const afterRefusal = [readFileSync(a, 'utf8'), readFileSync(b, 'utf8')];
    expect({ swapped, afterSwap, refused, afterRefusal }).toEqual({
      swapped: [0, 0],
      afterSwap: ['second', 'first'],
      refused: [-errno.EEXIST, 0],
      afterRefusal: ['second', 'first'],
    });
  });

  it('utimensat and futimens set times to the nanosecond', async () => {
    const { path, fd } = openWith('');
    const other = openWith('');
    const p = pool();
    const times = {
      atimeSec: 1_000_000_000,
      atimeNsec: 123_456_789,
      mtimeSec: 1_500_000_000,
      mtimeNsec: 987_654_321,
    };
    const r1 = await result((cb) => p.submitUtime(path, times, 0, 0, cb));
    const r2 = await result((cb) => p.submitFutime(other.fd, times, 0, cb));
    closeSync(fd);
    closeSync(other.fd);
    const ns = (f: string) => {
      const s = statSync(f, { bigint: true });
      return [s.atimeNs, s.mtimeNs];
    };
    expect([r1, r2, ns(path), ns(other.path)]).toEqual([
      [0, 0],
      [0, 0],
      [1_000_000_000_123_456_789n, 1_500_000_000_987_654_321n],
      [1_000_000_000_123_456_789n, 1_500_000_000_987_654_321n],
    ]);
  });

  it('mknod makes a FIFO with the mode asked for (less the umask)', async () => {
    const path = join(tempDir(), 'fifo');
    const r = await result((cb) => pool().submitMknod(path, constants.S_IFIFO | 0o640, 0, 0, cb));
    const st = lstatSync(path);
    expect([r, st.isFIFO(), st.mode & 0o777]).toEqual([[0, 0], true, 0o640 & ~process.umask()]);
  });

  it('sendfile copies a range between two files without passing through JavaScript', async () => {
    const src = openWith('hello sendfile world');
    const dst = openWith('');
    const p = pool();
    const sent = await result((cb) => p.submitSendfile(dst.fd, src.fd, 6, 8, 0, cb));
    closeSync(src.fd);
    closeSync(dst.fd);
    expect([sent, readFileSync(dst.path, 'utf8')]).toEqual([[0, 8], 'sendfile']);
  });

  it('sync, syncfs, fsync, fdatasync, sync_file_range and readahead succeed on a regular file', async () => {
    const { fd } = openWith('some data');
    const p = pool();
    const results = await Promise.all([
      result((cb) => p.submitSync(0, cb)),
      result((cb) => p.submitSyncfs(fd, 0, cb)),
      result((cb) => p.submitFsync(fd, 0, cb)),
      result((cb) => p.submitFdatasync(fd, 0, cb)),
      result((cb) => p.submitSyncFileRange(fd, 0, 0, kSyncFileRangeWrite, 0, cb)),
      result((cb) => p.submitReadahead(fd, 0, 4096, 0, cb)),
    ]);
    closeSync(fd);
    expect(results).toEqual(Array.from({ length: 6 }, () => [0, 0]));
  });

  it('mkdir, rmdir and unlink change the tree; rmdir of a non-empty directory fails with ENOTEMPTY', async () => {
    const dir = tempDir();
    const p = pool();
    const made = await result((cb) => p.submitMkdir(join(dir, 'd'), 0o755, 0, cb));
    writeFileSync(join(dir, 'd', 'f'), '');
    const notEmpty = await result((cb) => p.submitRmdir(join(dir, 'd'), 0, cb));
    const unlinked = await result((cb) => p.submitUnlink(join(dir, 'd', 'f'), 0, cb));
    const removed = await result((cb) => p.submitRmdir(join(dir, 'd'), 0, cb));
    expect({ made, notEmpty, unlinked, removed, gone: !existsSync(join(dir, 'd')) }).toEqual({
      made: [0, 0],
      notEmpty: [-errno.ENOTEMPTY, 0],
      unlinked: [0, 0],
      removed: [0, 0],
      gone: true,
    });
  });
});
