import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.config.base.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default [
  packageConfig({ index: 'src/index.ts' }),
  // The command line is ESM only; it is run, never imported.
  packageConfig(
    { cli: 'src/cli/main.ts' },
    { format: ['esm'], dts: false, clean: false, define: { __IOAIO_VERSION__: JSON.stringify(version) } },
  ),
];
