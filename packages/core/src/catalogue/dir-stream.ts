import * as fs from 'node:fs';
import { aioError, invalidArgType } from '../errors.js';
import type { FdBudget } from '../fd-budget.js';
import { single } from '../operation.js';
import type { Done, RequestOptions, RunningRequest } from '../request.js';
import { startingFdBudget, waitForFds } from '../scheduler.js';
import {
  type NameEncoding,
  type PathLike,
  validateEncoding,
  validateInteger,
  validatePath,
} from '../validate.js';
import { type DirEntry, direntType } from './directories.js';

/** Entries a chunk holds when the stream's options do not say. */
export const kDefaultChunkEntries = 1024;
/** Most entries one chunk may hold: the bound on what a stream keeps in memory at once. */
export const kMaxChunkEntries = 65_536;

/** Options of {@link DirStream}. */
export interface DirStreamOptions {
  /** `'buffer'` gives names byte for byte, for names that are not valid UTF-8. @default 'utf8' */
  encoding?: NameEncoding | undefined;
  /** Most entries one `readdirChunk` resolves with, 1..65536. @default 1024 */
  chunkEntries?: number | undefined;
}

const kFresh = 0;
const kIdle = 1;
const kReading = 2;
const kEnded = 3;

/** The operation's body: reads one chunk of a stream (set up by the class, which owns the state). */
let readChunk: (stream: DirStream, done: Done<DirEntry[]>, req: RunningRequest) => void;

/**
 * A directory read a bounded chunk at a time by `aio.readdirChunk`, so a
 * directory of millions of entries never has all its names in memory. The
 * first chunk opens the directory; the chunk that reaches the end closes it,
 * and so does a chunk that fails or is cancelled while it runs. `close()`
 * closes it early. A closed stream reads as ended. An open directory counts
 * as one descriptor against its context's `maxOpenFds`: the first chunk waits
 * while they are all in use.
 *
 * @example
 * const stream = new DirStream('/var/spool/big', { chunkEntries: 512 });
 * do {
 *   for (const { name, type } of await aio.readdirChunk(stream)) console.log(name, type);
 * } while (!stream.ended);
 */
export class DirStream {
  /** The directory, as given (a URL becomes a string). */
  readonly path: string | Buffer;
  /** How names come back. */
  readonly encoding: NameEncoding;
  /** Most entries one chunk holds. */
  readonly chunkEntries: number;
  #dir: fs.Dir | null = null;
  /** The budget the open directory counts against, until it is closed. */
  #budget: FdBudget | null = null;
  #state = kFresh;
  /** close() was called while a chunk was being read: the read closes the directory when it ends. */
  #closeWanted = false;

  constructor(path: PathLike, options?: DirStreamOptions) {
    this.path = validatePath(path);
    if (options !== undefined && (typeof options !== 'object' || options === null))
      throw invalidArgType('options', 'of type object', options);
    this.encoding = validateEncoding(options?.encoding);
    this.chunkEntries =
      options?.chunkEntries === undefined
        ? kDefaultChunkEntries
        : validateInteger(options.chunkEntries, 'options.chunkEntries', 1, kMaxChunkEntries);
  }

  /** True once no more entries will come: the end was read, a read failed, or the stream was closed. */
  get ended(): boolean {
    return this.#state === kEnded;
  }

  /**
   * Closes the directory now if it is open and no chunk is being read; if one
   * is, that read closes it as it finishes and resolves with what it read.
   * Idempotent.
   */
  close(): void {
    if (this.#state === kReading) {
      this.#closeWanted = true;
      return;
    }
    const dir = this.#dir;
    this.#dir = null;
    this.#state = kEnded;
    // Platform: closing a directory descriptor waits on no I/O, so the sync call costs one syscall;
    // it makes the descriptor gone by the time close() returns, which a cancelled rmtree relies on.
    dir?.closeSync();
    this.#uncount();
  }

  static {
    readChunk = (stream, done, req) => stream.#start(done, req);
  }

