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
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
