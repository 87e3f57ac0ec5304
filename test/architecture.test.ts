import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operations } from '@ioaio/core';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { importCycles } from '../scripts/check-imports.mjs';
import { shapeViolations } from '../scripts/check-shape.mjs';
import { tempDir } from './helpers/tmp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const kPackages = ['core', 'rx'];

/** The members named `_…` of every class, interface and type literal in a declaration file. */
function underscoreMembers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const owner = node.parent;
    const named = (ts.isClassElement(node) || ts.isTypeElement(node)) && node.name !== undefined;
    if (named && node.name.getText(source).startsWith('_')) {
      const ownerName =
        owner && 'name' in owner && owner.name ? (owner.name as ts.Node).getText(source) : '{}';
      found.push(`${ownerName}.${node.name.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// `aio_group` is the context's own `group()`: a method, not an operation of the registry.
const kContextMethods = new Set(['group', 'flush', 'maxParallel', 'nreqs', 'nready', 'npending']);

/** `[perl name, method]` for every row of the README's IO::AIO table that names an operation `aio.<method>`. */
function readmeCounterparts(): [string, string][] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const table = readme.slice(readme.indexOf('## IO::AIO 4.8, function by function'));
  const rows: [string, string][] = [];
  for (const line of table.split('\n')) {
    const row = /^\| `(?:IO::AIO::(?=aio_))?((?:IO::AIO::)?\w+)[^|]*\| `aio\.(\w+)/.exec(line);
    if (row && !kContextMethods.has(row[2] as string)) rows.push([row[1] as string, row[2] as string]);
  }
  return rows.sort();
}

describe('the public face', () => {
  test.each(kPackages)('dist/index.d.ts of %s has no _-prefixed member and no @internal item', (name) => {
    const dts = `${root}packages/${name}/dist/index.d.ts`;
    expect(underscoreMembers(dts)).toEqual([]);
    expect(readFileSync(dts, 'utf8').match(/.*@internal.*/g) ?? []).toEqual([]);
  });

  test("the README's IO::AIO table names exactly the operations' IO::AIO counterparts", () => {
    const declared = Object.entries(operations)
      .filter(([, op]) => op.perl !== null)
      .map(([method, op]) => [op.perl, method])
      .sort();
    expect(readmeCounterparts()).toEqual(declared);
  });

  test('every operation is described once, frozen, with a validator that throws as its method does', () => {
    expect(Object.isFrozen(operations)).toBe(true);
    expect(Object.values(operations).every((op) => Object.isFrozen(op))).toBe(true);
    expect(() => operations.stat.validate(12.5)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => operations.scandir.validate('/', { maxreq: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(operations.stat.validate('/')).toBeUndefined();
  });
});

/** Writes `files` (path → text) under a new temporary directory and returns it. */
function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('scripts/check-imports.mjs', () => {
  const engine = { 'request.ts': 'export const r = 1;\n', 'index.ts': "export * from './a/x.js';\n" };
  const cyclesOf = (src: string) => {
    const { folderCycles, fileCycles } = importCycles(src);
    return { folderCycles, fileCycles };
  };

  test('finds two folders that import each other, a type-only import included', () => {
    const src = tree({
      ...engine,
      'a/x.ts': "import { y } from '../b/y.js';\nexport const x = y;\n",
      'b/y.ts':
        "import { r } from '../request.js';\nimport type { x } from '../a/x.js';\nexport const y = r;\n",
    });
    expect(cyclesOf(src)).toEqual({ folderCycles: [['a', 'b']], fileCycles: [] });
  });

  test('finds a load-order cycle between two modules of one folder', () => {
    const src = tree({
      ...engine,
      'a/x.ts': "import { y } from './y.js';\nexport const x = 1;\n",
      'a/y.ts': "import { x } from './x.js';\nexport const y = x;\n",
    });
    expect(cyclesOf(src)).toEqual({ folderCycles: [], fileCycles: [['a/x.ts', 'a/y.ts']] });
  });

  test('passes a layered tree: the entry importing everything closes no cycle', () => {
    const src = tree({ ...engine, 'a/x.ts': "import { r } from '../request.js';\nexport const x = r;\n" });
    expect(cyclesOf(src)).toEqual({ folderCycles: [], fileCycles: [] });
  });
});

describe('scripts/check-shape.mjs', () => {
  const deep =
    'for (const a of xs) {\n  if (a) {\n    xs.map((b) => {\n      if (b) {\n        f();\n      }\n    });\n  }\n}\n';

  test('names a function with blocks four deep, and one of 61 lines, with their lines', () => {
    const file = join(tempDir(), 'shape.ts');
    const long = Array.from({ length: 59 }, (_, i) => `  f(${i});`).join('\n');
    writeFileSync(file, `function deep(xs: number[]) {\n${deep}}\nfunction long() {\n${long}\n}\n`);
    expect(shapeViolations([file])).toEqual([
      `${file}:1 deep: blocks 4 deep (at most 3)`,
      `${file}:12 long: 61 lines (at most 60)`,
    ]);
  });

  test('passes three levels, and an exception that gives its reason', () => {
    const file = join(tempDir(), 'shape.ts');
    const three = 'for (const a of xs) {\n  if (a) {\n    xs.map((b) => b && f());\n  }\n}\n';
    const exempt = `// shape: a sample\nconst deep = (xs: number[]) => {\n${deep}};\n`;
    writeFileSync(file, `function flat(xs: number[]) {\n${three}}\n${exempt}`);
    expect(shapeViolations([file])).toEqual([]);
  });
});
