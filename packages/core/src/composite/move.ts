import type { BigIntStats } from 'node:fs';
import type { AioContext } from '../context/context.js';
import { AbortError } from '../errors.js';
import {
  type AioGroup,
  commitGroup,
  failGroup,
  followCommit,
  type GroupOptions,
  reopenGroup,
} from '../group.js';
import { composite } from '../operation.js';
import type { PathLike } from '../validate.js';
import { type CopyArgs, inspectDestination, prepareCopy, refusal } from './copy.js';

/**
 * One move, as named steps: lstat src (a regular file, else refused), check
 * dst (absent, a regular file or a symlink, not src under another name),
 * rename; on `EXDEV`, copy (which writes a temporary file and renames it
 * over dst) and unlink src only once the copy is in place.
 *
 * Invariant: every refusal comes before the first change, and src is
 * unlinked only after the copy resolved, so a failure or cancellation at
 * any step leaves src whole. The commit point is the rename that replaces
 * dst (the move's own, or the copy's): a cancel that arrives after it is
 * ignored and the move settles with its real outcome, src unlinked.
 */
class Move {
  readonly #aio: AioContext;
  readonly #args: CopyArgs;
  readonly #group: AioGroup<void>;
  readonly #priority: number;

  constructor(aio: AioContext, args: CopyArgs, group: AioGroup<void>) {
    this.#aio = aio;
    this.#args = args;
    this.#group = group;
    this.#priority = group.priority;
  }

  start(): void {
    this.#group.add(
      this.#aio.lstat(this.#args.src, {
        bigint: true,
        priority: this.#priority,
        callback: (err, st) => (err !== null ? this.#fail(err) : this.#refuseNonRegularSource(st)),
      }),
    );
  }

  #refuseNonRegularSource(st: BigIntStats): void {
    // IO::AIO's aio_move moves files only: a directory, a link or a special file is refused.
    if (!st.isFile()) return this.#fail(refusal(st, 'src', this.#args, 'rename'));
    const check = { args: this.#args, source: st, syscall: 'rename' };
    inspectDestination(this.#aio, this.#group, check, () => this.#rename(), this.#fail);
  }

  #rename(): void {
    if (this.#stopIfCancelled()) return;
    // The commit point on one file system: a cancel while the rename runs cannot take it back.
    commitGroup(this.#group);
    this.#group.add(
      this.#aio.rename(this.#args.src, this.#args.dst, {
        priority: this.#priority,
        callback: (err) => {
          if (err === null) return;
          // Nothing changed: a cancel that arrived during the rename applies now.
          reopenGroup(this.#group);
          return err.code === 'EXDEV' ? this.#copyAcross() : this.#fail(err);
        },
      }),
    );
  }

  #copyAcross(): void {
    if (this.#stopIfCancelled()) return;
    const copy = this.#aio.copy(this.#args.src, this.#args.dst, {
      priority: this.#priority,
      callback: (err) => (err !== null ? this.#fail(err) : this.#unlinkSource()),
    });
    // Across file systems the copy's rename replaces dst: the move commits with it, then unlinks src.
    followCommit(copy, this.#group);
    this.#group.add(copy);
  }

  #unlinkSource(): void {
    if (this.#stopIfCancelled()) return;
    this.#group.add(
      this.#aio.unlink(this.#args.src, {
        priority: this.#priority,
        callback: (err) => err !== null && this.#fail(err),
      }),
    );
  }

  /**
   * Invariant: a step that changes a file is never made once the group is cancelled. A request can
   * start executing while it is made, before the cancelled group it is added to can cancel it.
   */
  #stopIfCancelled(): boolean {
    // The group settles with its own cancellation; this error is never seen.
    if (this.#group.cancelled) this.#fail(new AbortError());
    return this.#group.cancelled;
  }

  readonly #fail = (error: unknown): void => failGroup(this.#group, error);
}

/** `aio.move(src, dst)`: the {@link Move} steps in a group. @see IO::AIO aio_move */
export const moveOperation = composite({
  perl: 'aio_move',
  syscall: 'rename',
  optsIndex: 2,
  prepare: (src: PathLike, dst: PathLike, _options?: GroupOptions<void>): CopyArgs => prepareCopy(src, dst),
  start: (aio: AioContext, a: CopyArgs, group: AioGroup<void>) => new Move(aio, a, group).start(),
});
