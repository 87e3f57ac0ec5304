/** Errors that mean the reader went away (`treescan | head`), not that something broke. */
const kReaderGone = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

/**
 * Buffered writes of whole directories' lines to stdout, with backpressure.
 * Lines are latin1 strings (one character per byte), written as the bytes
 * they stand for: Perf: strings are far cheaper to make than a Buffer per
 * name, and a directory's lines become one Buffer when flushed.
 *
 * `write` returns false while the stream's buffer is full, and `drained`
 * resolves when it empties, or when the reader went away or writing failed
 * (check `closed`, then `failure`).
 */
export class LineWriter {
  readonly #stream: NodeJS.WritableStream;
  readonly #terminator: string;
  #lines: string[] = [];
  #closed = false;
  #failure: NodeJS.ErrnoException | null = null;
  #draining: Promise<void> | null = null;
  #wake: (() => void) | null = null;

  constructor(stream: NodeJS.WritableStream, terminator: '\n' | '\0') {
    this.#stream = stream;
    this.#terminator = terminator;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // A reader that went away stops the output quietly; any other error (ENOSPC, EIO) is kept for the caller.
      if (!(typeof err.code === 'string' && kReaderGone.has(err.code))) this.#failure ??= err;
      this.#close();
    });
    // A stream that closes without an error (destroyed) will never drain either.
    stream.on('close', () => this.#close());
  }

  /** True once the reader went away or writing failed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The first write error that was not the reader going away (EPIPE): ENOSPC on a full disk, say. */
  get failure(): NodeJS.ErrnoException | null {
    return this.#failure;
  }

  /** Queues a line given as a latin1 string (see the class comment). */
  add(line: string): void {
    this.#lines.push(line, this.#terminator);
  }

  /** Writes the lines added so far; false when the caller should wait for `drained()`. */
  flush(): boolean {
    if (this.#lines.length === 0 || this.#closed) return true;
    const chunk = Buffer.from(this.#lines.join(''), 'latin1');
    this.#lines = [];
    return this.#stream.write(chunk);
  }

  /**
   * Resolves when the stream drains or closes; one listener however often it
   * is asked. Invariant: a waiter is never left behind by a reader that went
   * away, or a walk paused for backpressure would never finish.
   */
  drained(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#draining === null) {
      this.#draining = new Promise((resolve) => {
        const done = (): void => {
          this.#stream.off('drain', done);
          this.#draining = null;
          this.#wake = null;
          resolve();
        };
        this.#wake = done;
        this.#stream.on('drain', done);
      });
    }
    return this.#draining;
  }

  /** Resolves once everything written has been handed to the system, or the reader went away. */
  end(): Promise<void> {
    this.flush();
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#stream.write('', () => resolve()));
  }

  #close(): void {
    this.#closed = true;
    this.#lines = [];
    this.#wake?.();
  }
}
