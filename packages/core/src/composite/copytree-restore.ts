import type { BigIntStats } from 'node:fs';
import { isAbortError } from '../errors.js';
import { rawBytes } from './copytree-paths.js';
import type { CopytreeSteps } from './copytree-steps.js';

/** Set-user-ID and set-group-ID: kept only when the owner could be kept too, as `cp -p` does. */
const kSetIdBits = 0o6000;

function seconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

/**
 * Gives a copied directory its source's owner, mode and times: chown (an
 * owner that cannot be kept is no error, as in copy), chmod, then times.
 * @example restoreDirMeta(steps, 'dst/sub', sourceStat, (err) => ...);
 */
export function restoreDirMeta(
  steps: CopytreeSteps,
  dst: string,
  st: BigIntStats,
  done: (err: NodeJS.ErrnoException | null) => void,
): void {
  const path = rawBytes(dst);
  const { aio, priority } = steps;
  const times = (): void => {
    steps.add(aio.utime(path, seconds(st.atimeNs), seconds(st.mtimeNs), { priority, callback: done }));
  };
  const mode = (kept: boolean): void => {
    const bits = Number(st.mode) & (kept ? 0o7777 : 0o7777 & ~kSetIdBits);
    steps.add(aio.chmod(path, bits, { priority, callback: (err) => (err !== null ? done(err) : times()) }));
  };
  const callback = (err: NodeJS.ErrnoException | null): void =>
    isAbortError(err) ? done(err) : mode(err === null);
  steps.add(aio.chown(path, Number(st.uid), Number(st.gid), { priority, callback }));
}
