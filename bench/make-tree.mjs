// Deterministic benchmark fixtures: a nested tree, a flat directory, a list of
// paths to stat and a small file to read. Reused while the marker matches.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Fixture shape; bump `version` whenever the generator's output changes. */
const kParams = Object.freeze({
  version: 1,
  seed: 0x10a10,
  treeDirs: 10_000,
  treeFiles: 188_000,
  treeFileLinks: 2_000, // ~1% of the tree's entries
  treeDirLinks: 100, // never followed by the walkers
  flatFiles: 100_000,
  statPaths: 100_000,
  readFileBytes: 64 * 1024,
});
const kMarkerName = '.fixture.json';
/** The big flat directory (the 200,000 files): its own marker, so adding it keeps the rest. */
const kBigFlat = Object.freeze({ version: 1, seed: 0x20a20, files: 200_000, dir: 'flat200k' });
const kBigFlatMarker = '.flat200k.json';

/**
 * Small seeded PRNG (SplitMix32): same seed, same fixture, on every machine.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

/** @param {() => number} rnd @param {number} n */
const pick = (rnd, n) => Math.floor(rnd() * n);

/** A file-name tail of 0-11 random letters, so names vary in length. */
function tail(rnd) {
  let s = '';
  for (let i = pick(rnd, 12); i > 0; i--) s += String.fromCharCode(97 + pick(rnd, 26));
  return s;
}

/** Builds tree/ and returns the regular files it made, in creation order. */
function makeTree(root, p, rnd) {
  const dirs = [root];
  fs.mkdirSync(root);
  for (let i = 1; i <= p.treeDirs; i++) {
    // Parent uniform among earlier dirs: a random recursive tree, depth ~ln(n).
    const dir = path.join(dirs[pick(rnd, i)], `d${i.toString(36)}${tail(rnd)}`);
    fs.mkdirSync(dir);
    dirs.push(dir);
  }
  const files = [];
  for (let i = 0; i < p.treeFiles; i++) {
    const file = path.join(dirs[pick(rnd, dirs.length)], `f${i.toString(36)}-${tail(rnd)}.txt`);
    fs.writeFileSync(file, '');
    files.push(file);
  }
  for (let i = 0; i < p.treeFileLinks; i++) {
    const link = path.join(dirs[pick(rnd, dirs.length)], `lf${i.toString(36)}`);
    fs.symlinkSync(files[pick(rnd, files.length)], link);
  }
  for (let i = 0; i < p.treeDirLinks; i++) {
    const link = path.join(dirs[pick(rnd, dirs.length)], `ld${i.toString(36)}`);
    fs.symlinkSync(dirs[pick(rnd, dirs.length)], link);
  }
  return files;
}

function makeFlat(root, p, rnd) {
  fs.mkdirSync(root);
  for (let i = 0; i < p.flatFiles; i++) {
    fs.writeFileSync(path.join(root, `f${i.toString(36)}-${tail(rnd)}`), '');
  }
}

/**
 * Makes `base/flat200k` (200,000 empty files, seeded names) unless its marker says it is there.
 * @param {string} base
 * @param {(msg: string) => void} log
 * @returns {string} the directory
 */
function ensureBigFlat(base, log) {
  const dir = path.join(base, kBigFlat.dir);
  const marker = path.join(base, kBigFlatMarker);
  const want = JSON.stringify(kBigFlat);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) return dir;
  const t0 = performance.now();
  log(`generating ${dir} ...`);
  fs.rmSync(marker, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  makeFlat(dir, { flatFiles: kBigFlat.files }, prng(kBigFlat.seed));
  fs.writeFileSync(marker, want); // last: a partial directory never looks complete
  log(`${dir} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

/** Fisher-Yates over a copy; returns the first `n`. */
function sample(rnd, items, n) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = pick(rnd, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/**
 * Makes the fixtures under `$IOAIO_BENCH_DIR` (default `/tmp/ioaio-bench`),
 * or reuses them when the marker there records the same parameters.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {{ base: string, tree: string, flat: string, flatBig: string, paths: string, readFile: string,
 *   counts: { treeDirs: number, treeNondirs: number, flatNondirs: number, flatBigNondirs: number } }}
 *   counts exclude the root directories; symlinks (to files or dirs) are non-dirs.
 */
export function ensureTrees({ log = () => {} } = {}) {
  const base = path.resolve(process.env.IOAIO_BENCH_DIR || path.join(os.tmpdir(), 'ioaio-bench'));
  const out = {
    base,
    tree: path.join(base, 'tree'),
    flat: path.join(base, 'flat'),
    flatBig: path.join(base, kBigFlat.dir),
    paths: path.join(base, 'paths.txt'),
    readFile: path.join(base, 'read.bin'),
    counts: {
      treeDirs: kParams.treeDirs,
      treeNondirs: kParams.treeFiles + kParams.treeFileLinks + kParams.treeDirLinks,
      flatNondirs: kParams.flatFiles,
      flatBigNondirs: kBigFlat.files,
    },
  };
  const marker = path.join(base, kMarkerName);
  const want = JSON.stringify(kParams);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) {
    ensureBigFlat(base, log);
    return out;
  }

  const t0 = performance.now();
  log(`generating fixtures in ${base} ...`);
  fs.mkdirSync(base, { recursive: true });
  // Only our own names are removed, never the whole (user-chosen) directory.
  for (const p of [marker, out.tree, out.flat, out.paths, out.readFile]) {
    fs.rmSync(p, { recursive: true, force: true });
  }
  const rnd = prng(kParams.seed);
  const files = makeTree(out.tree, kParams, rnd);
  makeFlat(out.flat, kParams, rnd);
  fs.writeFileSync(out.paths, `${sample(rnd, files, kParams.statPaths).join('\n')}\n`);
  const bytes = Buffer.alloc(kParams.readFileBytes);
  for (let i = 0; i < bytes.length; i++) bytes[i] = pick(rnd, 256);
  fs.writeFileSync(out.readFile, bytes);
  fs.writeFileSync(marker, want); // last: a partial fixture never looks complete
  ensureBigFlat(base, log);
  log(`fixtures ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(ensureTrees({ log: (m) => console.error(m) }), null, 2));
}
