// Copies a directory tree with a progress line on a terminal, and stops cleanly on Ctrl-C: every file
// under its final name is then complete and no temporary file is left.
// Usage: node copy-tree.js SRC DST
import { AbortError, aio, type CopytreeProgress } from '@ioaio/core';

const [src, dst] = process.argv.slice(2);
if (src === undefined || dst === undefined) {
  console.error('usage: copy-tree SRC DST');
  process.exit(2);
}

const ac = new AbortController();
process.once('SIGINT', () => ac.abort(new Error('interrupted')));

const kMiB = 1024 * 1024;
let last: CopytreeProgress = { files: 0, bytes: 0, filesKnown: 0, bytesKnown: 0 };

/** Keeps the latest counts and redraws the progress line, on a terminal only. */
function showProgress(progress: CopytreeProgress): void {
  last = progress;
  if (!process.stderr.isTTY) return;
  const { files, filesKnown, bytes } = progress;
  process.stderr.write(`\r${files}/${filesKnown} files, ${(bytes / kMiB).toFixed(1)} MiB `);
}

try {
  const done = await aio.copytree(src, dst, { signal: ac.signal, onProgress: showProgress });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(
    `files ${done.files}, bytes ${last.bytes}, directories ${done.dirs}, symlinks ${done.symlinks}`,
  );
} catch (err) {
  if (err instanceof AbortError) {
    console.error(
      `\ninterrupted after ${last.files} files: those are complete, nothing half-written is left`,
    );
    process.exitCode = 130;
  } else {
    const { code, path } = err as NodeJS.ErrnoException;
    console.error(`copy-tree: ${code ?? String(err)} ${path ?? ''}`);
    process.exitCode = 1;
  }
}
