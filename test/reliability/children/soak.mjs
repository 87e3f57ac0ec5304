// Cancel storm and soak, run with --expose-gc: `total` mixed requests (open,
// read, close, stat, readdir, scandir, copy) over several rounds, with
// seeded random cancels by cancel() and by shared AbortSignals, at random
// states: right after the call, after k event-loop turns, inside the
// callbacks of other requests. Every outcome is checked against the
// fixtures; after each round the descriptors and counters are back where
// they started, and the heap after a forced GC at the end (median of the
// last three rounds) is compared with the heap just after the warm-up
// (median of the first three). Prints a summary.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import {
  core,
  fileState,
  input,
  newFds,
  nextTurn,
  openFds,
  report,
  sameFileState,
  seededBytes,
  seededRandom,
} from './lib.mjs';

const { dir, seed, total, rounds, warmup } = input;
const random = seededRandom(seed);
const started = Date.now();

// Fixtures: files with known contents, directories with known listings.
mkdirSync(`${dir}/data`);
mkdirSync(`${dir}/tree`);
mkdirSync(`${dir}/copies`);
const files = [];
for (let i = 0; i < 100; i++) {
  const path = `${dir}/data/f${i}`;
  const data = seededBytes(seed + i, random.int(16_384));
  writeFileSync(path, data, { mode: random.pick([0o644, 0o600, 0o640]) });
  files.push({ path, data, size: data.length, state: fileState(path) });
}
const dirs = [];
for (let i = 0; i < 20; i++) {
  const path = `${dir}/tree/d${i}`;
  mkdirSync(`${path}/s0`, { recursive: true });
  mkdirSync(`${path}/s1`);
  const names = [];
  for (let j = 0; j < 10; j++) {
    writeFileSync(`${path}/e${j}`, `${i}/${j}`);
    names.push(`e${j}`);
  }
  dirs.push({
    path,
    names: [...names, 's0', 's1'].sort(),
    split: { dirs: ['s0', 's1'], nondirs: names.sort() },
  });
}

const ctx = core.createAio({ maxParallel: 32 });
const fdsAtStart = openFds();
const stats = {
  issued: {},
  /** State of each request when cancel() was called on it, counted (a list would grow the heap). */
  cancels: {},
  aborts: 0,
  outcomes: {},
  unexpected: [],
  mismatches: [],
  cancelledButSucceeded: [],
  callbacks: { made: 0, called: 0, repeated: 0 },
  rounds: [],
};
const note = (list, item) => {
  if (list.length < 10) list.push(item);
};

const kWave = 400;
const kControllers = 4;