  /** The first chunk opens the directory: it takes a descriptor of the budget first, parked while none is free. */
  #start(done: Done<DirEntry[]>, req: RunningRequest): void {
    const budget = this.#state === kFresh ? startingFdBudget() : null;
    if (budget === null) return this.#read(done, req, null);
    const started = req as RunningRequest & { cancel(): void };
    waitForFds(
      started,
      budget,
      1,
      () => this.#read(done, req, budget),
      () => done(null),
    );
  }

  /** The directory is closed (or was never opened): its descriptor goes back to the budget. */
  #uncount(): void {
    const budget = this.#budget;
    this.#budget = null;
    budget?.give(1);
  }

  #read(done: Done<DirEntry[]>, req: RunningRequest, budget: FdBudget | null): void {
    // A unit taken for a fresh stream that another chunk opened, or a close() ended, meanwhile.
    if (this.#state !== kFresh) budget?.give(1);
    if (this.#state === kReading) {
      process.nextTick(
        done,
        aioError('ERR_AIO_DIR_CONCURRENT_READ', 'A chunk of this stream is already being read'),
      );
      return;
    }
    if (this.#state === kEnded) {
      process.nextTick(done, null, []);
      return;
    }
    const fresh = this.#state === kFresh;
    this.#state = kReading;
    if (!fresh) return this.#fill([], done, req);
    const options = { encoding: this.encoding as BufferEncoding, bufferSize: this.chunkEntries };
    this.#budget = budget;
    fs.opendir(this.path as string, options, (err, dir) => {
      if (err !== null) {
        this.#uncount();
        return this.#finish(err, [], true, done, req);
      }
      this.#dir = dir;
      this.#fill([], done, req);
    });
  }

  /** Reads entries one by one (Node hands them out of its own buffer of `chunkEntries`) until the chunk is full. */
  #fill(entries: DirEntry[], done: Done<DirEntry[]>, req: RunningRequest): void {
    const dir = this.#dir as fs.Dir;
    const next = (err: Error | null, dirent: fs.Dirent | null): void => {
      if (err !== null) return this.#finish(err, entries, true, done, req);
      if (dirent === null) return this.#finish(null, entries, true, done, req);
      entries.push({ name: dirent.name, type: direntType(dirent) });
      if (entries.length >= this.chunkEntries) return this.#finish(null, entries, false, done, req);
      dir.read(next);
    };
    dir.read(next);
  }

  /**
   * Ends a chunk on the next tick. Invariant: Node's Dir clears its operation queue on the tick after
   * its callback, so from then on a stream settled back to idle can be closed at once; and the
   * cancellation check and `done` run in one tick, so no cancel falls between them.
   */
  #finish(
    err: Error | null,
    entries: DirEntry[],
    atEnd: boolean,
    done: Done<DirEntry[]>,
    req: RunningRequest,
  ): void {
    process.nextTick(() => {
      // A cancelled chunk's entries are dropped and cannot be given back: the stream ends there.
      const closing = atEnd || this.#closeWanted || req.cancelled;
      const dir = this.#dir;
      this.#state = closing ? kEnded : kIdle;
      if (!closing || dir === null) return done(err as NodeJS.ErrnoException | null, entries);
      this.#dir = null;
      dir.close((closeErr) => {
        this.#uncount();
        done((err ?? closeErr ?? null) as NodeJS.ErrnoException | null, entries);
      });
    });
  }
}

/** Requests on directory streams. */
export const dirStreamOperations = {
  /**
   * Resolves with the next entries of a {@link DirStream}, at most its
   * `chunkEntries`, as `{ name, type }`; an empty array once it has ended
   * (`stream.ended` tells without a request). One chunk of a stream at a
   * time: a second concurrent one rejects with `ERR_AIO_DIR_CONCURRENT_READ`.
   * Entries removed or added while a directory is read may be missed or seen
   * (as readdir(3) says); read again to be sure.
   * @example const entries = await aio.readdirChunk(new DirStream(dir));
   */
  readdirChunk: single({
    perl: null,
    syscall: 'readdir',
    optsIndex: 1,
    prepare: (stream: DirStream, _options?: RequestOptions<DirEntry[]>): DirStream => {
      if (!(stream instanceof DirStream)) throw invalidArgType('stream', 'an instance of DirStream', stream);
      return stream;
    },
    run: (stream: DirStream, done: Done<DirEntry[]>, req: RunningRequest) => readChunk(stream, done, req),
  }),
};
