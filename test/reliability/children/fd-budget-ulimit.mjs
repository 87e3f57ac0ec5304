// The descriptor budget under `ulimit -n 256`: a copytree of a 10,000-file tree, a walk of the same
// tree and 1,000 single opens (each closed once it arrives), all at once on three contexts that share
// the process default budget. Then, as a control, the 1,000 opens again on a context without a
// budget, where the limit does bite. Prints a summary.
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
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
  tally,
} from './lib.mjs';

const { dir, tops, subs, perDir, opens, backend } = input;
const src = join(dir, 'src');
const dst = join(dir, 'dst');

/** tops x subs directories of perDir files each (sizes 0..1499 bytes), and one symlink per directory. */
function makeTree() {
  let n = 0;
  for (let t = 0; t < tops; t++) {
    for (let s = 0; s < subs; s++) {
      const leaf = join(src, `t${t}`, `s${s}`);
      mkdirSync(leaf, { recursive: true });
      for (let f = 0; f < perDir; f++, n++) writeFileSync(join(leaf, `f${f}`), seededBytes(n, n % 1500));
      symlinkSync(`f0`, join(leaf, 'link'));
    }
  }
  return n;
}

/** Every entry under `root` as `path type mode size sha|target`, sorted: two trees compare as one value. */
function describeTree(root, rel = '') {
  const out = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    const full = join(root, path);
    const st = lstatSync(full);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) {
      out.push(`${path}/ dir ${mode}`);
      out.push(...describeTree(root, path));
    } else if (st.isSymbolicLink()) out.push(`${path} link -> ${readlinkSync(full)}`);
    else out.push(`${path} file ${mode} ${st.size} ${sha(full)}`);
  }
  return out;
}

/** `count` opens at once on `ctx`, each closed as it arrives; the outcome of every open and close. */
function openAndClose(ctx, paths, count) {
  const outcomes = [];
  const grp = ctx.group();
  for (let i = 0; i < count; i++) {
    grp.add(
      ctx.open(paths[i % paths.length], 'r', undefined, {
        callback: (err, fd) => {
          outcomes.push(`open ${outcomeName(err)}`);
          if (err !== null) return;
          grp.add(ctx.close(fd, { callback: (cerr) => outcomes.push(`close ${outcomeName(cerr)}`) }));
        },
      }),
    );
  }
  return outcome(grp).then(([err]) => ({ group: outcomeName(err), outcomes: tally(outcomes) }));
}

const files = makeTree();
const paths = [];
for (let t = 0; t < tops; t++) for (let f = 0; f < perDir; f++) paths.push(join(src, `t${t}`, 's0', `f${f}`));
const limit = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'))?.[1];
const fdsAtStart = openFds();

// Three contexts, none with maxOpenFds: they share the default budget the limit gives.
const copier = core.createAio({ backend });
const walker = core.createAio({ backend });
const opener = core.createAio({ backend });
const emfile = [];
const noteEmfile = (where) => (err) => err?.code === 'EMFILE' && emfile.push(where);
const [copied, walked, opened] = await Promise.all([
  outcome(copier.copytree(src, dst, { onError: noteEmfile('copytree entry') })),
  outcome(walker.walk(src, { onError: noteEmfile('walk dir') })),
  openAndClose(opener, paths, opens),
]);
const settled = [await settle(copier), await settle(walker), await settle(opener)];
const srcTree = describeTree(src);
const dstTree = describeTree(dst);
const budgeted = {
  backend: copier.backend,
  copytree: { outcome: outcomeName(copied[0]), result: copied[1] },
  walk: { outcome: outcomeName(walked[0]), result: walked[1] },
  opens: opened,
  emfile,
  treeEntries: srcTree.length,
  treesEqual: JSON.stringify(srcTree) === JSON.stringify(dstTree),
  differences: srcTree.filter((line, i) => dstTree[i] !== line).slice(0, 5),
  settled,
  nreqs: [copier.nreqs, walker.nreqs, opener.nreqs],
  leaked: newFds(fdsAtStart),
};

// Control: the same opens with no budget. Every close is queued behind the opens still waiting, so
// more than 256 descriptors are asked for at once and the limit refuses some.
const unbounded = core.createAio({ backend, maxOpenFds: Number.POSITIVE_INFINITY });
const control = await openAndClose(unbounded, paths, opens);
const controlSettled = await settle(unbounded);

report({
  limit,
  files,
  budgeted,
  control: { ...control, settled: controlSettled, nreqs: unbounded.nreqs, leaked: newFds(fdsAtStart) },
});
