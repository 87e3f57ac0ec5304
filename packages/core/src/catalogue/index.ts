import { dataOperations } from './data.js';
import { descriptorOperations } from './descriptors.js';
import { dirStreamOperations } from './dir-stream.js';
import { directoryOperations } from './directories.js';
import { linuxOperations } from './linux.js';
import { metadataOperations } from './metadata.js';
import { nameOperations } from './names.js';
import { nativeControlOperations } from './native-control.js';
import { memoryOperations } from './native-memory.js';
import { nativeOnlyOperations } from './native-only.js';
import { specialOperations } from './special.js';

/**
 * Every single operation (one request on `node:fs`), declared once. The
 * registry (`context/registry.ts`) joins them with the composites.
 */
export const singleOperations = {
  ...descriptorOperations,
  ...metadataOperations,
  ...nameOperations,
  ...directoryOperations,
  ...dirStreamOperations,
  ...dataOperations,
  ...specialOperations,
  ...linuxOperations,
  ...nativeOnlyOperations,
  ...memoryOperations,
  ...nativeControlOperations,
};
