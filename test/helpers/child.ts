import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built ESM entry of @ioaio/core (the test script builds before it runs vitest). */
export const coreDist = fileURLToPath(new URL('../../packages/core/dist/index.js', import.meta.url));

/** Runs an ESM snippet in a fresh Node process, with `core` bound to the built package. */
export function runChild(
  source: string,
  args: string[] = [],
): { status: number | null; stdout: string; stderr: string } {
  const program = `import * as core from ${JSON.stringify(coreDist)};\n${source}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
