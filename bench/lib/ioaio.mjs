// Parent side: facts about the ioaio build the contenders run against.
import fs from 'node:fs';
import path from 'node:path';
import { benchDir } from './child.mjs';

/** The repository root (bench/'s parent). */
export const repoDir = path.dirname(benchDir);

/** The built CLI, when another engineer's CLI has been built. */
export const cliPath = path.join(repoDir, 'packages', 'core', 'dist', 'cli.js');

/** maxParallel values every sweep measures (on the native backend, the default). */
export const kSweep = Object.freeze([32, 64, 128, 256, 512, 1024]);

/** The backend a context gets by default here ('native' where the addon loads), and its default maxParallel. */
const defaults = await import('@ioaio/core').then(
  (m) => {
    const ctx = m.createAio();
    const onFs = m.createAio({ backend: 'fs' });
    return { backend: ctx.backend, maxParallel: ctx.maxParallel, fsMaxParallel: onFs.maxParallel };
  },
  () => ({ backend: 'unknown', maxParallel: Number.NaN, fsMaxParallel: Number.NaN }),
);

/** The context's default maxParallel, as the built library has it (on the default backend). */
export const defaultMaxParallel = defaults.maxParallel;

/** The default maxParallel of a context on the node:fs backend. */
export const fsMaxParallel = defaults.fsMaxParallel;

/** The backend `createAio()` picks here: 'native' where the addon loads, else 'fs'. */
export const defaultBackend = defaults.backend;

/** The environment that forces a child onto the node:fs backend. */
export const kFsEnv = Object.freeze({ IOAIO_BACKEND: 'fs' });

/**
 * The node:fs twin of an ioaio contender: same child, `IOAIO_BACKEND=fs` in its environment, the
 * name suffixed so the twin rows stand beside the native ones. `backend` is checked against what the
 * child reports (see runRounds).
 * @template {{ name: string, env?: Record<string, string> }} C
 * @param {C} contender
 * @param {(name: string) => string} [rename]
 * @returns {C & { backend: 'fs', twinOf: string }}
 */
export const fsTwin = (contender, rename = (n) => `${n} [node:fs]`) => ({
  ...contender,
  name: rename(contender.name),
  env: { ...contender.env, ...kFsEnv },
  backend: 'fs',
  twinOf: contender.name,
});

/** A row name on the default backend: `name [native]` where the addon loads. */
export const onDefault = (name) => `${name} [${defaultBackend}]`;

/** A row name on the node:fs backend (the twin of `onDefault(name)`). */
export const onFs = (name) => `${name} [node:fs]`;

/**
 * An ioaio contender on the default backend and its node:fs twin, named `onDefault(name)` and
 * `onFs(name)`.
 * @template {{ name: string }} C
 * @param {C} contender
 * @returns {Array<C & { backend: string }>}
 */
export const withFsTwin = (contender) => [
  { ...contender, name: onDefault(contender.name), backend: defaultBackend },
  fsTwin(contender, onFs),
];

/** True, or why `@ioaio/rx` cannot be imported here. */
export const rxAvailable = await import('@ioaio/rx').then(
  (m) => (typeof m.treescanIterator === 'function' ? true : 'n/a (no treescanIterator export)'),
  () => 'n/a (package not built)',
);

/** True, or why the CLI cannot run here. */
export const cliAvailable = () =>
  fs.existsSync(cliPath) ? true : 'n/a (packages/core/dist/cli.js not built)';
