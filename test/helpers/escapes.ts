import { readdirSync, readlinkSync } from 'node:fs';
import { inspect } from 'node:util';

/**
 * Runs `body` and returns everything that escaped meanwhile as an uncaught
 * exception or an unhandled rejection, so a test can assert "nothing
 * escaped" as a whole value. `body` sees the list as it grows (to stop
 * waiting for a request an escaped exception left behind). Vitest still
 * reports what escaped as an error of the run: both must stay empty.
 */
export async function catchingEscapes(
  body: (escaped: readonly string[]) => Promise<void>,
): Promise<string[]> {
  const escaped: string[] = [];
  const onUncaught = (err: unknown) => escaped.push(`uncaught ${inspect(err, { depth: 0 })}`);
  const onUnhandled = (err: unknown) => escaped.push(`unhandled rejection ${inspect(err, { depth: 0 })}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body(escaped);
    // Unhandled rejections are reported once the microtask queue drains: give them two turns.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
  }
  return escaped;
}

/** Descriptors of this process whose target lies under `dir` (Linux). */
export function fdsUnder(dir: string): number[] {
  const out: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${dir}/`)) out.push(Number(fd));
    } catch {
      // readdir's own descriptor, closed already.
    }
  }
  return out.sort((a, b) => a - b);
}
