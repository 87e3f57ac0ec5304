// The README's TypeScript examples, and the @example of every context method as an editor shows
// it, compile under `strict` as written, against the built declarations a user's editor reads
// (packages/*/dist, resolved through the packages' `exports`). Each example becomes one module; a
// preamble supplies the imports and the values the examples take as given (`files`, `fd`, `buf`…),
// minus whatever the example imports or declares itself.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const kRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Imports an example may use without writing them: `[module, name]`, a type import as `type Name`. */
const kImports: [string, string][] = [
  ['@ioaio/core', 'aio'],
  ['@ioaio/core', 'createAio'],
  ['@ioaio/core', 'AbortError'],
  ['@ioaio/core', 'DirStream'],
  ['@ioaio/core', 'operations'],
  ['@ioaio/core', 'READDIR_DENTS'],
  ['@ioaio/core', 'READDIR_DIRS_FIRST'],
  ['@ioaio/core', 'type StatOptions'],
  ['@ioaio/core', 'type DirEntry'],
  ['@ioaio/rx', 'createRx'],
  ['@ioaio/rx', 'treescan'],
  ['@ioaio/rx', 'treescanIterator'],
  ['rxjs', 'count'],
  ['rxjs', 'filter'],
  ['rxjs', 'map'],
  ['node:path', 'basename'],
  ['node:path', 'join'],
];

/** The values the examples take as given. */
const kGiven: [string, string][] = [
  ['path', 'string'],
  ['file', 'string'],
  ['files', 'string[]'],
  ['hugeList', 'string[]'],
  ['dir', 'string'],
  ['dst', 'string'],
  ['fd', 'number'],
  ['buf', 'Buffer'],
];

interface Block {
  /** The module's file name in the scratch project, which says where the example comes from. */
  file: string;
  code: string;
  /** Imports it may use without writing them: `[module, name]`. */
  imports: [string, string][];
  /** The values it takes as given. */
  given: [string, string][];
}

/** The values the method examples take as given (descriptors and paths as the docs name them). */
const kMethodGiven: [string, string][] = [
  ['path', 'string'],
  ['dir', 'string'],
  ['a', 'string'],
  ['b', 'string'],
  ['fd', 'number'],
  ['src', 'number'],
  ['dst', 'number'],
  ['srcFd', 'number'],
  ['dstFd', 'number'],
  ['fileFd', 'number'],
  ['pipeWriteFd', 'number'],
  ['pipeA', 'number'],
  ['pipeB', 'number'],
  ['size', 'number'],
  ['buf', 'Buffer'],
  ['bytes', 'Uint8Array'],
  ['map', 'ArrayBuffer'],
];

/** The ```ts blocks of a Markdown text, dedented (a block inside a list item is indented). */
function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i] as string);
    if (open === null) continue;
    const indent = (open[1] as string).length;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    const body = lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.search(/\S|$/))));
    blocks.push({ file: `readme-line-${i + 1}.ts`, code: body.join('\n'), imports: kImports, given: kGiven });
    i = end;
  }
  return blocks;
}

/** The names `@ioaio/core`'s declarations export, so a method example may use any of them. */
function coreExports(dts: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of dts.statements) {
    const clause = ts.isExportDeclaration(statement) ? statement.exportClause : undefined;
    if (clause && ts.isNamedExports(clause)) for (const e of clause.elements) names.push(e.name.text);
  }
  return names;
}

/** The @example of each method of `OperationMethods` in the emitted declarations, once per method. */
function methodExamples(dts: ts.SourceFile): Block[] {
  const blocks = new Map<string, Block>();
  dts.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'OperationMethods') return;
    for (const member of node.members.filter(ts.isMethodSignature)) {
      const name = member.name.getText();
      const examples = ts.getJSDocTags(member).filter((t) => t.tagName.text === 'example');
      examples.forEach((tag, i) => {
        const code = ts.getTextOfJSDocComment(tag.comment) ?? '';
        blocks.set(`${name}-${i}`, {
          file: `method-${name}-${i}.ts`,
          code,
          imports: [],
          given: kMethodGiven,
        });
      });
    }
  });
  return [...blocks.values()];
}

