import {
  type AioContext,
  type AioGroup,
  aio as defaultAio,
  operations,
  type PathBytes,
  type PathLike,
  type WalkEntry,
  type WalkOptions,
  type WalkResult,
} from '@ioaio/core';
import { Observable } from 'rxjs';

/**
 * Options of {@link treescan}: those of the core walk (`maxreq`, `onError`,
 * `followSymlinks`, `encoding`, `priority`, `signal`), less the callbacks
 * the Observable stands for, plus the context to walk with.
 * @example
 * const options: TreescanOptions = { aio: createAio({ maxParallel: 4 }), maxreq: 4, onError: console.warn };
 */
export interface TreescanOptions<P extends PathBytes = string>
  extends Omit<WalkOptions<P>, 'onEntries' | 'callback'> {
  /**
   * The context whose queue, priorities and limits the scans go through.
   * @default the default context, `aio` of `@ioaio/core`
   */
  aio?: AioContext | undefined;
}

/**
 * Splits the context from the walk options, validates them (a programmer
 * error throws at the call, before anything is queued) and returns how to
 * start the walk with a given `onEntries`.
 * @internal
 */
export function prepareWalk(
  root: PathLike,
  options: TreescanOptions<PathBytes> | undefined,
): (onEntries: (dir: PathBytes, entries: WalkEntry<PathBytes>[]) => void) => AioGroup<WalkResult> {
  const { aio = defaultAio, ...walkOptions } = options ?? {};
  operations.walk.validate(root, walkOptions);
  return (onEntries) =>
    aio.walk(root, { ...walkOptions, onEntries } as WalkOptions<string> & { encoding?: 'utf8' });
}

/**
 * An Observable of every entry under `root` (`{ path, type }`, the root
 * itself excluded, `type` `'dir'` for real directories and `'nondir'` for
 * everything else, symlinks to directories included), from the core walk
 * with at most `maxreq` directory scans in flight. Cold: each subscription
 * walks the tree anew. It completes when the walk finished and errors as the
 * walk fails (an unreadable root; an unreadable subdirectory unless
 * `onError` is given). Unsubscribing cancels the walk and every request of
 * it still queued.
 *
 * There is no backpressure here (an Observable pushes); use
 * {@link treescanIterator} for a consumer slower than the disk.
 *
 * @example
 * import { treescan } from '@ioaio/rx';
 * import { filter, count } from 'rxjs';
 * treescan('/usr/share', { maxreq: 8 })
 *   .pipe(filter((e) => e.type === 'nondir'), count())
 *   .subscribe((n) => console.log(`${n} files`));
 */
export function treescan(
  root: PathLike,
  options?: TreescanOptions<string> & { encoding?: 'utf8' | undefined },
): Observable<WalkEntry<string>>;
export function treescan(
  root: PathLike,
  options: TreescanOptions<Buffer> & { encoding: 'buffer' },
): Observable<WalkEntry<Buffer>>;
export function treescan(
  root: PathLike,
  options?: TreescanOptions<PathBytes>,
): Observable<WalkEntry<PathBytes>> {
  const start = prepareWalk(root, options);
  return new Observable<WalkEntry<PathBytes>>((subscriber) => {
    let settled = false;
    const walk = start((_dir, entries) => {
      for (const entry of entries) {
        if (subscriber.closed) return;
        subscriber.next(entry);
      }
    });
    walk.then(
      () => {
        settled = true;
        subscriber.complete();
      },
      (err: unknown) => {
        settled = true;
        subscriber.error(err);
      },
    );
    return () => {
      if (!settled) walk.cancel();
    };
  });
}
