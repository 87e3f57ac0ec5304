// Cancel storm and soak, run with --expose-gc: `total` mixed requests (open,
// read, close, stat, readdir, scandir, copy) over several rounds, with
// seeded random cancels by cancel() and by shared AbortSignals, at random
// states: right after the call, after k event-loop turns, inside the
// callbacks of other requests. Every outcome is checked against the
// fixtures; after each round the descriptors and counters are back where
// they started, and the heap after a forced GC at the end (median of the
// last three rounds) is compared with the heap just after the warm-up
// (median of the first three). Prints a summary.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
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
/** Kinds (of those issued here) that settle with their real outcome when cancelled past their commit point. */
const kCommitting = new Set(['copy']);

const bump = (counts, key) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * One wave: up to `kWave` operations issued at once, each with a cancel
 * plan (now, after k turns, from another request's callback, or through one
 * of a few shared AbortSignals), then driven to the end and checked.
 */
class Wave {
  byTurn = new Map();
  inCallback = [];
  callbackCount = 0;
  pendingCancels = [];
  issued = 0;
  copies = [];

  constructor(budget) {
    this.budget = budget;
    this.controllers = Array.from({ length: kControllers }, () => this.makeController());
  }

  at(turn, action) {
    this.byTurn.set(turn, [...(this.byTurn.get(turn) ?? []), action]);
  }

  /** A shared AbortController, aborted at a random turn or from a random callback. */
  makeController() {
    const controller = new AbortController();
    const bound = [];
    const abort = () => {
      if (controller.signal.aborted) return;
      for (const req of bound) if (req.state === 'ready' || req.state === 'execute') req.expectAbort = true;
      stats.aborts++;
      controller.abort(new Error('storm'));
    };
    if (random.chance(0.5)) {
      this.at(random.int(12), abort);
    } else {
      const n = random.int(kWave);
      this.inCallback[n] = [...(this.inCallback[n] ?? []), abort];
    }
    return { controller, bound };
  }

  /** Runs from every callback: the aborts planned for this one, and now and then a pending cancel. */
  fire() {
    const n = this.callbackCount++;
    for (const action of this.inCallback[n] ?? []) action();
    // Some callbacks cancel another request that is still in flight.
    const target = this.pendingCancels.pop();
    if (target !== undefined) target();
  }

  count(kind) {
    this.issued++;
    bump(stats.issued, kind);
  }

  /** Tallies one callback's outcome: an unexpected error, or a success after an abort that should have won. */
  record(op, err) {
    const name = err === null ? 'ok' : err.code === 'ABORT_ERR' ? 'abort' : `error:${err.code}`;
    bump(stats.outcomes, name);
    if (err !== null && err.code !== 'ABORT_ERR')
      note(stats.unexpected, `${op.kind}: ${err.code} ${err.message}`);
    // copy ignores a cancel once its final rename is issued (its commit point): success is then
    // its real outcome, and the wave's copy check still holds it to a complete destination.
    if (err === null && op.current?.expectAbort && !kCommitting.has(op.kind))
      note(stats.cancelledButSucceeded, op.kind);
  }

  /** Options with a counting callback; `check(err, value)` judges the outcome. */
  options(op, signalOf, check) {
    stats.callbacks.made++;
    let calls = 0;
    const o = {
      priority: random.int(9) - 4,
      callback: (err, value) => {
        calls++;
        stats.callbacks.called++;
        if (calls > 1) stats.callbacks.repeated++;
        this.record(op, err);
        check(err, value);
        this.fire();
      },
    };
    if (signalOf !== null) o.signal = signalOf.controller.signal;
    return o;
  }

  /** The cancel plan of one operation: `cancel()` cancels whatever stage is current. */
  plan(op) {
    const roll = random.next();
    const cancel = () => {
      const req = op.current;
      if (req === null || req === undefined) return;
      bump(stats.cancels, req.state);
      if (req.state === 'ready' || req.state === 'execute') req.expectAbort = true;
      req.cancel(new Error('storm'));
    };
    if (roll < 0.45) return null;
    if (roll < 0.55) return { now: cancel };
    if (roll < 0.7) {
      this.at(random.int(9), cancel);
      return null;
    }
    if (roll < 0.85) this.pendingCancels.unshift(cancel);
    else return { signal: this.controllers[random.int(kControllers)] };
    return null;
  }

  bind(op, signalOf, req) {
    op.current = req;
    if (signalOf) signalOf.bound.push(req);
    return req;
  }

  /** open, read, close: the close is never cancelled, whatever happened to the others. */
  openReadClose(op, signalOf) {
    const f = random.pick(files);
    op.kind = 'open';
    this.count('open');
    const opened = (err, fd) => {
      if (err === null) this.readThenClose(op, signalOf, f, fd);
    };
    this.bind(op, signalOf, ctx.open(f.path, 'r', undefined, this.options(op, signalOf, opened)));
  }

