// EMFILE: run under `ulimit -n 64`. Thousands of opens through a group with
// a limit and without one, copies under descriptor pressure, and every
// descriptor-needing operation while the table is full. Prints a summary.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  core,
  errorShape,
  fileState,
  input,
  newFds,
  openFds,
  outcome,
  outcomeName,
  report,
  sameFileState,
  settle,
  tally,
} from './lib.mjs';

const { dir, files, copies } = input;
const names = [];
for (let i = 0; i < files; i++) {
  const path = `${dir}/f${i}`;
  writeFileSync(path, `file ${i}\n`);
  names.push(path);
}
mkdirSync(`${dir}/tree/a/b`, { recursive: true });
writeFileSync(`${dir}/tree/a/b/x`, 'x');
mkdirSync(`${dir}/copies`);

const fdsAtStart = openFds();
const shapes = [];

/**
 * This child is about what ioaio does when the kernel says EMFILE, so its contexts run without the
 * descriptor budget, which would otherwise keep them below the limit (fd-budget-ulimit.test.ts).
 */
const kNoBudget = { maxOpenFds: Number.POSITIVE_INFINITY };

/** open, read 4 bytes, close for every file, through one group (`limit` 0: all at once). */
async function openReadClose(limit) {
  const ctx = core.createAio(kNoBudget);
  const codes = [];
  const grp = ctx.group();
  let next = 0;
  const one = () =>
    ctx.open(names[next++], 'r', undefined, {
      callback: (err, fd) => {
        if (err !== null) {
          codes.push(outcomeName(err));
          shapes.push(JSON.stringify(errorShape(err)));
          return;
        }
        const buf = Buffer.alloc(4);
        grp.add(
          ctx.read(fd, 0, 4, buf, 0, {
            callback: (rerr) => {
              codes.push(rerr === null ? 'ok' : `read:${outcomeName(rerr)}`);
              grp.add(
                ctx.close(fd, { callback: (cerr) => cerr !== null && codes.push(`close:${cerr.code}`) }),
              );
            },
          }),
        );
      },
    });
  if (limit > 0) {
    grp.limit(limit).feed(() => {
      if (next < names.length) grp.add(one());
    });
  } else {
    while (next < names.length) grp.add(one());
  }
  const [err] = await outcome(grp);
  const settled = await settle(ctx);
  return {
    outcomes: tally(codes),
    group: outcomeName(err),
    settled,
    nreqs: ctx.nreqs,
    leaked: newFds(fdsAtStart),
  };
}

/**
 * `copies` copies at once: each either completes or rejects, and never leaves a partial file (nor a
 * temporary one beside its destination).
 */
async function copiesUnderPressure() {
  const ctx = core.createAio(kNoBudget);
  const grp = ctx.group();
  const results = [];
  for (let i = 0; i < copies; i++) {
    const src = names[i];
    const dst = `${dir}/copies/c${i}`;
    grp.add(
      ctx.copy(src, dst, {
        callback: (err) => results.push({ src, dst, err }),
      }),
    );
  }
  const [err] = await outcome(grp);
  const settled = await settle(ctx);
  const violations = [];
  for (const r of results) {
    const want = fileState(r.src);
    const got = fileState(r.dst);
    if (r.err === null ? !sameFileState(got, want) : got !== null) {
      violations.push({ dst: r.dst, err: outcomeName(r.err), got, want });
    }
  }
  const named = new Set(results.map((r) => basename(r.dst)));
  for (const name of readdirSync(`${dir}/copies`))
    if (!named.has(name)) violations.push({ leftBehind: name });
  return {
    outcomes: tally(results.map((r) => outcomeName(r.err))),
    group: outcomeName(err),
    violations,
    settled,
    nreqs: ctx.nreqs,
    leaked: newFds(fdsAtStart),
  };
}

/** Every descriptor-needing operation once, while the descriptor table is full (or not). */
async function eachOperation(ctx, tag) {
  const src = names[1];
  const out = {};
  const run = async (name, make) => {
    const [err] = await outcome(make());
    out[name] = outcomeName(err);
    if (err !== null) shapes.push(JSON.stringify(errorShape(err)));
  };
  await run('open', () =>
    ctx.open(src, 'r', undefined, {
      callback: (err, fd) => err === null && ctx.close(fd),
    }),
  );
  await run('readdir', () => ctx.readdir(`${dir}/tree`));
  await run('readdirx', () => ctx.readdirx(`${dir}/tree`, core.READDIR_DENTS));
  await run('scandir', () => ctx.scandir(`${dir}/tree`));
  await run('walk', () => ctx.walk(`${dir}/tree`));
  await run('load', () => ctx.load(src));
  await run('slurp', () => ctx.slurp(src, 0, 4));
  await run('copy', () => ctx.copy(src, `${dir}/copies/${tag}`));
  out.copyDestination = fileState(`${dir}/copies/${tag}`) === null ? 'absent' : 'present';
  await run('pathsync', () => ctx.pathsync(dir));
  await run('rmtree', () => ctx.rmtree(`${dir}/tree/a`));
  out.treeAfterRmtree = existsSync(`${dir}/tree/a/b/x`) ? 'intact' : 'removed';
  await run('stat', () => ctx.stat(src));
  await run('lstat', () => ctx.lstat(src));
  await run('nop', () => ctx.nop());
  return out;
}

async function exhausted() {
  const ctx = core.createAio(kNoBudget);
  const held = [];
  let exhaustion = null;
  while (exhaustion === null) {
    const [err, fd] = await outcome(ctx.open(names[0], 'r'));
    if (err === null) held.push(fd);
    else exhaustion = outcomeName(err);
  }
  const full = await eachOperation(ctx, 'while-full');
  let closed = 0;
  for (const fd of held) {
    const [err] = await outcome(ctx.close(fd));
    if (err === null) closed++;
  }
  const freed = await eachOperation(ctx, 'after-release');
  const settled = await settle(ctx);
  return {
    exhaustion,
    heldAll: held.length === closed,
    full,
    freed,
    settled,
    nreqs: ctx.nreqs,
    leaked: newFds(fdsAtStart),
  };
}

const limited = await openReadClose(16);
const unlimited = await openReadClose(0);
const pressure = await copiesUnderPressure();
const table = await exhausted();
report({
  fdsAtStart: Object.keys(fdsAtStart).length,
  limited,
  unlimited,
  pressure,
  exhausted: table,
  errorShapes: tally(shapes),
});
