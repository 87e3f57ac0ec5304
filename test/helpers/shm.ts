import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';

const made: string[] = [];

/**
 * A fresh temporary directory on /dev/shm (tmpfs), removed after the test:
 * a second file system beside the disk that `tempDir()` uses. Null when
 * the host has no /dev/shm.
 */
export function shmDir(prefix = 'ioaio-test-'): string | null {
  if (!existsSync('/dev/shm')) return null;
  const dir = mkdtempSync(`/dev/shm/${prefix}`);
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Lets another user traverse a test directory (mkdtemp makes them 0o700). */
export function traversable(dir: string): string {
  chmodSync(dir, 0o755);
  return dir;
}