/** Names a block binds at its top level (imports, variables, functions, classes). */
function boundNames(code: string): Set<string> {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The preamble for one block: the imports and given values it does not bind itself. */
function preamble(block: Block): string {
  const { code } = block;
  const bound = new Set([...boundNames(code), ...block.given.map(([name]) => name)]);
  const byModule = new Map<string, string[]>();
  for (const [module, name] of [...block.imports, ...coreImports(code)]) {
    if (byModule.get(module)?.includes(name)) continue;
    if (bound.has(name.replace(/^type /, ''))) continue;
    byModule.set(module, [...(byModule.get(module) ?? []), name]);
  }
  const imports = [...byModule].map(([module, names]) => `import { ${names.join(', ')} } from '${module}';`);
  const fs = /\bfs\./.test(code) && !bound.has('fs') ? ["import * as fs from 'node:fs';"] : [];
  const own = boundNames(code);
  const given = block.given
    .filter(([name]) => !own.has(name))
    .map(([name, type]) => `declare const ${name}: ${type};`);
  return [...imports, ...fs, ...given, ''].join('\n');
}

/** `@ioaio/core` exports an example names (`mmap`, `MS_SYNC`…), to import for it. */
function coreImports(code: string): [string, string][] {
  const words = new Set(code.match(/\b[A-Za-z_]\w*\b/g) ?? []);
  return kCoreExports.filter((name) => words.has(name)).map((name) => ['@ioaio/core', name]);
}

/** A scratch project that resolves the packages as an installed app would, through node_modules. */
function scratchProject(dir: string, blocks: Block[]): void {
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@ioaio'), { recursive: true });
  mkdirSync(join(modules, '@types'), { recursive: true });
  symlinkSync(join(kRoot, 'packages/core'), join(modules, '@ioaio/core'));
  symlinkSync(join(kRoot, 'packages/rx'), join(modules, '@ioaio/rx'));
  symlinkSync(join(kRoot, 'node_modules/rxjs'), join(modules, 'rxjs'));
  symlinkSync(join(kRoot, 'node_modules/@types/node'), join(modules, '@types/node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    skipLibCheck: true,
    // The examples show statements, not finished programs: values they make and leave are fine.
    noUnusedLocals: false,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
  for (const block of blocks) writeFileSync(join(dir, block.file), preamble(block) + block.code);
}

const kDts = ts.createSourceFile(
  'index.d.ts',
  readFileSync(join(kRoot, 'packages/core/dist/index.d.ts'), 'utf8'),
  ts.ScriptTarget.ES2022,
  true,
);
const kCoreExports = coreExports(kDts);
const readme = tsBlocks(readFileSync(join(kRoot, 'README.md'), 'utf8'));
const methods = methodExamples(kDts);
let diagnostics = '';

/** What tsc said about one example's module. */
function errorsOf(block: Block): string[] {
  return diagnostics.split('\n').filter((l) => l.startsWith(`${block.file}(`));
}

beforeAll(() => {
  const dir = tempDir('ioaio-readme-');
  scratchProject(dir, [...readme, ...methods]);
  const tsc = join(kRoot, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  diagnostics = `${result.stdout}${result.stderr}`;
}, 120_000);

describe('README examples compile under strict as written', () => {
  test('the README has TypeScript examples', () => {
    expect(readme.length).toBeGreaterThan(5);
  });

  test.each(readme.map((b) => [b.file, b] as const))('%s', (_file, block) => {
    expect(errorsOf(block)).toEqual([]);
  });
});

describe("the methods' @example code compiles under strict as written", () => {
  test('most methods have an example', () => {
    expect(methods.length).toBeGreaterThan(20);
  });

  test.each(methods.map((b) => [b.file, b] as const))('%s', (_file, block) => {
    expect(errorsOf(block)).toEqual([]);
  });
});

test('tsc reported nothing outside the examples', () => {
  const others = diagnostics
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^(readme-line|method)-[\w-]+\.ts\(/.test(l));
  expect(others).toEqual([]);
});
