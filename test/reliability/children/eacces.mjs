// EACCES: run as uid/gid 65534 (setpriv) over a tree the test made, with an
// unreadable directory, a directory whose entries cannot be removed and
// symlinks that lead out of the tree. Prints what each request settled with.
import { core, errorShape, input, newFds, openFds, outcome, report, settle } from './lib.mjs';

const { tree } = input;
const ctx = core.createAio();
const fdsAtStart = openFds();
const rel = (path) =>
  typeof path === 'string' && path.startsWith(`${tree}/`) ? path.slice(tree.length + 1) : path;
const shape = (err) => (err === null ? null : { ...errorShape(err), path: rel(err.path) });
const sorted = (listing) => ({ dirs: [...listing.dirs].sort(), nondirs: [...listing.nondirs].sort() });

const out = { uid: process.getuid(), gid: process.getgid() };
{
  const [err] = await outcome(ctx.scandir(`${tree}/locked`));
  out.scandirLocked = shape(err);
}
{
  const [err, value] = await outcome(ctx.scandir(tree));
  out.scandirTree = err === null ? sorted(value) : shape(err);
}
{
  const [err, value] = await outcome(ctx.readdir(`${tree}/locked`));
  out.readdirLocked = err === null ? value : shape(err);
}
{
  const [err] = await outcome(ctx.walk(tree));
  out.walkWithoutOnError = shape(err);
}
{
  const errors = [];
  const entries = [];
  const [err, counts] = await outcome(
    ctx.walk(tree, {
      onEntries: (_dir, list) => entries.push(...list.map((e) => `${e.type} ${rel(e.path)}`)),
      onError: (e) => errors.push(shape(e)),
    }),
  );
  out.walkWithOnError = { result: err === null ? counts : shape(err), errors, entries: entries.sort() };
}
{
  const [err] = await outcome(ctx.rmtree(tree));
  out.rmtree = shape(err);
}
out.settled = await settle(ctx);
out.nreqs = ctx.nreqs;
out.leaked = newFds(fdsAtStart);
report(out);
