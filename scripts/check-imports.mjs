#!/usr/bin/env node
// Fails when the folders of packages/core/src import each other in a cycle, or when a module is
// part of a load-order cycle (value imports between files).
//
// The graph: every .ts file belongs to its folder (files directly in src/ are the folder "."),
// except src/index.ts, the package's entry, which is a node of its own ("entry"): it imports every
// folder and nothing imports it, so it cannot be on a cycle. An edge is a relative `import` or
// `export ... from`; it is type-only when the whole declaration is (`import type`, `export type`,
// or every name marked `type`). Type-only edges count like the others, except those listed in
// kTypeOnlyAllowances, each with its reason.
//
//   node scripts/check-imports.mjs              # check; prints the folder graph on failure
//   node scripts/check-imports.mjs --graph      # print the folder graph (edge kinds and files)
//   node scripts/check-imports.mjs --src DIR    # another source tree (the tests use small ones)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const kRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const kEntry = 'index.ts';

/**
 * Type-only folder edges that may close a cycle. A composite issues its steps on the context it is
 * given, and the context's type (every method) is derived from the registry, which lists the
 * composites: a loop of types only, erased from the built code, that no layering can remove while
 * composites call operations by name. A value import along one of these edges is still an error.
 */
const kTypeOnlyAllowances = [
  { from: 'composite', to: 'context', reason: 'the context type a composite runs on' },
];

/** Every .ts file under `src`, as paths relative to it. */
function sourceFiles(src) {
  return readdirSync(src, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts'))
    .map((d) => relative(src, join(d.parentPath, d.name)))
    .sort();
}

/** The folder node of a file (relative to src/). */
function folderOf(file) {
  if (file === kEntry) return 'entry';
  const dir = dirname(file);
  return dir === '.' ? '.' : dir;
}

/** The source file a relative specifier names (`./x.js` → `x.ts`, `./dir/index.js`), or null. */
function resolveSpecifier(fromFile, specifier, known) {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(fromFile), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (known.has(candidate)) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve '${specifier}'`);
}

/** True when an import or export declaration brings in types only. */
function isTypeOnly(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (clause === undefined) return false; // a side-effect import runs the module
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings)
      ? bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)
      : false;
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
}

/** The relative imports of one file: `{ from, to, typeOnly }` per declaration. */
function importsOf(src, file, known) {
  const text = readFileSync(join(src, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const edges = [];
  for (const node of source.statements) {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) continue;
    if (node.moduleSpecifier === undefined || !ts.isStringLiteral(node.moduleSpecifier)) continue;
    const to = resolveSpecifier(file, node.moduleSpecifier.text, known);
    if (to !== null) edges.push({ from: file, to, typeOnly: isTypeOnly(node) });
  }
  return edges;
}

/** Strongly connected components of size > 1 (Tarjan), each sorted: the cycles of a graph. */
function cycles(nodes, successors) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, index.size);
    low.set(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (const w of successors(v)) lowerFrom(v, w);
    if (low.get(v) === index.get(v)) found.push(popComponent(v));
  };
  const lowerFrom = (v, w) => {
    if (!index.has(w)) visit(w);
    if (onStack.has(w)) low.set(v, Math.min(low.get(v), low.get(w)));
  };
  const popComponent = (v) => {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    return component.sort();
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found.filter((c) => c.length > 1);
}

/** Folder edges: `from → to` with the files behind them and whether every import is type-only. */
function folderGraph(edges) {
  const graph = new Map();
  for (const { from, to, typeOnly } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    const key = `${a} → ${b}`;
    const edge = graph.get(key) ?? { from: a, to: b, typeOnly: true, files: new Set() };
    edge.typeOnly &&= typeOnly;
    edge.files.add(`${from} → ${to}${typeOnly ? ' (type)' : ''}`);
    graph.set(key, edge);
  }
  return [...graph.values()].sort((x, y) => `${x.from}${x.to}`.localeCompare(`${y.from}${y.to}`));
}

function allowed(edge) {
  return edge.typeOnly && kTypeOnlyAllowances.some((a) => a.from === edge.from && a.to === edge.to);
}

function printGraph(graph) {
  for (const edge of graph) {
    const kind = edge.typeOnly ? 'types only' : 'values';
    console.log(`${edge.from} → ${edge.to}  (${kind}${allowed(edge) ? ', allowed in a cycle' : ''})`);
    for (const f of edge.files) console.log(`    ${f}`);
  }
}

function successorsIn(edges) {
  const next = new Map();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  return (v) => next.get(v) ?? [];
}

/**
 * The import graph of a source tree and its cycles: `folderCycles` (folders, allowances left out)
 * and `fileCycles` (modules, value imports only), each a list of sorted node lists.
 */
export function importCycles(src) {
  const files = sourceFiles(src);
  const known = new Set(files);
  const edges = files.flatMap((file) => importsOf(src, file, known));
  const graph = folderGraph(edges);
  const counted = graph.filter((e) => !allowed(e));
  const folders = [...new Set(graph.flatMap((e) => [e.from, e.to]))];
  const folderCycles = cycles(folders, successorsIn(counted));
  const fileCycles = cycles(files, successorsIn(edges.filter((e) => !e.typeOnly)));
  return { files, graph, folderCycles, fileCycles };
}

function main(argv) {
  const srcFlag = argv.indexOf('--src');
  const src = resolve(kRoot, srcFlag < 0 ? 'packages/core/src' : (argv[srcFlag + 1] ?? ''));
  const { files, graph, folderCycles, fileCycles } = importCycles(src);
  if (argv.includes('--graph')) return printGraph(graph);
  for (const c of folderCycles) console.error(`check-imports: folders import each other: ${c.join(', ')}`);
  for (const c of fileCycles) console.error(`check-imports: modules load each other: ${c.join(', ')}`);
  if (folderCycles.length > 0 || fileCycles.length > 0) {
    printGraph(graph);
    process.exitCode = 1;
    return;
  }
  console.log(`check-imports: ${files.length} modules, ${graph.length} folder edges, no cycle`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
