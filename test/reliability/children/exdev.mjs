// EXDEV: moves from /dev/shm (tmpfs) to a directory on disk fall back to
// copy + unlink. Each move is cancelled at a chosen point: at every step of
// the move's own request sequence (synchronously, on the next microtask, on
// the next turn; by cancel() and by an AbortSignal; with an idle and a busy
// queue), then at seeded random points (after k event-loop turns, inside
// the k-th callback of a chain of other requests). Afterwards the source is
// intact, or the destination is complete and the source gone; a partial
// destination or a temporary file of the copy is never left. Prints a summary.
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import {
  core,
  fileState,
  input,
  newFds,
  nextTurn,
  openFds,
  outcome,
  outcomeName,
  report,
  seededBytes,
  seededRandom,
  settle,
  tally,
} from './lib.mjs';

const { shm, disk, seed, randomIterations, maxBatch } = input;
const random = seededRandom(seed);
const kSizes = [0, 1, 4096, 65_536, 65_537, 200_000];
const kModes = [0o644, 0o600, 0o750, 0o640];
const kPreciseSize = 150_000;

let serial = 0;
function makeMove(size, mode) {
  const id = serial++;
  const src = `${shm}/s${id}`;
  const dst = `${disk}/d${id}`;
  writeFileSync(src, seededBytes(seed + id, size));
  chmodSync(src, mode);
  return { id, src, dst, want: fileState(src), result: null, plan: 'none' };
}

const same = (a, b) => a !== null && b !== null && a.sha === b.sha && a.mode === b.mode && a.size === b.size;

/** Where a move left things: the only acceptable answers are source-only, both and moved. */
function classify(m) {
  const s = fileState(m.src);
  const d = fileState(m.dst);
  const srcIntact = same(s, m.want);
  const dstComplete = same(d, m.want);
  let state = 'violation';
  if (srcIntact && d === null) state = 'source-only';
  else if (srcIntact && dstComplete) state = 'both';
  else if (s === null && dstComplete) state = 'moved';
  // A move that resolved must have moved; one that failed otherwise than by cancellation kept the source.
  if (m.result === 'ok' && state !== 'moved') state = 'violation';
  if (m.result !== 'ok' && m.result !== 'ABORT_ERR' && !srcIntact) state = 'violation';
  return { state, src: s, dst: d };
}

/** Wraps every operation of `ctx` (an own property shadows the prototype's) to see the requests a composite makes. */
function instrument(ctx, onCall) {
  for (const name of Object.keys(core.operations)) {
    const method = core.AioContext.prototype[name];
    ctx[name] = function (...args) {
      const req = method.apply(this, args);
      onCall(name, req);
      return req;
    };
  }
}

/** A chain of nops, each issued in the callback of the one before: queue pressure and callback sites. */
function noiseChain(ctx, length, onCallback) {
  let n = 0;
  const next = () => {
    if (n >= length) return;
    const index = n++;
    ctx.nop({
      callback: () => {
        onCallback(index);
        next();
      },
    });
  };
  next();
}

const violations = [];
function record(m, phase, bucket) {
  const c = classify(m);
  bucket.push(c.state);
  if (c.state === 'violation' && violations.length < 10) {
    violations.push({
      phase,
      id: m.id,
      plan: m.plan,
      result: m.result,
      want: m.want,
      src: c.src,
      dst: c.dst,
    });
  }
}

const fdsAtStart = openFds();

// 1. The request sequence of one uncancelled move across devices.
const sequence = [];
{
  const ctx = core.createAio();
  instrument(ctx, (name) => sequence.push(name));
  const m = makeMove(kPreciseSize, 0o640);
  m.result = outcomeName((await outcome(ctx.move(m.src, m.dst)))[0]);
  const bucket = [];
  record(m, 'baseline', bucket);
  if (bucket[0] !== 'moved') throw new Error(`baseline move did not move: ${JSON.stringify(m)}`);
}

