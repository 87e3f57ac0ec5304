import type { AioContext } from '../context/context.js';
import type { AioGroup } from '../group.js';
import { composite } from '../operation.js';
import {
  type PathLike,
  validateBoolean,
  validateFunction,
  validateInteger,
  validatePath,
} from '../validate.js';
import { CopytreeChecks } from './copytree-checks.js';
import { kCopytreeSyscall } from './copytree-errors.js';
import { CopytreeLanes } from './copytree-lanes.js';
import type { CopytreeArgs, CopytreeOptions, CopytreeResult } from './copytree-options.js';
import { rawRoot } from './copytree-paths.js';
import { CopytreeSteps } from './copytree-steps.js';

export type { CopytreeOptions, CopytreeProgress, CopytreeResult } from './copytree-options.js';

/**
 * Perf: eight copies keep libuv's four threads busy. In bench copytree, 16 copies on a context of
 * depth 16 took 0.9x the time on /usr/include, within the noise of the loaded machine it ran on.
 */
const kDefaultMaxreq = 8;

function optionalFunction<F extends Function>(value: unknown, name: string): F | null {
  return value === undefined ? null : validateFunction<F>(value, name);
}

function prepareCopytree(src: PathLike, dst: PathLike, options?: CopytreeOptions): CopytreeArgs {
  return {
    src: validatePath(src, 'src'),
    dst: validatePath(dst, 'dst'),
    maxreq:
      options?.maxreq === undefined
        ? kDefaultMaxreq
        : validateInteger(options.maxreq, 'options.maxreq', 1, 1024),
    followSymlinks: validateBoolean(options?.followSymlinks, 'options.followSymlinks'),
    onProgress: optionalFunction(options?.onProgress, 'options.onProgress'),
    onError: optionalFunction(options?.onError, 'options.onError'),
  };
}

/**
 * One tree copy: the safety checks first ({@link CopytreeChecks}: src a
 * directory, dst absent or empty and not inside src, then the root made),
 * then the lanes ({@link CopytreeLanes}) copy what is under it.
 */
function startCopytree(aio: AioContext, a: CopytreeArgs, group: AioGroup<CopytreeResult>): void {
  const steps = new CopytreeSteps(aio, group);
  const paths = { src: rawRoot(a.src), dst: rawRoot(a.dst) };
  const lanes = new CopytreeLanes(steps, a, paths);
  // The group's own signal, which dies with it: nothing to remove. A copy paused with limit(0) and
  // then cancelled has no member whose callback would see the cancellation; this closes its streams.
  group.signal.addEventListener('abort', () => lanes.closeStreams(), { once: true });
  group.result(lanes.result);
  group.limit(3 * a.maxreq);
  const fatal = (err: unknown): void => lanes.fatal(err);
  new CopytreeChecks(steps, paths, fatal, (roots) => lanes.start(roots)).run();
}

/**
 * `aio.copytree(src, dst, options)`: copies a directory tree, each file
 * through the atomic copy, in a group.
 * @example
 * const { files, dirs } = await aio.copytree('site', 'site.bak', { onProgress: (p) => show(p.files) });
 */
export const copytreeOperation = composite({
  perl: null,
  syscall: kCopytreeSyscall,
  optsIndex: 2,
  prepare: prepareCopytree,
  start: startCopytree,
});