/** One wave: `kWave` operations issued at once, each with a cancel plan, driven to the end. */
async function wave(budget, paused) {
  const byTurn = new Map();
  const inCallback = [];
  let callbackCount = 0;
  const at = (turn, action) => byTurn.set(turn, [...(byTurn.get(turn) ?? []), action]);
  const controllers = [];
  for (let i = 0; i < kControllers; i++) {
    const controller = new AbortController();
    const bound = [];
    controllers.push({ controller, bound });
    const abort = () => {
      if (controller.signal.aborted) return;
      for (const req of bound) if (req.state === 'ready' || req.state === 'execute') req.expectAbort = true;
      stats.aborts++;
      controller.abort(new Error('storm'));
    };
    if (random.chance(0.5)) {
      at(random.int(12), abort);
    } else {
      const n = random.int(kWave);
      inCallback[n] = [...(inCallback[n] ?? []), abort];
    }
  }
  const pendingCancels = [];
  const fire = () => {
    const n = callbackCount++;
    for (const action of inCallback[n] ?? []) action();
    // Some callbacks cancel another request that is still in flight.
    const target = pendingCancels.pop();
    if (target !== undefined) target();
  };
  let issued = 0;
  const count = (kind) => {
    issued++;
    stats.issued[kind] = (stats.issued[kind] ?? 0) + 1;
  };

  /** Options with a counting callback; `check(err, value)` judges the outcome. */
  const options = (req, signalOf, check) => {
    stats.callbacks.made++;
    let calls = 0;
    const o = {
      priority: random.int(9) - 4,
      callback: (err, value) => {
        calls++;
        stats.callbacks.called++;
        if (calls > 1) stats.callbacks.repeated++;
        const name = err === null ? 'ok' : err.code === 'ABORT_ERR' ? 'abort' : `error:${err.code}`;
        stats.outcomes[name] = (stats.outcomes[name] ?? 0) + 1;
        if (err !== null && err.code !== 'ABORT_ERR')
          note(stats.unexpected, `${req.kind}: ${err.code} ${err.message}`);
        if (err === null && req.current?.expectAbort) note(stats.cancelledButSucceeded, req.kind);
        check(err, value);
        fire();
      },
    };
    if (signalOf !== null) o.signal = signalOf.controller.signal;
    return o;
  };

  /** The cancel plan of one operation: `cancel()` cancels whatever stage is current. */
  const plan = (op) => {
    const roll = random.next();
    const cancel = () => {
      const req = op.current;
      if (req === null || req === undefined) return;
      stats.cancels[req.state] = (stats.cancels[req.state] ?? 0) + 1;
      if (req.state === 'ready' || req.state === 'execute') req.expectAbort = true;
      req.cancel(new Error('storm'));
    };
    if (roll < 0.45) return null;
    if (roll < 0.55) return { now: cancel };
    if (roll < 0.7) {
      at(random.int(9), cancel);
      return null;
    }
    if (roll < 0.85) pendingCancels.unshift(cancel);
    else return { signal: controllers[random.int(kControllers)] };
    return null;
  };
  const bind = (op, signalOf, req) => {
    op.current = req;
    if (signalOf) signalOf.bound.push(req);
    return req;
  };

  const copies = [];
  const maxParallel = ctx.maxParallel;
  if (paused) ctx.maxParallel = 0;
  while (issued < budget && issued < kWave * 3) {
    const roll = random.next();
    const op = { kind: '', current: null };
    const p = plan(op);
    const signalOf = p?.signal ?? null;
    if (roll < 0.3) {
      // open, read, close: the close is never cancelled, whatever happened to the others.
      const f = random.pick(files);
      op.kind = 'open';
      count('open');
      bind(
        op,
        signalOf,
        ctx.open(
          f.path,
          'r',
          undefined,
          options(op, signalOf, (err, fd) => {
            if (err !== null) return;
            const buf = Buffer.alloc(f.size);
            op.kind = 'read';
            count('read');
            bind(
              op,
              signalOf,
              ctx.read(
                fd,
                0,
                f.size,
                buf,
                0,
                options(op, signalOf, (rerr, n) => {
                  if (rerr === null && (n !== f.size || !buf.equals(f.data)))
                    note(stats.mismatches, `read ${f.path}`);
                  count('close');
                  const closer = { kind: 'close', current: null };
                  closer.current = ctx.close(
                    fd,
                    options(closer, null, () => {}),
                  );
                }),
              ),
            );
          }),
        ),
      );
    } else if (roll < 0.6) {
      const f = random.pick(files);
      op.kind = 'stat';
      count('stat');
      bind(
        op,
        signalOf,
        ctx.stat(
          f.path,
          options(op, signalOf, (err, st) => {
            if (err === null && st.size !== f.size) note(stats.mismatches, `stat ${f.path}`);
          }),
        ),
      );
    } else if (roll < 0.75) {
      const d = random.pick(dirs);
      op.kind = 'readdir';
      count('readdir');
      bind(
        op,
        signalOf,
        ctx.readdir(
          d.path,
          options(op, signalOf, (err, names) => {
            if (err === null && JSON.stringify([...names].sort()) !== JSON.stringify(d.names)) {
              note(stats.mismatches, `readdir ${d.path}`);
            }
          }),
        ),
      );
    } else if (roll < 0.92) {
      const d = random.pick(dirs);
      op.kind = 'scandir';
      count('scandir');
      bind(
        op,
        signalOf,
        ctx.scandir(d.path, {
          ...options(op, signalOf, (err, split) => {
            const got = err === null && { dirs: [...split.dirs].sort(), nondirs: [...split.nondirs].sort() };
            if (err === null && JSON.stringify(got) !== JSON.stringify(d.split))
              note(stats.mismatches, `scandir ${d.path}`);
          }),
          maxreq: 1 + random.int(4),
          types: random.chance(0.8),
        }),
      );
    } else {
      const f = random.pick(files);
      const dst = `${dir}/copies/c${copies.length}`;
      const record = { f, dst, err: undefined };
      copies.push(record);
      op.kind = 'copy';
      count('copy');
      bind(
        op,
        signalOf,
        ctx.copy(
          f.path,
          dst,
          options(op, signalOf, (err) => {
            record.err = err;
          }),
        ),
      );
    }
    if (p?.now) p.now();
  }
  if (paused) {
    await nextTurn();
    ctx.maxParallel = maxParallel;
  }
  for (let turn = 0; ctx.nreqs > 0; turn++) {
    for (const action of byTurn.get(turn) ?? []) action();
    if (turn > 2_000_000) return { issued, hung: true };
    await nextTurn();
  }
  // A copy that completed is the source byte for byte with its mode; one that failed left nothing.
  for (const c of copies) {
    const got = fileState(c.dst);
    const complete = sameFileState(got, c.f.state);
    if (c.err === null ? !complete : got !== null && !complete)
      note(stats.mismatches, `copy ${c.dst} ${c.err?.code}`);
  }
  rmSync(`${dir}/copies`, { recursive: true, force: true });
  mkdirSync(`${dir}/copies`);
  return { issued, hung: false };
}

