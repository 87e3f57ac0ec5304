import { createAio } from '@ioaio/core';

/**
 * The backend this test run's contexts get: vitest runs the suite once with
 * IOAIO_BACKEND unset (native where it can run) and the catalogue and
 * composite tests again with IOAIO_BACKEND=fs (vitest.config.ts, projects).
 */
export const kBackend = createAio().backend;

/** True when this run's contexts make requests on the native pool. */
export const kNative = kBackend === 'native';
