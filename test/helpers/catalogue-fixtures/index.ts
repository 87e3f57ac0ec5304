import { dataFixtures } from './data.js';
import { descriptorFixtures } from './descriptors.js';
import { dirStreamFixtures } from './dir-stream.js';
import type { Fixture } from './fixture.js';
import { linuxFixtures } from './linux.js';
import { metadataFixtures } from './metadata.js';
import { nameFixtures } from './names.js';

export { type Fixture, type Instance, kClosedFd } from './fixture.js';

/** Every single operation of the catalogue; conformance.test.ts checks that the keys match. */
export const fixtures: Record<string, Fixture> = {
  ...descriptorFixtures,
  ...metadataFixtures,
  ...nameFixtures,
  ...dataFixtures,
  ...dirStreamFixtures,
  ...linuxFixtures,
};
