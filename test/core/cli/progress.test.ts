import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  formatProgress,
  kProgressIntervalMs,
  ProgressReporter,
} from '../../../packages/core/src/cli/progress.js';
import { tempDir } from '../../helpers/tmp.js';
import { listing, makeTree, records, runCli } from '../../helpers/tree-fixture.js';

const kLine = /^(\d+) dirs \(\d+\/s\) (\d+) files \(\d+\/s\) (\d+) stats \(\d+\/s\)$/;

/** A stderr stand-in that keeps what was written. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; writes: string[] } {
  const writes: string[] = [];
  const stream = {
    isTTY,
    write(chunk: string) {
      writes.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

/** stderr of a -p run: the lines that are not progress reports, and the counts of the last one. */
function progressOf(stderr: string) {
  const lines = stderr.split('\n');
  const end = lines.pop();
  const last = lines.at(-1)?.match(kLine);
  return {
    endsWithNewline: end === '',
    strayLines: lines.filter((l) => !kLine.test(l)),
    last: last ? { dirs: Number(last[1]), files: Number(last[2]), stats: Number(last[3]) } : null,
  };
}

describe('formatProgress', () => {
  test.each<[{ dirs: number; files: number; stats: number }, number, string]>([
    [{ dirs: 3, files: 10, stats: 0 }, 2000, '3 dirs (2/s) 10 files (5/s) 0 stats (0/s)'],
    [
      { dirs: 6103, files: 72219, stats: 72219 },
      1002,
      '6103 dirs (6091/s) 72219 files (72075/s) 72219 stats (72075/s)',
    ],
    [{ dirs: 1, files: 0, stats: 0 }, 0, '1 dirs (0/s) 0 files (0/s) 0 stats (0/s)'],
  ])('%j after %d ms', (counts, ms, line) => {
    expect(formatProgress(counts, ms)).toBe(line);
  });
});

describe('ProgressReporter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each<[boolean, string[]]>([
    [
      false,
      [
        '2 dirs (2/s) 5 files (5/s) 0 stats (0/s)\n',
        '4 dirs (2/s) 9 files (5/s) 1 stats (1/s)\n',
        '4 dirs (2/s) 9 files (5/s) 1 stats (1/s)\n',
      ],
    ],
    [
      true,
      [
        '\r2 dirs (2/s) 5 files (5/s) 0 stats (0/s)\u001b[K',
        '\r4 dirs (2/s) 9 files (5/s) 1 stats (1/s)\u001b[K',
        '\r4 dirs (2/s) 9 files (5/s) 1 stats (1/s)\u001b[K\n',
      ],
    ],
  ])('one report a second, and a final one (terminal: %s)', (isTTY, expected) => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: 0 });
    const counts = { dirs: 0, files: 0, stats: 0 };
    const { stream, writes } = fakeStream(isTTY);
    const reporter = new ProgressReporter(counts, stream);
    reporter.start();
    Object.assign(counts, { dirs: 2, files: 5 });
    vi.advanceTimersByTime(kProgressIntervalMs);
    Object.assign(counts, { dirs: 4, files: 9, stats: 1 });
    vi.advanceTimersByTime(kProgressIntervalMs);
    reporter.stop();
    vi.advanceTimersByTime(kProgressIntervalMs * 3);
    expect(writes).toEqual(expected);
  });
});

describe('-p', () => {
  test('progress goes to stderr only; its last line counts what was printed', () => {
    const parent = tempDir('ioaio-cli-');
    const tree = makeTree(parent);
    const plain = runCli(['-0', 'tree'], { cwd: parent });
    const withProgress = runCli(['-0', '-p', 'tree'], { cwd: parent });
    const printed = records(withProgress.stdout, '\0');
    const dirs = printed.filter((r) => r[r.length - 1] === 0x2f).length;
    // The order of records varies from run to run; their multiset and the byte count do not.
    expect({
      status: withProgress.status,
      signal: withProgress.signal,
      bytes: withProgress.stdout.length,
      stdout: printed,
      stderr: progressOf(withProgress.stderr),
    }).toEqual({
      status: 0,
      signal: null,
      bytes: plain.stdout.length,
      stdout: records(plain.stdout, '\0'),
      stderr: {
        endsWithNewline: true,
        strayLines: [],
        last: { dirs, files: printed.length - dirs, stats: 0 },
      },
    });
    expect(printed).toEqual(listing(tree, 'tree'));
    expect({ dirs, files: printed.length - dirs }).toEqual({ dirs: 11, files: 12 });
  });

  test('with -s, every entry (11 directories, 12 others) is counted as a stat', () => {
    const parent = tempDir('ioaio-cli-');
    makeTree(parent);
    const run = runCli(['-q', '-p', '-s', 'tree'], { cwd: parent });
    expect({ status: run.status, stdout: run.stdout, stderr: progressOf(run.stderr) }).toEqual({
      status: 0,
      stdout: Buffer.alloc(0),
      stderr: { endsWithNewline: true, strayLines: [], last: { dirs: 11, files: 12, stats: 23 } },
    });
  });
});
