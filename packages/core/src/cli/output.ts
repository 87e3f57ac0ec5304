/**
 * Buffered writes of whole directories' lines to stdout, with backpressure:
 * `write` returns false while the stream's buffer is full, and `drained`
 * resolves when it empties.
 */
export class LineWriter {
  readonly #stream: NodeJS.WritableStream;
  readonly #terminator: Buffer;
  #lines: Buffer[] = [];
  #closed = false;
  #draining: Promise<void> | null = null;

  constructor(stream: NodeJS.WritableStream, terminator: '\n' | '\0') {
    this.#stream = stream;
    this.#terminator = Buffer.from(terminator);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // A reader that went away (`treescan | head`): stop writing, quietly.
      if (err.code === 'EPIPE') this.#closed = true;
      else throw err;
    });
  }

  /** True once the reader went away. */
  get closed(): boolean {
    return this.#closed;
  }

  add(line: Buffer): void {
    this.#lines.push(line, this.#terminator);
  }

  /** Writes the lines added so far; false when the caller should wait for `drained()`. */
  flush(): boolean {
    if (this.#lines.length === 0 || this.#closed) return true;
    const chunk = Buffer.concat(this.#lines);
    this.#lines = [];
    return this.#stream.write(chunk);
  }

  /** Resolves when the stream drains; one listener however often it is asked. */
  drained(): Promise<void> {
    if (this.#draining === null) {
      this.#draining = new Promise((resolve) =>
        this.#stream.once('drain', () => {
          this.#draining = null;
          resolve();
        }),
      );
    }
    return this.#draining;
  }

  /** Resolves once everything written has been handed to the system. */
  end(): Promise<void> {
    this.flush();
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#stream.write('', () => resolve()));
  }
}
