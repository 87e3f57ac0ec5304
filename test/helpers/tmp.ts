import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh temporary directory for one test, removed after it. */
export function tempDir(prefix = 'ioaio-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Open descriptors of this process (Linux). */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Lists a tree as sorted relative paths, directories with a trailing slash. */
export function listTree(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? d.name : `${prefix}/${d.name}`;
    if (d.isDirectory()) {
      out.push(`${rel}/`);
      out.push(...listTree(root, rel));
    } else {
      out.push(rel);
    }
  }
  return out.sort();
}
