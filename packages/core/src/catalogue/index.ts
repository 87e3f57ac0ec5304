import { compositeOperations } from '../composite/index.js';
import { dataOperations } from './data.js';
import { descriptorOperations } from './descriptors.js';
import { directoryOperations } from './directories.js';
import { metadataOperations } from './metadata.js';
import { nameOperations } from './names.js';
import { specialOperations } from './special.js';
import { unavailableOperations } from './unavailable.js';

/**
 * Every operation, declared once. The context's methods, the rx package's
 * observables and the conformance tests are all derived from this object.
 */
export const catalogue = {
  ...descriptorOperations,
  ...metadataOperations,
  ...nameOperations,
  ...directoryOperations,
  ...dataOperations,
  ...specialOperations,
  ...unavailableOperations,
  ...compositeOperations,
};
