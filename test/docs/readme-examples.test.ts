// The README's TypeScript examples compile under `strict` as written, against the built
// declarations a user's editor reads (packages/*/dist, resolved through the packages' `exports`).
// Each ```ts block becomes one module; a fixed preamble supplies the imports and the values the
// examples take as given (`files`, `fd`, `buf`…), minus whatever the block imports or declares.
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
  /** 1-based line of the opening fence in README.md. */
  line: number;
  code: string;
}

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
    blocks.push({ line: i + 1, code: body.join('\n') });
    i = end;
  }
  return blocks;
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
function preamble(code: string): string {
  const bound = boundNames(code);
  const byModule = new Map<string, string[]>();
  for (const [module, name] of kImports) {
    if (bound.has(name.replace(/^type /, ''))) continue;
    byModule.set(module, [...(byModule.get(module) ?? []), name]);
  }
  const imports = [...byModule].map(([module, names]) => `import { ${names.join(', ')} } from '${module}';`);
  const given = kGiven
    .filter(([name]) => !bound.has(name))
    .map(([name, type]) => `declare const ${name}: ${type};`);
  return [...imports, ...given, ''].join('\n');
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
  for (const block of blocks) writeFileSync(join(dir, fileOf(block)), preamble(block.code) + block.code);
}

function fileOf(block: Block): string {
  return `readme-line-${block.line}.ts`;
}

const blocks = tsBlocks(readFileSync(join(kRoot, 'README.md'), 'utf8'));
let diagnostics = '';

beforeAll(() => {
  const dir = tempDir('ioaio-readme-');
  scratchProject(dir, blocks);
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
    expect(blocks.length).toBeGreaterThan(5);
  });

  test.each(blocks.map((b) => [b.line, b] as const))('the block at README.md line %i', (_line, block) => {
    const errors = diagnostics.split('\n').filter((l) => l.startsWith(`${fileOf(block)}(`));
    expect(errors).toEqual([]);
  });

  test('tsc reported nothing outside the examples', () => {
    const others = diagnostics
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^readme-line-\d+\.ts\(/.test(l));
    expect(others).toEqual([]);
  });
});
