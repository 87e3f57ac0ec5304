import { defineConfig, type Options } from 'tsup';

/** One build recipe for every package: ESM + CJS + declarations, Node 20 target. */
export function packageConfig(entry: Record<string, string>, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    ...extra,
  });
}
