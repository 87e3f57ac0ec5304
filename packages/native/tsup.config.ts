import { packageConfig } from '../../tsup.config.base.ts';

// Shims: the CommonJS build finds the addon through import.meta.url as the ESM one does.
export default packageConfig({ index: 'src/index.ts' }, { shims: true });
