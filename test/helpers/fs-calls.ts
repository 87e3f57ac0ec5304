import { createRequire, syncBuiltinESMExports } from 'node:module';

const fsExports = createRequire(import.meta.url)('node:fs') as Record<string, unknown>;

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function recording(name: string, original: AnyFunction, calls: string[]): AnyFunction {
  const wrapper: AnyFunction = function (this: unknown, ...args) {
    calls.push(name);
    return original.apply(this, args);
  };
  // fs.realpath.native and friends hang off the functions themselves.
  for (const key of Object.keys(original)) {
    const inner = (original as unknown as Record<string, unknown>)[key];
    (wrapper as unknown as Record<string, unknown>)[key] =
      typeof inner === 'function' ? recording(`${name}.${key}`, inner as AnyFunction, calls) : inner;
  }
  return wrapper;
}

/**
 * Runs `fn` and returns the names of the `node:fs` functions called
 * synchronously while it ran (the library starts a request's first call
 * synchronously, inside the call that lets it into the pool).
 * `syncBuiltinESMExports` makes the ESM bindings the library imported see the
 * wrappers, and the originals again afterwards.
 */
export function fsCallsDuring<T>(fn: () => T): { result: T; calls: string[] } {
  const calls: string[] = [];
  const saved = new Map<string, unknown>();
  for (const name of Object.keys(fsExports)) {
    const descriptor = Object.getOwnPropertyDescriptor(fsExports, name);
    const value = descriptor?.value;
    if (typeof value !== 'function' || descriptor?.writable !== true || /^[A-Z]/.test(name)) continue;
    saved.set(name, value);
    fsExports[name] = recording(name, value as AnyFunction, calls);
  }
  syncBuiltinESMExports();
  try {
    return { result: fn(), calls };
  } finally {
    for (const [name, value] of saved) fsExports[name] = value;
    syncBuiltinESMExports();
  }
}
