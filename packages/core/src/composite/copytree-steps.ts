import type { BigIntStats } from 'node:fs';
import type { AioContext } from '../context/context.js';
import type { AioGroup } from '../group.js';
import type { CopytreeResult } from './copytree-options.js';
import { rawBytes } from './copytree-paths.js';

/** Made private to us until its contents are in: a read-only source directory can still be filled. */
const kNewDirMode = 0o700;

type Member = Parameters<AioGroup<CopytreeResult>['add']>[0];

/**
 * The requests of one copytree: each is a member of its group, at the
 * group's priority, on raw paths.
 * @example steps.stat('src', true, (err, st) => ...);
 */
export class CopytreeSteps {
  readonly aio: AioContext;
  readonly group: AioGroup<CopytreeResult>;
  readonly priority: number;

  constructor(aio: AioContext, group: AioGroup<CopytreeResult>) {
    this.aio = aio;
    this.group = group;
    this.priority = group.priority;
  }

  add(req: Member): void {
    this.group.add(req);
  }

  /** stat when `follow`, else lstat, with bigint times. */
  stat(
    raw: string,
    follow: boolean,
    callback: (err: NodeJS.ErrnoException | null, st: BigIntStats) => void,
  ): void {
    const options = { bigint: true as const, priority: this.priority, callback };
    this.add(follow ? this.aio.stat(rawBytes(raw), options) : this.aio.lstat(rawBytes(raw), options));
  }

  mkdir(raw: string, callback: (err: NodeJS.ErrnoException | null) => void): void {
    this.add(this.aio.mkdir(rawBytes(raw), kNewDirMode, { priority: this.priority, callback }));
  }
}
