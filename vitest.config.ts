import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@ioaio/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
      '@ioaio/rx': fileURLToPath(new URL('./packages/rx/src/index.ts', import.meta.url)),
    },
  },
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The suite runs on the default backend (native where it can run); the catalogue's conformance,
    // the composites and rx run once more on node:fs, so both backends pass the same tests.
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'node-fs',
          include: [
            'test/core/catalogue/**/*.test.ts',
            'test/core/composite/**/*.test.ts',
            'test/rx/**/*.test.ts',
          ],
          env: { IOAIO_BACKEND: 'fs' },
        },
      },
    ],
  },
});
