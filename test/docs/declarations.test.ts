// The emitted declarations as a user's editor reads them (packages/core/dist/index.d.ts, built by
// `pnpm build` before the tests): every context method has its description and @see, with the
// parameter names a user writes, and no descriptor internals are part of the public types.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { operations } from '@ioaio/core';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const kDts = fileURLToPath(new URL('../../packages/core/dist/index.d.ts', import.meta.url));
const dts = readFileSync(kDts, 'utf8');

interface Signature {
  name: string;
  /** The JSDoc right before the signature, as written. */
  doc: string;
  params: string[];
}

/** The method signatures of `interface OperationMethods` in the declarations, parsed as TypeScript. */
function methodSignatures(): Signature[] {
  const source = ts.createSourceFile('index.d.ts', dts, ts.ScriptTarget.ES2022, true);
  const found: Signature[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'OperationMethods') return;
    for (const member of node.members.filter(ts.isMethodSignature)) {
      const docs = ts.getJSDocCommentsAndTags(member).filter((d) => d.kind === ts.SyntaxKind.JSDoc);
      const doc = docs.at(-1)?.getText() ?? '';
      found.push({
        name: member.name.getText(),
        doc,
        params: member.parameters.map((p) => p.name.getText()),
      });
    }
  });
  return found;
}

describe('the emitted declarations (dist/index.d.ts)', () => {
  const signatures = methodSignatures();

  test('declare every operation as a method', () => {
    expect([...new Set(signatures.map((s) => s.name))].sort()).toEqual(Object.keys(operations).sort());
  });

  test('give every method signature a description and a @param per parameter', () => {
    const lacking = signatures.flatMap(({ name, doc, params }) => {
      const description = doc.replace(/^\/\*\*\s*\n\s*\*\s*/, '');
      const missing = params.filter((p) => !new RegExp(`@param ${p} `).test(doc));
      const problems = description.startsWith('@') || doc === '' ? ['no description'] : [];
      return [...problems, ...missing.map((p) => `no @param ${p}`)].map((p) => `${name}: ${p}`);
    });
    expect(lacking).toEqual([]);
  });

  test('name no parameter with a leading underscore', () => {
    const underscored = signatures.filter((s) => s.params.some((p) => p.startsWith('_'))).map((s) => s.name);
    expect(underscored).toEqual([]);
  });

  test('show none of the descriptor internals', () => {
    const internals = [
      'SingleOperation',
      'CompositeOperation',
      'StatArgs',
      'BigintTarget',
      'Registry',
      'registry:',
    ];
    expect(internals.filter((name) => new RegExp(`\\b${name}`).test(dts))).toEqual([]);
  });

  test('document every declared function of core and rx (typedoc checks the other kinds)', () => {
    const undocumented = ['core', 'rx'].flatMap((pkg) => {
      const file = fileURLToPath(new URL(`../../packages/${pkg}/dist/index.d.ts`, import.meta.url));
      const source = ts.createSourceFile(
        'index.d.ts',
        readFileSync(file, 'utf8'),
        ts.ScriptTarget.ES2022,
        true,
      );
      const functions = source.statements.filter(ts.isFunctionDeclaration);
      const hasDoc = (f: ts.FunctionDeclaration) =>
        ts.getJSDocCommentsAndTags(f).some((d) => d.kind === ts.SyntaxKind.JSDoc);
      // Overloads share one doc, written on the first of them.
      const documented = new Set(functions.filter(hasDoc).map((f) => f.name?.text));
      const names = new Set(functions.map((f) => f.name?.text));
      return [...names].filter((name) => !documented.has(name)).map((name) => `${pkg}: ${name}`);
    });
    expect(undocumented).toEqual([]);
  });
});
