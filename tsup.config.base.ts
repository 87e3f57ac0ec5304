import { defineConfig, type Options } from 'tsup';

/** One build recipe for every package: ESM + CJS + declarations, Node 20 target. */
export function packageConfig(entry: Record<string, string>, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    // Published builds carry no source maps: a map without the sources it names only points a debugger at
    // files that are not installed, and the maps were most of the installed size.
    sourcemap: false,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    ...extra,
  });
}
