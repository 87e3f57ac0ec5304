import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `pnpm test:quick`: the suite for everyday work, without its slow parts: the
 * reliability tests that work at scale (soak, fuzz, property runs, seeded
 * cancel sweeps, a million requests, ten thousand files under a small fd
 * limit), the cancel storm, the native pool's crash-and-exit children, the
 * API reference's typedoc run and the install test (pack, npm install, tsc).
 * `pnpm test` runs them all, and `scripts/test-node.sh` the Node matrix.
 */
export const kSlowTests = [
  'test/install/**',
  'test/reliability/soak.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/reliability/property.test.ts',
  'test/reliability/rmtree-scale.test.ts',
  'test/reliability/rmtree-cancel.test.ts',
  'test/reliability/copytree-cancel.test.ts',
  'test/reliability/copytree-wide.test.ts',
  'test/reliability/engine-abort-scale.test.ts',
  'test/reliability/engine-nesting.test.ts',
  'test/reliability/fd-budget-ulimit.test.ts',
  'test/core/composite/cancel-storm.test.ts',
  'test/native/robustness.test.ts',
  'test/reliability/native-backend.test.ts',
  'test/docs/api-reference.test.ts',
];

export default mergeConfig(
  base,
  defineConfig({ test: { exclude: [...configDefaults.exclude, ...kSlowTests] } }),
);
