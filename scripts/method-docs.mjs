#!/usr/bin/env node
// Keeps the JSDoc of the context's methods (packages/core/src/context/methods.ts) equal to the
// JSDoc of their descriptors in the catalogue (catalogue/*.ts, composite/index.ts), which is where
// an operation's behaviour is written down. A method's doc is its descriptor's description, then
// the method's own @typeParam/@param lines (names a user writes, not the descriptor's `_options`),
// then the descriptor's tags (@example, @see IO::AIO …); every overload carries the whole doc.
//
//   node scripts/method-docs.mjs           # check: lists stale or missing docs, exits 1 if any
//   node scripts/method-docs.mjs --write   # rewrites the stale docs in methods.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const kRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const kContext = join(kRoot, 'packages/core/src/context');
const kRegistry = join(kContext, 'registry.ts');
const kMethods = join(kContext, 'methods.ts');
/** Tags that stay with the method rather than the descriptor. */
const kOwnTags = /^@(param|typeParam)\b/;
/** A tag written on the same line as text, as one-line docs do (`/** Rejects… @see IO::AIO x *\/`). */
const kInlineTag = /\s(?=@(?:see|example|default|remarks|throws)\b)/;

/** The lines of a JSDoc comment, without its delimiters and leading stars. */
function docLines(text) {
  const body = text.replace(/^\/\*\*/, '').replace(/\*\/$/, '');
  const lines = body.split('\n').map((line) => line.replace(/^\s*(\* ?)?/, '').trimEnd());
  const split = lines.flatMap((line) => (line.startsWith('@') ? [line] : line.split(kInlineTag)));
  const kept = split.map((line) => (line.trim() === '' ? '' : line));
  while (kept.length > 0 && kept[0].trim() === '') kept.shift();
  while (kept.length > 0 && kept.at(-1).trim() === '') kept.pop();
  return kept;
}

/** Splits doc lines into the text before the first tag and the tag blocks (a tag and its lines). */
function splitTags(lines) {
  const first = lines.findIndex((line) => line.startsWith('@'));
  const description = first === -1 ? lines : lines.slice(0, first);
  const blocks = [];
  for (const line of first === -1 ? [] : lines.slice(first)) {
    if (line.startsWith('@')) blocks.push([line]);
    else blocks.at(-1).push(line);
  }
  return { description, blocks };
}

/** The last JSDoc comment attached to a node, or null. */
function lastDoc(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter((d) => d.kind === ts.SyntaxKind.JSDoc);
  return docs.at(-1) ?? null;
}

function loadProgram() {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(kRoot, 'node_modules/@types')],
  };
  return ts.createProgram([kRegistry, kMethods], options);
}

/** Each operation's descriptor doc, by name, read where the registry's entries are declared. */
function descriptorDocs(program) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(kRegistry);
  let registry = null;
  source.forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const d of node.declarationList.declarations) if (d.name.getText() === 'registry') registry = d;
  });
  if (registry === null) throw new Error(`no \`registry\` in ${relative(kRoot, kRegistry)}`);
  const docs = new Map();
  for (const property of checker.getTypeAtLocation(registry.name).getProperties()) {
    const declaration = property.declarations?.[0];
    const doc = declaration === undefined ? null : lastDoc(declaration);
    const where = declaration === undefined ? '?' : relative(kRoot, declaration.getSourceFile().fileName);
    docs.set(property.name, { lines: doc === null ? null : docLines(doc.getText()), where });
  }
  return docs;
}

/** The method signatures of the OperationMethods interface, in source order. */
function methodSignatures(program) {
  const source = program.getSourceFile(kMethods);
  let found = null;
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'OperationMethods') found = node;
  });
  if (found === null) throw new Error(`no OperationMethods interface in ${relative(kRoot, kMethods)}`);
  return { source, members: found.members.filter(ts.isMethodSignature) };
}

/** The doc a signature should carry: the descriptor's description and tags around its own params. */
function wantedLines(descriptor, ownLines) {
  const { description, blocks } = splitTags(descriptor);
  const own = splitTags(ownLines).blocks.filter((block) => kOwnTags.test(block[0]));
  const theirs = blocks.filter((block) => !kOwnTags.test(block[0]));
  return [...description, ...own.flat(), ...theirs.flat()];
}

function formatDoc(lines, indent) {
  const body = lines.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`));
  return `/**\n${body.join('\n')}\n${indent} */`;
}

/** The parameters a signature has that its doc has no @param for. */
function undocumentedParams(member, lines) {
  const documented = new Set(lines.map((line) => line.match(/^@param\s+(\w+)/)?.[1]).filter(Boolean));
  return member.parameters.map((p) => p.name.getText()).filter((name) => !documented.has(name));
}

/** Every change methods.ts needs, and every problem no rewrite can fix. */
function review(program) {
  const docs = descriptorDocs(program);
  const { source, members } = methodSignatures(program);
  const edits = [];
  const problems = [];
  for (const member of members) {
    const name = member.name.getText();
    const descriptor = docs.get(name);
    if (descriptor === undefined) continue; // test/types/methods.ts reports a method with no descriptor.
    if (descriptor.lines === null) {
      problems.push(`${name}: its descriptor in ${descriptor.where} has no JSDoc`);
      continue;
    }
    const doc = lastDoc(member);
    const current = doc === null ? [] : docLines(doc.getText());
    const wanted = wantedLines(descriptor.lines, current);
    const missing = undocumentedParams(member, wanted);
    if (missing.length > 0) problems.push(`${name}: no @param for ${missing.join(', ')} in methods.ts`);
    const indent = ' '.repeat(source.getLineAndCharacterOfPosition(member.getStart()).character);
    const text = formatDoc(wanted, indent);
    if (doc !== null && doc.getText() === text) continue;
    const start = doc === null ? member.getStart() : doc.getStart();
    const end = doc === null ? member.getStart() : doc.getEnd();
    edits.push({ name, start, end, text: doc === null ? `${text}\n${indent}` : text });
  }
  return { edits, problems };
}

function main() {
  const write = process.argv.includes('--write');
  const { edits, problems } = review(loadProgram());
  if (write && edits.length > 0) {
    let text = readFileSync(kMethods, 'utf8');
    for (const edit of [...edits].sort((a, b) => b.start - a.start))
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    writeFileSync(kMethods, text);
  }
  for (const problem of problems) console.error(problem);
  if (!write && edits.length > 0) {
    const names = [...new Set(edits.map((e) => e.name))].join(', ');
    console.error(`Stale method docs in methods.ts: ${names}. Run: node scripts/method-docs.mjs --write`);
  }
  if (write && edits.length > 0) console.log(`Rewrote ${edits.length} method docs.`);
  process.exitCode = problems.length > 0 || (!write && edits.length > 0) ? 1 : 0;
}

main();
