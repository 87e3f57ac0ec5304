import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { kF64PerRequest, kI32PerRequest, kOpCount, kStatFields } from './ops.js';
import { NativePool } from './pool.js';
import type { NativeBinding, NativePoolOptions } from './types.js';

/** Why the native backend cannot run, in one line. */
export interface NativeUnavailable {
  unavailable: string;
}

const kAddonUrl = new URL('../build/ioaio_native.node', import.meta.url);
const kReasonUrl = new URL('../build/unavailable.txt', import.meta.url);

let loaded: NativeBinding | NativeUnavailable | undefined;

/** The build's own reason, when it left one (no compiler, unsupported platform). */
function buildReason(): string | undefined {
  const file = fileURLToPath(kReasonUrl);
  const reason = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return reason === '' ? undefined : reason;
}

/** Checks that the addon speaks the staging layout this file was written for. */
function layoutMismatch(b: NativeBinding): string | undefined {
  const l = b.layout;
  if (
    l.i32PerRequest === kI32PerRequest &&
    l.f64PerRequest === kF64PerRequest &&
    l.statFields === kStatFields &&
    l.types === kOpCount
  )
    return undefined;
  return `addon layout ${JSON.stringify(l)} does not match this package; rebuild it`;
}

function loadBinding(): NativeBinding | NativeUnavailable {
  // The environment variable picks another build of the addon (the AddressSanitizer one).
  const file = process.env.IOAIO_NATIVE_ADDON ?? fileURLToPath(kAddonUrl);
  if (!existsSync(file)) return { unavailable: buildReason() ?? `addon not built (${file} is missing)` };
  try {
    const binding = createRequire(import.meta.url)(file) as NativeBinding;
    const mismatch = layoutMismatch(binding);
    return mismatch === undefined ? binding : { unavailable: mismatch };
  } catch (error) {
    return { unavailable: `addon failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/**
 * A new native pool, or the reason there is none (the caller then runs on node:fs).
 * Each call makes an independent pool with its own threads.
 * @example
 * const pool = loadNativePool({ threads: 8 });
 * if ('unavailable' in pool) console.log(pool.unavailable);
 */
export function loadNativePool(options?: NativePoolOptions): NativePool | NativeUnavailable {
  loaded ??= loadBinding();
  if ('unavailable' in loaded) return loaded;
  return new NativePool(loaded, options);
}
