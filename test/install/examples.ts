import { expect } from 'vitest';

/**
 * Each example of `examples/`, how the install test runs it on the tree of
 * `makeTree` (`<tree>`) and an empty work directory (`<work>`), and its whole
 * standard output.
 */
export interface Example {
  /** Path under `examples/`, without `.ts`. */
  name: string;
  /** Its command-line arguments. */
  args: (tree: string, work: string) => string[];
  /** Its standard output, line by line, with the two paths replaced. */
  stdout: unknown[];
  /** Standard error must be empty (false where the example reports timings there). */
  quiet: boolean;
}

export const kExamples: Example[] = [
  {
    name: 'readme/requests',
    args: (t) => [`${t}/a.txt`, t],
    stdout: [
      // Invariant: an idle context starts a request at the call, a busy one queues it.
      expect.stringMatching(/^state at the call: (ready|execute)$/),
      'is a file: true',
      'names in the directory: 5',
      'open of a missing file: ENOENT from open',
      'a NUL in the path: ERR_INVALID_ARG_VALUE',
      'priority 9: ERR_OUT_OF_RANGE',
      'a method without its context: ERR_INVALID_THIS',
    ],
    quiet: true,
  },
  {
    name: 'readme/priorities',
    args: (t) => [`${t}/a.txt`],
    stdout: ['read 10 bytes while stats were still queued', 'after flush: 10000 stats done, nreqs 0'],
    quiet: true,
  },
  {
    name: 'readme/cancellation',
    args: (t) => [`${t}/a.txt`],
    stdout: [
      'aborted with: user went away',
      'state after cancel: done',
      'an already aborted signal: ABORT_ERR (too late)',
    ],
    quiet: true,
  },
  {
    name: 'readme/feeder',
    args: (t) => [`${t}/a.txt`, `${t}/b.log`, `${t}/sub/d.bin`],
    stdout: ['bytes in the files: 7010; the group resolved with 0'],
    quiet: true,
  },
  {
    name: 'readme/group-lifetime',
    args: (t, w) => [w, `${t}/a.txt`, `${t}/b.log`],
    stdout: ['added after an await: ERR_AIO_GROUP_FINISHED', 'copied under a hold: a.txt b.log'],
    quiet: true,
  },
  {
    name: 'readme/queue',
    args: (t) => [`${t}/a.txt`, `${t}/b.log`, `${t}/sub/c.txt`],
    stdout: ['first: 10 bytes; then 2 more: 2000 300; size 0, pending 0'],
    quiet: true,
  },
  {
    name: 'readme/composites',
    args: (t, w) => [t, w],
    stdout: [
      'scandir: dirs empty sub; nondirs a.txt b.log link',
      'after copy and move: moved.bin',
      'copytree: {"files":6,"dirs":4,"symlinks":1,"skipped":0}; last progress {"files":6,"bytes":7360,"filesKnown":6,"bytesKnown":7360}',
      'walk: {"dirs":3,"nondirs":7}',
      'dir /empty',
      'dir /sub',
      'dir /sub/deep',
      'nondir /a.txt',
      'nondir /b.log',
      'nondir /link',
      'nondir /sub/c.txt',
      'nondir /sub/d.bin',
      'nondir /sub/deep/e.txt',
      'nondir /sub/deep/f.json',
    ],
    quiet: true,
  },
  {
    name: 'readme/three-ways',
    args: (t) => [t],
    stdout: ['await: 7', 'RxJS: 7', 'for await: 7'],
    quiet: true,
  },
  {
    name: 'copy-tree',
    args: (t, w) => [t, `${w}/copy`],
    stdout: ['files 6, bytes 7360, directories 4, symlinks 1'],
    quiet: true,
  },
  {
    name: 'largest-files',
    args: (t) => [t],
    stdout: [
      '5000\t<tree>/sub/d.bin',
      '2000\t<tree>/b.log',
      '300\t<tree>/sub/c.txt',
      '42\t<tree>/sub/deep/e.txt',
      '10\t<tree>/a.txt',
      '8\t<tree>/sub/deep/f.json',
    ],
    quiet: true,
  },
  {
    name: 'rx-pipeline',
    args: (t) => [t],
    stdout: ['extension\tfiles\tbytes', '.bin\t1\t5000', '.log\t1\t2000', '.txt\t3\t352', '.json\t1\t8'],
    quiet: true,
  },
  {
    // Perf: 100,000 requests keep the suite short; the example's default is a million.
    name: 'million-feeder',
    args: (t) => [`${t}/a.txt`, '100000'],
    stdout: ['100000 stats of one file: 100000 ok, 0 failed'],
    quiet: false,
  },
];
