import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';

/** A file with `content` in a fresh temporary directory; returns its path. */
export function tempFile(content: string | Buffer): string {
  const path = join(tempDir(), 'file');
  writeFileSync(path, content);
  return path;
}
