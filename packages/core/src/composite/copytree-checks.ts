import type { BigIntStats } from 'node:fs';
import { systemError } from '../errors.js';
import { copytreeRefusal, intoItselfError, kCopytreeSyscall } from './copytree-errors.js';
import { parentOf, rawBytes, shownPath } from './copytree-paths.js';
import type { CopytreeSteps } from './copytree-steps.js';

/** The two roots of a copytree, as raw paths. */
export interface CopytreeRootPaths {
  readonly src: string;
  readonly dst: string;
}

/** The roots once checked and made: what the lanes start from. */
export interface CopytreeRoots {
  /** src's stat, taken before it is read (the read changes its access time). */
  readonly source: BigIntStats;
  /** dst's stat: a directory met with the same device and inode is a copy into itself. */
  readonly target: BigIntStats;
}

/**
 * True when two stats name one file (device and inode): how every check here sees through links and mounts.
 * @example sameFile(await aio.stat(a, { bigint: true }), await aio.stat(b, { bigint: true }));
 */
export function sameFile(x: BigIntStats, y: BigIntStats): boolean {
  return x.dev === y.dev && x.ino === y.ino;
}

/**
 * The safety checks of one copytree, in order, before anything is made:
 * `checkRoot` (src a directory), `checkDestination` (dst absent or an empty
 * directory, not src), `refuseDestinationInsideSource` (no ancestor of dst is
 * src, by device and inode, so bind mounts and links are seen through), then
 * `makeRoot`. Each refusal goes to `fatal`; `done` gets the roots.
 * @example new CopytreeChecks(steps, paths, fatal, (roots) => lanes.start(roots)).run();
 */
export class CopytreeChecks {
  readonly #steps: CopytreeSteps;
  readonly #paths: CopytreeRootPaths;
  readonly #fatal: (err: unknown) => void;
  readonly #done: (roots: CopytreeRoots) => void;

  constructor(
    steps: CopytreeSteps,
    paths: CopytreeRootPaths,
    fatal: (err: unknown) => void,
    done: (roots: CopytreeRoots) => void,
  ) {
    this.#steps = steps;
    this.#paths = paths;
    this.#fatal = fatal;
    this.#done = done;
  }

  run(): void {
    this.#checkRoot();
  }

  #checkRoot(): void {
    const src = this.#paths.src;
    this.#steps.stat(src, true, (err, st) => {
      if (err !== null) return this.#fatal(err);
      if (!st.isDirectory()) return this.#fatal(systemError('ENOTDIR', kCopytreeSyscall, shownPath(src)));
      this.#checkDestination(st);
    });
  }

  /** Invariant: dst is absent or an empty directory, so nothing already there is ever replaced. */
  #checkDestination(source: BigIntStats): void {
    const dst = this.#paths.dst;
    this.#steps.stat(dst, false, (err, st) => {
      if (err?.code === 'ENOENT') return this.#refuseDestinationInsideSource(source, parentOf(dst), null);
      if (err !== null) return this.#fatal(err);
      if (!st.isDirectory()) return this.#fatal(copytreeRefusal('EEXIST', dst));
      this.#steps.add(
        this.#steps.aio.readdir(rawBytes(dst), {
          priority: this.#steps.priority,
          callback: (e, names) => {
            if (e !== null) return this.#fatal(e);
            if (names.length > 0) return this.#fatal(copytreeRefusal('ENOTEMPTY', dst));
            this.#refuseDestinationInsideSource(source, dst, st);
          },
        }),
      );
    });
  }

  /**
   * Invariant: a copy into the source itself would read its own output for
   * ever. Climbs from dst (or the directory it will be made in) by `..` to
   * the root, comparing each directory with src by device and inode.
   */
  #refuseDestinationInsideSource(source: BigIntStats, start: string, existing: BigIntStats | null): void {
    const climb = (path: string, st: BigIntStats): void => {
      if (sameFile(st, source)) return this.#fatal(intoItselfError(this.#paths.src, this.#paths.dst));
      const up = `${path}/..`;
      this.#steps.stat(up, true, (err, parent) => {
        if (err !== null) return this.#fatal(err);
        if (sameFile(parent, st)) return this.#makeRoot(source, existing);
        climb(up, parent);
      });
    };
    this.#steps.stat(start, true, (err, st) => (err !== null ? this.#fatal(err) : climb(start, st)));
  }

  #makeRoot(source: BigIntStats, existing: BigIntStats | null): void {
    if (existing !== null) return this.#done({ source, target: existing });
    const dst = this.#paths.dst;
    this.#steps.mkdir(dst, (err) => {
      if (err !== null) return this.#fatal(err);
      this.#steps.stat(dst, false, (e, st) => {
        if (e !== null) return this.#fatal(e);
        this.#done({ source, target: st });
      });
    });
  }
}
