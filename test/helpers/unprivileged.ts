import { spawnSync } from 'node:child_process';
import { stagedCore } from './staged.js';

/** uid and gid of `nobody`, who has no write permission in a root-owned directory. */
export const kNobody = 65534;

/** `argv` run as uid/gid 65534 with no supplementary groups. */
export function asNobody(argv: readonly string[]): string[] {
  return ['setpriv', `--reuid=${kNobody}`, `--regid=${kNobody}`, '--clear-groups', ...argv];
}

/**
 * Runs an ESM snippet as uid/gid 65534 with no supplementary groups
 * (`setpriv`), with `core` bound to the built package, and parses the JSON
 * it prints on its last line. As root, permission checks do not apply, so
 * this is how tests see EACCES. The package is a world-readable staged copy
 * (test/helpers/staged.ts): the checkout itself may be private to root.
 */
export function runUnprivileged(source: string): { status: number | null; result: unknown; stderr: string } {
  const program = `import * as core from ${JSON.stringify(stagedCore().coreIndex)};\n${source}`;
  const [command, ...args] = asNobody([process.execPath, '--input-type=module', '-e', program]);
  const child = spawnSync(command as string, args, { encoding: 'utf8', timeout: 60_000, cwd: '/' });
  const lines = child.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  let result: unknown = null;
  try {
    result = JSON.parse(last);
  } catch {
    result = { unparsed: child.stdout };
  }
  return { status: child.status, result, stderr: child.stderr };
}

/** True when this process may switch to another user (it is root). */
export function canDropPrivileges(): boolean {
  return process.getuid?.() === 0;
}
