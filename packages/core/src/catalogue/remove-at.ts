import * as fs from 'node:fs';
import type { NativePoolLike } from '../native-pool.js';
import { single } from '../operation.js';
import type { Done, RunningRequest } from '../request.js';
import { voidResult } from './native-results.js';

/** What rmtree asks to remove: a name in a directory it holds open. */
export interface RemoveAtArgs {
  /** The open directory's descriptor. */
  readonly dirfd: number;
  /** The name in it (one component). */
  readonly name: Buffer;
  /** rmdir (true) or unlink. */
  readonly dir: boolean;
  /**
   * The same name as a path that resolves through the descriptor (`/proc/self/fd/N/name`, or a
   * joined path where there is no procfs): what node:fs is given, and what errors show.
   */
  readonly path: string | Buffer;
}

/** unlinkat(2)'s flag that makes it an rmdir. */
const kRemoveDir = 0x200;

function runRemove(a: RemoveAtArgs, done: Done<void>): void {
  const settle = (err: NodeJS.ErrnoException | null): void => done(err);
  if (a.dir) fs.rmdir(a.path, settle);
  else fs.unlink(a.path, settle);
}

/** Perf: unlinkat on the descriptor itself; a name through /proc costs the kernel a procfs lookup each. */
function runRemoveNative(
  pool: NativePoolLike,
  a: RemoveAtArgs,
  done: Done<void>,
  req: RunningRequest,
): boolean {
  const syscall = a.dir ? 'rmdir' : 'unlink';
  pool.submitUnlinkAt(
    a.dirfd,
    a.name,
    a.dir ? kRemoveDir : 0,
    req.priority,
    voidResult(done, syscall, a.path),
  );
  return true;
}

/**
 * rmtree's own step (no method of the context): unlink or rmdir `name` inside the directory open
 * as `dirfd`: unlinkat(2) on the native pool, and on node:fs the path through that descriptor.
 * Errors are those of unlink / rmdir, naming `path`.
 */
export const removeAt = single({
  perl: null,
  syscall: 'unlink',
  optsIndex: 1,
  prepare: (a: RemoveAtArgs) => a,
  run: runRemove,
  native: runRemoveNative,
});
