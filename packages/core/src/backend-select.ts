import { backendUnavailable, invalidArgValue } from './errors.js';
import { type BackendName, type NativePoolLike, nativePool, nativeUnavailableReason } from './native-pool.js';

/** The environment variable that picks the backend of contexts made without a `backend` option. */
export const kBackendVariable = 'IOAIO_BACKEND';

function checkName(value: unknown, name: string): BackendName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (value === 'native' || value === 'fs') return value;
  throw invalidArgValue(name, value, "must be 'native', 'fs' or 'auto'");
}

/**
 * The pool a new context runs on: the `backend` option, else `IOAIO_BACKEND`,
 * else the native pool when it can run here and `node:fs` otherwise. Asking
 * for `'native'` where it cannot run throws `ERR_AIO_BACKEND_UNAVAILABLE`
 * with the reason; it never falls back silently.
 */
export function selectPool(option: unknown): NativePoolLike | null {
  const asked =
    checkName(option, 'options.backend') ?? checkName(process.env[kBackendVariable], kBackendVariable);
  if (asked === 'fs') return null;
  const pool = nativePool();
  if (pool === null && asked === 'native') throw backendUnavailable(nativeUnavailableReason() ?? 'unknown');
  return pool;
}
