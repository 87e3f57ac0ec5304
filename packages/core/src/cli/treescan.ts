import { type AioContext, type AioGroup, stripTrailingSlashes, type WalkEntry } from '../index.js';
import type { TreescanOptions } from './options.js';
import { LineWriter } from './output.js';
import { ProgressReporter, type ScanCounts } from './progress.js';

/** Directory scans in flight per walk. */
export const kCliScans = 16;
/** --sync runs below the scans, so syncing never starves the walk. */
const kSyncPriority = -2;

/** Where treescan writes. */
export interface TreescanIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

function isAbort(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'ABORT_ERR';
}

function describe(err: NodeJS.ErrnoException): string {
  if (typeof err.code === 'string' && err.code !== '' && typeof err.message === 'string') {
    // Node words it "EACCES: permission denied, scandir '/x'": keep the code and the words.
    const comma = err.message.indexOf(', ');
    return comma > 0 ? err.message.slice(0, comma) : err.message;
  }
  return String(err);
}

/**
 * Scans every path of `options` with the core walk and prints what Perl's
 * treescan prints: each directory with a trailing slash once it was read,
 * the roots included, and every non-directory. Resolves with the exit status.
 */
export class Treescan {
  readonly #aio: AioContext;
  readonly #options: TreescanOptions;
  readonly #io: TreescanIo;
  readonly #out: LineWriter;
  readonly counts: ScanCounts = { dirs: 0, files: 0, stats: 0 };
  #failed = false;
  #walk: AioGroup<unknown> | null = null;
  #stopped = false;

  constructor(aio: AioContext, options: TreescanOptions, io: TreescanIo) {
    this.#aio = aio;
    this.#options = options;
    this.#io = io;
    this.#out = new LineWriter(io.stdout, options.print0 ? '\0' : '\n');
  }

  async run(): Promise<number> {
    const progress = this.#options.progress ? new ProgressReporter(this.counts, this.#io.stderr) : null;
    progress?.start();
    for (const root of this.#options.paths) {
      if (this.#stopped || this.#out.closed) break;
      await this.#scanRoot(root);
    }
    await this.#aio.flush();
    await this.#out.end();
    progress?.stop();
    const failure = this.#out.failure;
    // One line, no stack: the output itself failed (ENOSPC, EIO), not a path.
    if (failure !== null) this.#io.stderr.write(`treescan: ${describe(failure)}\n`);
    return this.#failed || failure !== null ? 1 : 0;
  }

  /** Stops every outstanding request (Ctrl-C). */
  stop(): void {
    this.#stopped = true;
    this.#walk?.cancel();
  }

  /** `path: CODE: description` on stderr, the path as its bytes. */
  #error(err: NodeJS.ErrnoException, path: Buffer): void {
    this.#failed = true;
    this.#io.stderr.write(Buffer.concat([path, Buffer.from(`: ${describe(err)}\n`)]));
  }

  /** Prints a path given as a latin1 string, which is also the byte view `-g` matches. */
  #print(line: string): void {
    const grep = this.#options.grep;
    if (this.#options.quiet || (grep !== null && !grep.test(line))) return;
    this.#out.add(line);
  }

  async #scanRoot(root: string | Buffer): Promise<void> {
    // Perf: latin1 paths (one character per byte) are exact like Buffers and much cheaper.
    const walk = this.#aio.walk(root, {
      encoding: 'latin1',
      maxreq: kCliScans,
      onEntries: (dir, entries) => this.#onEntries(walk, dir, entries),
      // Not counted: the counts are what was listed. The error's path is a
      // string, lossy for a name that is not UTF-8 (the walk does not pass the bytes).
      // The directory's own bytes name it, also when they are not valid UTF-8.
      onError: (err, dir) => this.#error(err, Buffer.from(dir, 'latin1')),
    });
    this.#walk = walk;
    try {
      await walk;
    } catch (err) {
      if (!isAbort(err)) {
        // Only the root can fail the walk (onError takes the rest); name it as the walk read it.
        const bytes = stripTrailingSlashes(typeof root === 'string' ? Buffer.from(root) : root) as Buffer;
        this.#error(err as NodeJS.ErrnoException, bytes.length === 0 ? Buffer.from('/') : bytes);
      }
    } finally {
      this.#walk = null;
    }
  }

  #onEntries(walk: AioGroup<unknown>, dir: string, entries: WalkEntry<string>[]): void {
    const o = this.#options;
    this.counts.dirs++;
    const dirLine = `${dir}/`;
    if (!o.filesOnly) this.#print(dirLine);
    if (o.sync) this.#sync(walk, dirLine, true);
    if (o.stat) this.#stat(walk, dir);
    for (const entry of entries) {
      if (entry.type === 'dir') continue;
      this.counts.files++;
      if (!o.dirsOnly) this.#print(entry.path);
      if (o.stat) this.#stat(walk, entry.path);
      if (o.sync) this.#sync(walk, entry.path, false);
    }
    if (this.#out.closed) {
      walk.cancel();
    } else if (!this.#out.flush() && walk.currentLimit !== 0) {
      // stdout is full: pause the walk's scans until it drains. A reader that
      // goes away meanwhile ends the walk, or it would stay paused for ever.
      walk.limit(0);
      void this.#out.drained().then(() => {
        if (this.#out.closed) walk.cancel();
        else walk.limit(kCliScans);
      });
    }
  }

  /**
   * -s: lstat every entry through the scheduler, in the walk's group, so the
   * stats hold back new scans rather than piling up (a directory is stat'ed
   * when it has been read; Perl's tool stats only the non-directories).
   */
  #stat(walk: AioGroup<unknown>, path: string): void {
    this.counts.stats++;
    walk.add(this.#aio.lstat(Buffer.from(path, 'latin1'), { callback: () => {} }));
  }

  /**
   * open, fsync, close — only for regular files and directories, so a FIFO is
   * never opened. A failure is reported as `path: CODE: description` and makes
   * the exit status 1 (Perl's treescan ignores them; a sync that silently did
   * not happen is what --sync exists to rule out).
   */
  #sync(walk: AioGroup<unknown>, line: string, isDir: boolean): void {
    const path = Buffer.from(line, 'latin1');
    // A directory's line ends in '/': the error names the directory itself.
    const named = isDir ? path.subarray(0, path.length - 1) : path;
    const reported = (err: NodeJS.ErrnoException | null): void => {
      if (err !== null && !isAbort(err)) this.#error(err, named);
    };
    const pathsync = (): void => {
      walk.add(this.#aio.pathsync(path, { priority: kSyncPriority, callback: reported }));
    };
    if (isDir) return pathsync();
    walk.add(
      this.#aio.lstat(path, {
        priority: kSyncPriority,
        callback: (err, st) => {
          if (err !== null) reported(err);
          else if (st.isFile()) pathsync();
        },
      }),
    );
  }
}
