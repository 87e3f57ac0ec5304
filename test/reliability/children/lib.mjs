// Shared by the fault-injection children: they run the built package in a
// fresh process (under ulimit, setpriv or a private mount) and print one
// JSON summary as their last line, which the test asserts as a whole.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

export const core = await import(process.env.IOAIO_CORE_DIST);
export const input = JSON.parse(process.env.IOAIO_CHILD_INPUT ?? '{}');

/**
 * Uncaught exceptions and unhandled rejections, recorded instead of killing
 * the child so the summary can say what escaped; every summary carries them.
 */
export const escaped = [];
let escapes = 0;
const recordEscape = (kind, err) => {
  // The first few in full, then only counted: a storm can throw thousands of the same.
  if (escapes++ < 10)
    escaped.push(
      `${kind}: ${err?.name ?? typeof err} ${err?.code ?? ''} ${String(err?.message ?? err).slice(0, 200)}`,
    );
  else escaped[10] = `… ${escapes - 10} more`;
};
process.on('uncaughtException', (err) => recordEscape('uncaught', err));
process.on('unhandledRejection', (err) => recordEscape('unhandled rejection', err));

/** mulberry32, as test/helpers/seeded.ts: the same seed gives the same run. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (items) => items[int(items.length)] };
}

/** Deterministic bytes for a seed, so contents can be compared byte for byte. */
export function seededBytes(seed, size) {
  const random = seededRandom(seed);
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = random.int(256);
  return out;
}

/** One turn of the event loop. */
export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Waits turn by turn until the context holds nothing; false if it still does after `maxTurns`. */
export async function settle(ctx, maxTurns = 2_000_000) {
  for (let i = 0; i < maxTurns; i++) {
    if (ctx.nreqs === 0) return true;
    await nextTurn();
  }
  return false;
}

/** The open descriptors of this process, each as `fd -> target`. */
export function openFds() {
  const out = {};
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out[fd] = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // The descriptor readdir itself used is gone already.
    }
  }
  return out;
}

/** Descriptors open now that were not open in `before`, with their targets. */
export function newFds(before) {
  const now = openFds();
  return Object.entries(now)
    .filter(([fd, target]) => before[fd] !== target)
    .map(([fd, target]) => `${fd} -> ${target}`)
    .sort();
}

export function sha(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Content digest and permission bits of a file, or null when it does not exist. */
export function fileState(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return null;
  }
  return { sha: sha(path), mode: st.mode & 0o7777, size: st.size };
}

/** True when two `fileState`s are one existing file's: same digest, mode and size. */
export function sameFileState(a, b) {
  return a !== null && b !== null && a.sha === b.sha && a.mode === b.mode && a.size === b.size;
}

/** An error as the summary shows it: the fields a user would rely on. */
export function errorShape(err) {
  if (err === null || err === undefined) return null;
  return {
    name: err.name,
    code: err.code,
    errno: err.errno,
    syscall: err.syscall,
    hasPath: typeof err.path === 'string' || Buffer.isBuffer(err.path),
  };
}

/** A short name for an outcome: 'ok', an error code, or the error's name. */
export function outcomeName(err) {
  if (err === null || err === undefined) return 'ok';
  return err.code ?? err.name ?? String(err);
}

/** Settles a request into [err, value] without ever leaving a rejection unobserved. */
export function outcome(req) {
  return req.then(
    (value) => [null, value],
    (err) => [err, undefined],
  );
}

/** Counts occurrences of each key. */
export function tally(keys) {
  const out = {};
  for (const key of keys) out[key] = (out[key] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function report(summary) {
  process.stdout.write(`${JSON.stringify({ ...summary, escaped })}\n`);
}
