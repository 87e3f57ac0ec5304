import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.config.base.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default [
  // shims: the CommonJS build gets import.meta.url, which loads the optional native addon.
  packageConfig({ index: 'src/index.ts' }, { shims: true }),
  // The command line is ESM only; it is run, never imported.
  packageConfig(
    { cli: 'src/cli/main.ts' },
    { format: ['esm'], dts: false, clean: false, define: { __IOAIO_VERSION__: JSON.stringify(version) } },
  ),
];
