// Runs in a private mount namespace where `b` is a bind mount of `a`: one
// directory under two mount points, so rename(2) between them fails with
// EXDEV although both names are one file. move and copy must see that src
// and dst are the same file (device and inode) and refuse, touching
// neither; a move to a new name still goes through the copy. Prints a summary.
import { readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import {
  core,
  input,
  newFds,
  openFds,
  outcome,
  outcomeName,
  report,
  seededBytes,
  settle,
  sha,
} from './lib.mjs';

const { a, b } = input;
const data = seededBytes(0xb1d, 200_000);
writeFileSync(`${a}/f`, data);
writeFileSync(`${a}/g`, data);
writeFileSync(`${a}/probe`, 'probe');
symlinkSync(`${a}/f`, `${a}/link`);
const bytes = sha(`${a}/f`);

/** The premise: a rename from one mount point to the other is refused. */
function renameAcross() {
  try {
    renameSync(`${a}/probe`, `${b}/probe2`);
    return 'renamed';
  } catch (err) {
    return err.code;
  }
}

const fdsAtStart = openFds();
const ctx = core.createAio();
const run = async (req) => {
  const [err] = await outcome(req);
  return err === null ? 'ok' : { code: outcomeName(err), path: err.path, dest: err.dest };
};
const premise = renameAcross();
const sameName = await run(ctx.move(`${a}/f`, `${b}/f`));
const copySameName = await run(ctx.copy(`${a}/f`, `${b}/f`));
const linkToSource = await run(ctx.move(`${a}/f`, `${b}/link`));
const newName = await run(ctx.move(`${a}/g`, `${b}/h`));
await settle(ctx);

report({
  premise,
  sameName,
  copySameName,
  linkToSource,
  newName,
  // f and the link to it survive every refused call; h is g's bytes, moved through the copy.
  sourceIntact: sha(`${a}/f`) === bytes,
  movedIntact: sha(`${a}/h`) === bytes,
  listing: readdirSync(a).sort(),
  leaked: newFds(fdsAtStart),
});
