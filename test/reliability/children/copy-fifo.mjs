// A FIFO with no writer as the source of copy: eight copies at once, more
// than libuv has threads. Each must be refused at once (opened without
// blocking, then fstat'ed), and a node:fs call made meanwhile must still
// complete: no pool thread is held. A copy that blocked would hang this
// child until the test's hang guard kills it. Prints a summary.
import { execFileSync } from 'node:child_process';
import { promises as fsp, readdirSync } from 'node:fs';
import {
  core,
  errorShape,
  input,
  newFds,
  openFds,
  outcome,
  outcomeName,
  report,
  settle,
  tally,
} from './lib.mjs';

const { dir } = input;
const kCopies = 8;
const fifo = `${dir}/fifo`;
execFileSync('mkfifo', [fifo]);

const fdsAtStart = openFds();
const ctx = core.createAio({ maxParallel: kCopies });
const copies = [];
for (let i = 0; i < kCopies; i++) copies.push(outcome(ctx.copy(fifo, `${dir}/dst${i}`)));
// Issued behind the copies: it completes only if the copies leave libuv's threads free.
const stat = fsp.stat(dir).then(
  (st) => st.isDirectory(),
  (err) => outcomeName(err),
);
const settled = await Promise.all(copies);
const statDone = await stat;
await settle(ctx);

const first = settled[0][0];
report({
  outcomes: tally(settled.map(([err]) => outcomeName(err))),
  shape: { ...errorShape(first), path: first?.path },
  statDone,
  listing: readdirSync(dir).sort(),
  nreqs: ctx.nreqs,
  leaked: newFds(fdsAtStart),
});