// 2. Cancel at each step of that sequence.
const precise = { iterations: 0, reached: 0, statesAtCancel: [], outcomes: [] };
for (let step = 0; step < sequence.length; step++) {
  for (const timing of ['sync', 'microtask', 'turn']) {
    for (const pressure of ['idle', 'busy']) {
      for (const how of ['cancel', 'signal']) {
        precise.iterations++;
        const ctx = core.createAio({ maxParallel: pressure === 'busy' ? 1 : 32 });
        const m = makeMove(kPreciseSize, kModes[step % kModes.length]);
        m.plan = `${sequence[step]}#${step}/${timing}/${pressure}/${how}`;
        const controller = new AbortController();
        let calls = 0;
        let move = null;
        const stop = (req, target) => {
          precise.statesAtCancel.push(req.state);
          if (how === 'cancel') target.cancel(new Error('stop'));
          else controller.abort(new Error('stop'));
        };
        instrument(ctx, (name, req) => {
          // Hooks run once a request is made (post-order, as in the baseline); the noise is not the move's.
          if (name === 'nop' || calls++ !== step) return;
          // The hook of the move itself sees its group before move() returned it.
          const target = name === 'move' ? req : move;
          // Cancelling inside the move() call, before its first request is added, is its own test (exdev.test.ts).
          if (target === null && timing === 'sync') return;
          precise.reached++;
          if (timing === 'sync') stop(req, target);
          else if (timing === 'microtask') queueMicrotask(() => stop(req, move));
          else setImmediate(() => stop(req, move));
        });
        if (pressure === 'busy') noiseChain(ctx, 100, () => {});
        move = ctx.move(m.src, m.dst, { signal: controller.signal });
        m.result = outcomeName((await outcome(move))[0]);
        if (!(await settle(ctx))) throw new Error(`move did not settle: ${m.plan}`);
        record(m, 'precise', precise.outcomes);
      }
    }
  }
}

// 3. Seeded random cancel points, several moves at once.
const rand = { iterations: randomIterations, moves: 0, plans: [], outcomes: [] };
for (let it = 0; it < randomIterations; it++) {
  const ctx = core.createAio({ maxParallel: random.pick([1, 2, 4, 32]) });
  const batch = 1 + random.int(maxBatch);
  const byTurn = new Map();
  const byCallback = new Map();
  const at = (map, key, action) => map.set(key, [...(map.get(key) ?? []), action]);
  const moves = [];
  noiseChain(ctx, 80, (index) => {
    for (const action of byCallback.get(index) ?? []) action();
  });
  for (let i = 0; i < batch; i++) {
    const m = makeMove(random.pick(kSizes), random.pick(kModes));
    const controller = new AbortController();
    const req = ctx.move(m.src, m.dst, { signal: controller.signal });
    const kind = random.pick(['none', 'sync', 'turns', 'callback', 'signal-turns', 'signal-callback']);
    const stop = kind.startsWith('signal') ? () => controller.abort('stop') : () => req.cancel('stop');
    const k = random.int(60);
    m.plan = kind;
    if (kind === 'sync') stop();
    else if (kind.endsWith('turns')) at(byTurn, k, stop);
    else if (kind.endsWith('callback')) at(byCallback, k, stop);
    rand.plans.push(kind);
    moves.push([m, outcome(req)]);
  }
  rand.moves += batch;
  for (let turn = 0; ctx.nreqs > 0; turn++) {
    for (const action of byTurn.get(turn) ?? []) action();
    if (turn > 1_000_000) throw new Error('random iteration did not settle');
    await nextTurn();
  }
  for (const [m, settled] of moves) {
    m.result = outcomeName((await settled)[0]);
    record(m, `random#${it}`, rand.outcomes);
  }
}

report({
  sequence,
  precise: {
    iterations: precise.iterations,
    reached: precise.reached,
    statesAtCancel: tally(precise.statesAtCancel),
    outcomes: tally(precise.outcomes),
  },
  random: {
    iterations: rand.iterations,
    moves: rand.moves,
    plans: tally(rand.plans),
    outcomes: tally(rand.outcomes),
  },
  violations,
  leaked: newFds(fdsAtStart),
  // The copy's temporary files (`.<name>.<random>.ioaio-tmp`) left beside the destinations: none.
  temporaries: readdirSync(disk).filter((name) => name.endsWith('.ioaio-tmp')),
});
