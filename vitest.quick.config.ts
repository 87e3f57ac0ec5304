import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `pnpm test:quick`: the suite for everyday work, once, on the default
 * backend, without its slow parts: the reliability suite (faults in child
 * processes, scale, soak, fuzz and property runs), the cancel storm, the
 * native pool's crash-and-exit children, the documentation builds (typedoc,
 * tsc over the README's examples and the method docs), the install test
 * (pack, npm install, tsc), the treescan cases re-run against Perl's
 * treescan (the same cases still run against their expected output), and
 * the scale cases inside the core's files (a 5,000-entry scandir, feeders
 * over 200,000 and 1,000,000 requests).
 * `pnpm test` runs all of it on both backends, `scripts/test-node.sh` the
 * Node matrix.
 */
export const kSlowTests = [
  'test/reliability/**',
  'test/install/**',
  'test/docs/**',
  'test/core/composite/cancel-storm.test.ts',
  'test/native/robustness.test.ts',
];

/** Test names left out: Perl parity (each spawns Perl's treescan beside ours) and scale cases. */
const kSlowNames = /^(?!.*(parity with Perl|5,000-entry directory|200,000 stats|1,000,000 nops))/;

const { projects: _bothBackends, ...shared } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...shared,
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...kSlowTests],
    testNamePattern: kSlowNames,
    // Perf: vitest's default leaves one core idle; these tests wait on child processes and the disk
    // more than they compute, so every core gets a worker.
    maxWorkers: availableParallelism(),
  },
});
