#!/usr/bin/env node
// Fails when a function in packages/*/src is longer than 60 lines or nests blocks deeper than three
// levels, the shape STYLE.md asks for ("code reads as named steps").
//
// What is counted, per function (declaration, expression, arrow, method, accessor, constructor,
// class static block):
// - length: lines from the line the function starts on to the line it ends on, both included
//   (its JSDoc is not counted);
// - depth: the most braces-delimited blocks open at any point inside its body, the body itself not
//   counted. A block is the body of if/else, for, while, do, try/catch/finally, a bare `{ }`, the
//   cases of a switch (one level for all of them), and the body of a nested function or callback:
//   a callback in a loop in an if is three levels. `else if` stays at its `if`'s level; object
//   literals, concise arrow bodies (`(x) => x + 1`) and ternaries open no block.
// A function may be exempted by a `// shape: <reason>` comment among the comments right before it
// (or before the declaration that holds it: `const f = () => { ... }`, a class member).
//
//   node scripts/check-shape.mjs             # check every package
//   node scripts/check-shape.mjs <file...>   # check some files
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const kRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const kMaxLines = 60;
const kMaxDepth = 3;
const kException = /^\/\/\s*shape:\s*\S/;

/** Every .ts file of every package's src/, relative to the repository root. */
function packageSources() {
  const packages = join(kRoot, 'packages');
  return readdirSync(packages).flatMap((name) => {
    const src = join(packages, name, 'src');
    let entries;
    try {
      entries = readdirSync(src, { withFileTypes: true, recursive: true });
    } catch {
      return [];
    }
    return entries
      .filter((d) => d.isFile() && /\.(ts|mts|cts)$/.test(d.name) && !d.name.endsWith('.d.ts'))
      .map((d) => relative(kRoot, join(d.parentPath, d.name)));
  });
}

function isFunctionLike(node) {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isClassStaticBlockDeclaration(node)) &&
    node.body !== undefined
  );
}

/** True when `node` opens a level: a braces block (not a function's own body) or a switch's cases. */
function opensLevel(node) {
  if (ts.isCaseBlock(node)) return true;
  if (!ts.isBlock(node)) return false;
  const parent = node.parent;
  // `else { }` and `if { }` bodies are blocks of the if; `else if` is an IfStatement, not a block.
  return !isFunctionLike(parent) || parent.body !== node;
}

/** The deepest level of blocks inside `fn`'s body; a nested function's body counts as one level. */
function depthOf(fn) {
  let deepest = 0;
  const visit = (node, level) => {
    const nestedBody = isFunctionLike(node) && ts.isBlock(node.body);
    const here = opensLevel(node) || nestedBody ? level + 1 : level;
    deepest = Math.max(deepest, here);
    ts.forEachChild(node, (child) => visit(child, here));
  };
  ts.forEachChild(fn.body, (child) => visit(child, 0));
  return deepest;
}

/** A name to report: the function's own, or the variable, property or member that holds it. */
function nameOf(node) {
  if (ts.isClassStaticBlockDeclaration(node)) return 'static { }';
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name !== undefined) return node.name.getText();
  const holder = node.parent;
  if (
    holder &&
    (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder))
  ) {
    return holder.name.getText();
  }
  return '<anonymous>';
}

/** The nodes whose leading comments may carry the exception: the function and what declares it. */
function declarationChain(node) {
  const chain = [node];
  let current = node.parent;
  while (current && !ts.isSourceFile(current) && !ts.isBlock(current) && !ts.isClassLike(current)) {
    chain.push(current);
    if (ts.isStatement(current) || ts.isClassElement(current) || ts.isPropertyAssignment(current)) break;
    current = current.parent;
  }
  return chain;
}

function isExempt(node, text) {
  return declarationChain(node).some((n) =>
    (ts.getLeadingCommentRanges(text, n.getFullStart()) ?? []).some((c) =>
      kException.test(text.slice(c.pos, c.end)),
    ),
  );
}

/** The violations of one file, as printable lines. */
function checkFile(file) {
  const text = readFileSync(resolve(kRoot, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (isFunctionLike(node) && !isExempt(node, text)) found.push(...violationsOf(node, source, file));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function violationsOf(fn, source, file) {
  const start = source.getLineAndCharacterOfPosition(fn.getStart(source)).line + 1;
  const end = source.getLineAndCharacterOfPosition(fn.getEnd()).line + 1;
  const lines = end - start + 1;
  const depth = depthOf(fn);
  const where = `${file}:${start} ${nameOf(fn)}`;
  const found = [];
  if (lines > kMaxLines) found.push(`${where}: ${lines} lines (at most ${kMaxLines})`);
  if (depth > kMaxDepth) found.push(`${where}: blocks ${depth} deep (at most ${kMaxDepth})`);
  return found;
}

/** The violations of `files` (paths absolute or relative to the repository root), as printable lines. */
export function shapeViolations(files) {
  return files.flatMap(checkFile);
}

function main(argv) {
  const files = argv.length > 0 ? argv : packageSources();
  const violations = shapeViolations(files);
  for (const v of violations) console.error(`check-shape: ${v}`);
  if (violations.length > 0) {
    process.exitCode = 1;
    return;
  }
  console.log(
    `check-shape: ${files.length} files, every function within ${kMaxLines} lines and ${kMaxDepth} levels`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
