/** Counters a scan keeps for the progress line. */
export interface ScanCounts {
  dirs: number;
  files: number;
  stats: number;
}

/** Interval between progress reports. */
export const kProgressIntervalMs = 1000;

function rate(count: number, seconds: number): string {
  return seconds > 0 ? (count / seconds).toFixed(0) : '0';
}

/** One progress report: counts and rates since the start. */
export function formatProgress(counts: ScanCounts, elapsedMs: number): string {
  const s = elapsedMs / 1000;
  return (
    `${counts.dirs} dirs (${rate(counts.dirs, s)}/s) ` +
    `${counts.files} files (${rate(counts.files, s)}/s) ` +
    `${counts.stats} stats (${rate(counts.stats, s)}/s)`
  );
}

/**
 * Reports progress on stderr every second: on a terminal one line rewritten
 * in place, elsewhere one line per report. Never touches stdout.
 */
export class ProgressReporter {
  readonly #counts: ScanCounts;
  readonly #stream: NodeJS.WriteStream;
  readonly #started = Date.now();
  #timer: NodeJS.Timeout | null = null;

  constructor(counts: ScanCounts, stream: NodeJS.WriteStream = process.stderr) {
    this.#counts = counts;
    this.#stream = stream;
  }

  start(): void {
    this.#timer = setInterval(() => this.#report(false), kProgressIntervalMs);
    this.#timer.unref();
  }

  /** Writes the final figures and ends the line. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#report(true);
  }

  #report(last: boolean): void {
    const line = formatProgress(this.#counts, Date.now() - this.#started);
    if (this.#stream.isTTY) this.#stream.write(`\r${line}\u001b[K${last ? '\n' : ''}`);
    else this.#stream.write(`${line}\n`);
  }
}
