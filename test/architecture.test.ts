import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { operations } from '@ioaio/core';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

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
const kContextMethods = new Set(['group']);

/** `[perl name, method]` for every row of the README's IO::AIO table that names an operation `aio.<method>`. */
function readmeCounterparts(): [string, string][] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const table = readme.slice(readme.indexOf('## IO::AIO 4.8, function by function'));
  const rows: [string, string][] = [];
  for (const line of table.split('\n')) {
    const row = /^\| `(?:IO::AIO::)?(aio_\w+)[^|]*\| `aio\.(\w+)/.exec(line);
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