/**
 * The heap in use after a forced GC, without code space: compiled code grows as V8 optimises the
 * hot paths (a warm-up effect, not data the requests left behind).
 */
async function heapAfterGc() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await nextTurn();
  }
  const code =
    getHeapSpaceStatistics().find((space) => space.space_name === 'code_space')?.space_used_size ?? 0;
  return process.memoryUsage().heapUsed - code;
}

const kParallel = [32, 1, 4, 64, 8, 2, 16, 32, 1, 8];
let issuedTotal = 0;
const heapStart = Math.round((await heapAfterGc()) / 1024);
for (let round = 0; round < rounds; round++) {
  const quota = round === 0 ? warmup : Math.ceil((total - warmup) / (rounds - 1));
  ctx.maxParallel = kParallel[round % kParallel.length];
  const paused = round % 3 === 2;
  let issued = 0;
  let hung = false;
  for (let n = 0; issued < quota && !hung; n++) {
    // The warm-up goes through every configuration once, so V8 has seen every path before the baseline.
    if (round === 0) ctx.maxParallel = kParallel[n % kParallel.length];
    const w = await wave(
      Math.min(kWave, quota - issued),
      round === 0 ? n % 2 === 1 : paused && random.chance(0.5),
    );
    issued += w.issued;
    hung = w.hung;
  }
  issuedTotal += issued;
  stats.rounds.push({
    round,
    maxParallel: kParallel[round % kParallel.length],
    paused,
    heapKiB: Math.round((await heapAfterGc()) / 1024),
    issued,
    hung,
    nreqs: ctx.nreqs,
    leaked: newFds(fdsAtStart),
  });
  if (hung) break;
}
// One sample swings by some 5% with what V8 happens to hold at that moment; the median of three
// does not. Start: the three rounds after warm-up began (round 0 is the warm-up); end: the last three.
const median3 = (xs) => [...xs].sort((a, b) => a - b)[1];
const heaps = stats.rounds.map((r) => r.heapKiB);
const heapAfterWarmup = median3(heaps.slice(0, 3));
const heapEnd = median3(heaps.slice(-3));
report({
  issuedTotal,
  issued: stats.issued,
  cancelStates: stats.cancels,
  aborts: stats.aborts,
  outcomes: stats.outcomes,
  unexpected: stats.unexpected,
  mismatches: stats.mismatches,
  cancelledButSucceeded: stats.cancelledButSucceeded,
  callbacks: stats.callbacks,
  rounds: stats.rounds,
  nreqs: ctx.nreqs,
  counters: [ctx.nreqs, ctx.nready, ctx.nexecute, ctx.npending],
  leaked: newFds(fdsAtStart),
  fdsAtStart: Object.keys(fdsAtStart).length,
  fdsAtEnd: Object.keys(openFds()).length,
  heapKiB: { start: heapStart, afterWarmup: heapAfterWarmup, end: heapEnd, rounds: heaps },
  heapRatio: heapEnd / heapAfterWarmup,
  ms: Date.now() - started,
  statSizesOk: files.every((f) => statSync(f.path).size === f.size && readFileSync(f.path).equals(f.data)),
});
