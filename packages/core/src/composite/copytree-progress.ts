import type { AioGroup } from '../group.js';
import type { CopytreeProgress, CopytreeResult } from './copytree-options.js';

/**
 * The counts of one copytree and their delivery to `onProgress`: at most
 * once per turn of the event loop while the copy runs, and on demand with
 * the final counts. Without `onProgress` it does nothing.
 * @example progress.counts.files++; progress.changed();
 */
export class CopytreeProgressReporter {
  readonly counts: CopytreeProgress = { files: 0, bytes: 0, filesKnown: 0, bytesKnown: 0 };
  readonly #onProgress: ((progress: CopytreeProgress) => void) | null;
  readonly #group: AioGroup<CopytreeResult>;
  #dirty = false;
  #queued = false;

  constructor(onProgress: ((progress: CopytreeProgress) => void) | null, group: AioGroup<CopytreeResult>) {
    this.#onProgress = onProgress;
    this.#group = group;
  }

  /** The counts moved: report them on the next turn, unless the copy has ended by then. */
  changed(): void {
    if (this.#onProgress === null) return;
    this.#dirty = true;
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      if (this.#group.state === 'execute' && !this.#group.cancelled) this.emit();
    });
  }

  /** Reports the counts now, if they moved since the last report. */
  emit(): void {
    if (!this.#dirty || this.#onProgress === null) return;
    this.#dirty = false;
    this.#onProgress({ ...this.counts });
  }
}
