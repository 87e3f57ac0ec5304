// Every context method carries its descriptor's documentation: scripts/method-docs.mjs (check
// mode) compares the JSDoc of each method in context/methods.ts with the JSDoc of its entry in the
// catalogue, and wants a @param for every parameter. The emitted declarations are checked by
// test/docs/declarations.test.ts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const kRoot = fileURLToPath(new URL('../..', import.meta.url));

test('each method documents its parameters and has its descriptor doc (method-docs.mjs finds nothing stale)', () => {
  const result = spawnSync(process.execPath, ['scripts/method-docs.mjs'], {
    cwd: kRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
}, 120_000);