  readThenClose(op, signalOf, f, fd) {
    const buf = Buffer.alloc(f.size);
    op.kind = 'read';
    this.count('read');
    const read = (rerr, n) => {
      if (rerr === null && (n !== f.size || !buf.equals(f.data))) note(stats.mismatches, `read ${f.path}`);
      this.count('close');
      const closer = { kind: 'close', current: null };
      closer.current = ctx.close(
        fd,
        this.options(closer, null, () => {}),
      );
    };
    this.bind(op, signalOf, ctx.read(fd, 0, f.size, buf, 0, this.options(op, signalOf, read)));
  }

  stat(op, signalOf) {
    const f = random.pick(files);
    op.kind = 'stat';
    this.count('stat');
    const check = (err, st) => {
      if (err === null && st.size !== f.size) note(stats.mismatches, `stat ${f.path}`);
    };
    this.bind(op, signalOf, ctx.stat(f.path, this.options(op, signalOf, check)));
  }

  readdir(op, signalOf) {
    const d = random.pick(dirs);
    op.kind = 'readdir';
    this.count('readdir');
    const check = (err, names) => {
      if (err === null && JSON.stringify([...names].sort()) !== JSON.stringify(d.names))
        note(stats.mismatches, `readdir ${d.path}`);
    };
    this.bind(op, signalOf, ctx.readdir(d.path, this.options(op, signalOf, check)));
  }

  scandir(op, signalOf) {
    const d = random.pick(dirs);
    op.kind = 'scandir';
    this.count('scandir');
    const check = (err, split) => {
      const got = err === null && { dirs: [...split.dirs].sort(), nondirs: [...split.nondirs].sort() };
      if (err === null && JSON.stringify(got) !== JSON.stringify(d.split))
        note(stats.mismatches, `scandir ${d.path}`);
    };
    const options = {
      ...this.options(op, signalOf, check),
      maxreq: 1 + random.int(4),
      types: random.chance(0.8),
    };
    this.bind(op, signalOf, ctx.scandir(d.path, options));
  }

  copy(op, signalOf) {
    const f = random.pick(files);
    const dst = `${dir}/copies/c${this.copies.length}`;
    const record = { f, dst, err: undefined };
    this.copies.push(record);
    op.kind = 'copy';
    this.count('copy');
    const done = (err) => {
      record.err = err;
    };
    this.bind(op, signalOf, ctx.copy(f.path, dst, this.options(op, signalOf, done)));
  }

  /** Issues one operation of a kind drawn at random, with its cancel plan. */
  issueOne() {
    const roll = random.next();
    const op = { kind: '', current: null };
    const p = this.plan(op);
    const signalOf = p?.signal ?? null;
    if (roll < 0.3) this.openReadClose(op, signalOf);
    else if (roll < 0.6) this.stat(op, signalOf);
    else if (roll < 0.75) this.readdir(op, signalOf);
    else if (roll < 0.92) this.scandir(op, signalOf);
    else this.copy(op, signalOf);
    if (p?.now) p.now();
  }

  /** Turns until the context is idle, running the actions planned per turn; false if it never is. */
  async drain() {
    for (let turn = 0; ctx.nreqs > 0; turn++) {
      for (const action of this.byTurn.get(turn) ?? []) action();
      if (turn > 2_000_000) return false;
      await nextTurn();
    }
    return true;
  }

  /**
   * A copy that completed is the source byte for byte with its mode; one that failed left nothing
   * (and no copy leaves a temporary file beside its destination).
   */
  checkCopies() {
    for (const c of this.copies) {
      const got = fileState(c.dst);
      const complete = sameFileState(got, c.f.state);
      if (c.err === null ? !complete : got !== null && !complete)
        note(stats.mismatches, `copy ${c.dst} ${c.err?.code}`);
    }
    const named = new Set(this.copies.map((c) => basename(c.dst)));
    for (const name of readdirSync(`${dir}/copies`))
      if (!named.has(name)) note(stats.mismatches, `left behind: ${name}`);
    rmSync(`${dir}/copies`, { recursive: true, force: true });
    mkdirSync(`${dir}/copies`);
  }

  /** Issues the wave (on a paused context when `paused`, resumed a turn later), drives it, checks it. */
  async run(paused) {
    const maxParallel = ctx.maxParallel;
    if (paused) ctx.maxParallel = 0;
    while (this.issued < this.budget && this.issued < kWave * 3) this.issueOne();
    if (paused) {
      await nextTurn();
      ctx.maxParallel = maxParallel;
    }
    if (!(await this.drain())) return { issued: this.issued, hung: true };
    this.checkCopies();
    return { issued: this.issued, hung: false };
  }
}

/** One wave of at most `budget` operations. */
function wave(budget, paused) {
  return new Wave(budget).run(paused);
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
