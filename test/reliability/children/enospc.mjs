// ENOSPC: `full` is a 1 MiB tmpfs mounted for this process alone. Copies
// and moves of files larger than the space must reject with ENOSPC, remove
// what they created and leave the source byte for byte as it was. Prints a
// summary.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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
  seededBytes,
  settle,
  tally,
} from './lib.mjs';

const { dir, full } = input;
const kBig = 3 * 1024 * 1024 + 12_345;
const kSmall = 64 * 1024;

mkdirSync(`${dir}/src`);
const sources = [];
for (let i = 0; i < 6; i++) {
  const path = `${dir}/src/big${i}`;
  writeFileSync(path, seededBytes(1000 + i, kBig), { mode: 0o640 });
  sources.push(path);
}
writeFileSync(`${dir}/src/small`, seededBytes(7, kSmall), { mode: 0o604 });
// A move must cross devices to reach the copy: from the disk onto the tmpfs.
const moveSources = [];
for (let i = 0; i < 3; i++) {
  const path = `${dir}/src/move${i}`;
  writeFileSync(path, seededBytes(2000 + i, kBig), { mode: 0o600 });
  moveSources.push(path);
}
const before = Object.fromEntries(
  [...sources, ...moveSources, `${dir}/src/small`].map((p) => [p, fileState(p)]),
);

/** A destination in the full file system. */
const destination = (name) => `${full}/${name}`;

const fullListing = () => readdirSync(full).sort();

const fdsAtStart = openFds();
const ctx = core.createAio();
const shapes = [];
const take = (err) => {
  if (err !== null) shapes.push(JSON.stringify(errorShape(err)));
  return outcomeName(err);
};

const single = {};
{
  const [err] = await outcome(ctx.copy(sources[0], destination('copy')));
  single.copy = take(err);
  single.afterCopy = fullListing();
}
{
  const [err] = await outcome(ctx.move(moveSources[0], destination('move')));
  single.move = take(err);
  single.afterMove = fullListing();
}

// The same with a busy queue: one execution slot and every request queued
// behind others, so each clean-up waits in the ready queue while the
// failure is delivered.
const busy = core.createAio({ maxParallel: 1 });
const results = [];
const grp = busy.group();
for (let i = 1; i < sources.length; i++) {
  grp.add(
    busy.copy(sources[i], destination(`copy${i}`), { callback: (err) => results.push(`copy:${take(err)}`) }),
  );
}
for (let i = 1; i < moveSources.length; i++) {
  grp.add(
    busy.move(moveSources[i], destination(`move${i}`), {
      callback: (err) => results.push(`move:${take(err)}`),
    }),
  );
}
let noise = 0;
const chain = () => {
  if (noise++ < 200) grp.add(busy.nop({ callback: chain }));
};
chain();
const [groupErr] = await outcome(grp);
const queued = { outcomes: tally(results), group: outcomeName(groupErr), afterAll: fullListing() };

// A plain write into the full file system: the request rejects with Node's ENOSPC.
const raw = {};
{
  const [oerr, fd] = await outcome(ctx.open(`${full}/raw`, 'w'));
  raw.open = outcomeName(oerr);
  const chunk = Buffer.alloc(256 * 1024, 1);
  let written = 0;
  let werr = null;
  while (werr === null && written < 4 * kBig) {
    const [err, n] = await outcome(ctx.write(fd, null, chunk.length, chunk));
    if (err === null) written += n;
    else werr = err;
  }
  raw.write = take(werr);
  raw.filledSome = written > 0;
  const [cerr] = await outcome(ctx.close(fd));
  raw.close = outcomeName(cerr);
  const [uerr] = await outcome(ctx.unlink(`${full}/raw`));
  raw.unlink = outcomeName(uerr);
}

// A copy that fits still works on the same file system afterwards.
const [smallErr] = await outcome(ctx.copy(`${dir}/src/small`, `${full}/small`));
const fits = {
  copy: outcomeName(smallErr),
  equal: sameFileState(fileState(`${full}/small`), before[`${dir}/src/small`]),
};

const settled = (await settle(ctx)) && (await settle(busy));
const changed = Object.entries(before)
  .filter(([path, state]) => !sameFileState(fileState(path), state))
  .map(([path]) => path);
report({
  single,
  queued,
  raw,
  fits,
  sourcesChanged: changed,
  settled,
  nreqs: ctx.nreqs + busy.nreqs,
  leaked: newFds(fdsAtStart),
  errorShapes: tally(shapes),
});
