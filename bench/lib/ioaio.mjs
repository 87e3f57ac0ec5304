// Parent side: facts about the ioaio build the contenders run against.
import fs from 'node:fs';
import path from 'node:path';
import { benchDir } from './child.mjs';

/** The repository root (bench/'s parent). */
export const repoDir = path.dirname(benchDir);

/** The built CLI, when another engineer's CLI has been built. */
export const cliPath = path.join(repoDir, 'packages', 'core', 'dist', 'cli.js');

/** maxParallel values every sweep measures. */
export const kSweep = Object.freeze([4, 8, 16, 32, 64, 128]);

/** The context's default maxParallel, as the built library has it. */
export const defaultMaxParallel = await import('@ioaio/core').then(
  (m) => m.createAio().maxParallel,
  () => Number.NaN,
);

/** True, or why `@ioaio/rx` cannot be imported here. */
export const rxAvailable = await import('@ioaio/rx').then(
  (m) => (typeof m.treescanIterator === 'function' ? true : 'n/a (no treescanIterator export)'),
  () => 'n/a (package not built)',
);

/** True, or why the CLI cannot run here. */
export const cliAvailable = () =>
  fs.existsSync(cliPath) ? true : 'n/a (packages/core/dist/cli.js not built)';
