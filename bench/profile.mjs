// CPU profiles of the ioaio contenders: runs each child once under
// `node --cpu-prof` and prints its top self-time functions as Markdown.
// usage: node bench/profile.mjs [--top N] [stat-cb|stat-await|pool-stat|nop-cb|prio-default|walk-tree|walk-usr|cli-flat|copytree-include|raw-stat-cb|fdir-tree|... ...]
// A name ending in -fs runs the same child with IOAIO_BACKEND=fs. The profile is the main thread's
// (JavaScript, the bindings it calls, GC); the native pool's worker threads are not sampled.
//        node bench/profile.mjs --summarise FILE.cpuprofile [--top N]
// Profiles go to bench/results/raw/prof/ (git-ignored).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir } from './lib/child.mjs';
import { markdownTable } from './lib/table.mjs';
import { ensureTrees } from './make-tree.mjs';

const kProfiles = {
  'stat-cb': (fx) => ['ioaio/stat.mjs', fx.paths, 'default', 'cb'],
  'stat-await': (fx) => ['ioaio/stat.mjs', fx.paths, 'default', 'await'],
  'stat-await-fs': (fx) => ['ioaio/stat.mjs', fx.paths, 'default', 'await'],
  'walk-tree': (fx) => ['ioaio/walk.mjs', fx.tree],
  'walk-tree-fs': (fx) => ['ioaio/walk.mjs', fx.tree],
  'walk-usr': () => ['ioaio/walk.mjs', '/usr'],
  'walk-flat': (fx) => ['ioaio/walk.mjs', fx.flatBig],
  'cli-flat': (fx) => ['../packages/core/dist/cli.js', '-q', fx.flatBig],
  'nop-cb': () => ['ioaio/nop.mjs', 1_000_000, 'cb', 'all'],
  'prio-default': (fx) => ['ioaio/prio.mjs', fx.readFile, fx.paths, 'default', 10],
  'copytree-include': (fx) => ['ioaio/copytree.mjs', '/usr/include', copyDst(fx), 'default', 'default'],
  'pool-stat': (fx) => ['ioaio/native-stat.mjs', fx.paths, 4, 'stats'],
  'scale-stat': (fx) => ['ioaio/scaling.mjs', 'stat', 1_000_000, fx.paths, 1],
  // The same work done by the peers, for comparison.
  'raw-stat-cb': (fx) => ['peers/stat-cb.mjs', fx.paths, 64],
  'fdir-tree': (fx) => ['peers/walk-fdir.mjs', fx.tree],
  'fdir-usr': () => ['peers/walk-fdir.mjs', '/usr'],
};
/** Where the copytree profile copies to; removed before and after each profile. */
const copyDst = (fx) => path.join(fx.base, 'profile-copytree-dst');

/** The environment of a profile: IOAIO_BACKEND=fs for the names ending in -fs. */
const envOf = (name) => (name.endsWith('-fs') ? { ...process.env, IOAIO_BACKEND: 'fs' } : process.env);

/** Where a call frame lives, shortened: the library, a bench script, Node itself, or a package. */
function place(url) {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  if (u.includes('/packages/core/dist/')) return `core:${path.basename(u)}`;
  if (u.includes('/node_modules/')) return u.slice(u.lastIndexOf('/node_modules/') + 14);
  if (u.startsWith('node:')) return u;
  if (u.includes('/bench/')) return `bench/${u.slice(u.lastIndexOf('/bench/') + 7)}`;
  return u;
}

/**
 * Self time per function (same name, file and line), in ms and as a share of
 * the busy time (idle excluded).
 * @param {string} file a .cpuprofile (Chrome DevTools JSON)
 * @param {number} top
 */
export function summarise(file, top) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const agg = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    total += us;
    if (f.functionName === '(idle)') idle += us;
    const key = `${f.functionName || '(anonymous)'}\t${place(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    agg.set(key, (agg.get(key) ?? 0) + us);
  }
  const busy = total - idle;
  const rows = [...agg]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => {
      const [fn, where] = k.split('\t');
      return [fn, where, (us / 1000).toFixed(1), `${((100 * us) / busy).toFixed(1)}%`];
    });
  // Shares by place: library, Node internals, GC, bench script.
  const byPlace = new Map();
  for (const [k, us] of agg) {
    const [fn, where] = k.split('\t');
    if (fn === '(idle)') continue;
    const group = fn.startsWith('(') ? fn : where.split(':')[0] || '(native)';
    byPlace.set(group, (byPlace.get(group) ?? 0) + us);
  }
  const places = [...byPlace]
    .sort((a, b) => b[1] - a[1])
    .map(([g, us]) => `${g} ${((100 * us) / busy).toFixed(1)}%`)
    .join(', ');
  return {
    header: `busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms; by place: ${places}`,
    table: markdownTable(['function', 'where', 'self ms', 'self % of busy'], rows),
  };
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '15' }, summarise: { type: 'string' } },
  allowPositionals: true,
});
const top = Number(values.top);
if (values.summarise) {
  const s = summarise(values.summarise, top);
  console.log(`${s.header}\n\n${s.table}`);
} else {
  const fx = ensureTrees({ log: (m) => console.error(m) });
  const outDir = path.join(benchDir, 'results', 'raw', 'prof');
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of positionals.length ? positionals : Object.keys(kProfiles)) {
    const make = kProfiles[name];
    if (!make) throw new Error(`unknown profile ${name}; known: ${Object.keys(kProfiles)}`);
    const [script, ...args] = make(fx);
    const file = path.join(outDir, `${name}.cpuprofile`);
    fs.rmSync(copyDst(fx), { recursive: true, force: true });
    const r = spawnSync(
      process.execPath,
      [
        '--cpu-prof',
        `--cpu-prof-dir=${outDir}`,
        `--cpu-prof-name=${name}.cpuprofile`,
        path.join(benchDir, script),
        ...args.map(String),
      ],
      { encoding: 'utf8', env: envOf(name) },
    );
    fs.rmSync(copyDst(fx), { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
    const s = summarise(file, top);
    console.log(
      `### ${name}\n\n\`node --cpu-prof bench/${script} ${args.join(' ')}\` → ${r.stdout.trim()}\n\n${s.header}\n\n${s.table}\n`,
    );
  }
}
