import type { GroupOptions } from '../group.js';
import type { PathBytes } from './path.js';

/** Counts handed to `onProgress`. */
export interface CopytreeProgress {
  /** Regular files copied. */
  files: number;
  /** Bytes of the files copied. */
  bytes: number;
  /** Regular files found so far by the directory reads (grows while the tree is read). */
  filesKnown: number;
  /** Bytes of the files whose size is known so far: each file is stat'ed right before its copy. */
  bytesKnown: number;
}

/** What copytree resolves with. */
export interface CopytreeResult {
  /** Regular files copied. */
  files: number;
  /** Directories made (the root included). */
  dirs: number;
  /** Symlinks recreated. */
  symlinks: number;
  /** Entries given to `onError` and left out. */
  skipped: number;
}

/**
 * Options of copytree.
 * @example
 * await aio.copytree('src', 'dst', { maxreq: 4, onError: (err, path) => console.warn(path, err.code) });
 */
export interface CopytreeOptions extends GroupOptions<CopytreeResult> {
  /**
   * Most file copies in flight (each holds two descriptors while it runs),
   * and likewise most directories open for reading and most symlink steps.
   * The copy is a group whose limit is 3 × maxreq: `limit(0)` pauses it,
   * raising the limit again resumes it.
   * @default 8
   */
  maxreq?: number | undefined;
  /**
   * Copy what symlinks point to instead of the links (a link to a directory
   * is entered, unless it would loop: `ELOOP`). The root is always followed.
   * @default false
   */
  followSymlinks?: boolean | undefined;
  /**
   * Called with fresh counts at most once per turn of the event loop while
   * the copy runs, and once more with the final counts before it resolves.
   * Given it, each file is stat'ed before its copy (for `bytes`); without it
   * no such stat is made.
   */
  onProgress?: ((progress: CopytreeProgress) => void) | undefined;
  /**
   * Called for an entry that cannot be copied (the source path, a string
   * when `src` was given as a string, else a Buffer); the entry is left out
   * and the copy goes on. Without it the first such error fails the copy
   * and cancels what is in flight; what was made stays (whole files, links,
   * directories whose mode and times may not be restored yet, mode 0700).
   */
  onError?: ((error: NodeJS.ErrnoException, path: PathBytes) => void) | undefined;
}

/** The checked arguments of one copytree. */
export interface CopytreeArgs {
  src: PathBytes;
  dst: PathBytes;
  maxreq: number;
  followSymlinks: boolean;
  onProgress: ((progress: CopytreeProgress) => void) | null;
  onError: ((error: NodeJS.ErrnoException, path: PathBytes) => void) | null;
}
