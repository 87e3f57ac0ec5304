import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { internalNames, methodDocs, sourceMaps } from './declarations.js';
import { type Example, kExamples } from './examples.js';
import { kCjsProgram, kEsmProgram, kProgramOutput, kTsconfig, makeTree } from './programs.js';
import { copyExamples, makeScratch, type Ran, run, type Scratch, workspacePackages } from './scratch.js';

// Perf: packing, an offline npm install and one tsc run take 10-60 s; every test below reads the one
// project they make.
const kSetupMs = 300_000;

let scratch: Scratch;
let compiled: Ran;

beforeAll(() => {
  scratch = makeScratch();
  mkdirSync(join(scratch.dir, 'src'));
  writeFileSync(join(scratch.dir, 'tsconfig.json'), JSON.stringify(kTsconfig, null, 2));
  writeFileSync(join(scratch.dir, 'src/api.mts'), kEsmProgram);
  writeFileSync(join(scratch.dir, 'src/api.cts'), kCjsProgram);
  copyExamples(scratch.dir);
  compiled = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], scratch.dir);
}, kSetupMs);

afterAll(() => scratch?.remove());

/** A fresh copy of the test tree, and an empty work directory beside it. */
function freshTree(): { tree: string; work: string } {
  const root = mkdtempSync(join(scratch.dir, 'run-'));
  const tree = join(root, 'tree');
  const work = join(root, 'work');
  makeTree(tree);
  mkdirSync(work);
  return { tree, work };
}

interface Published {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifest(dir: string): Published {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Published;
}

function dependencyFields({ dependencies, optionalDependencies, peerDependencies }: Published) {
  return { dependencies, optionalDependencies, peerDependencies };
}

/** Every file of an installed package, relative to it, sorted. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Runs a compiled file of the project with Node, as the user would. */
function runCompiled(file: string, args: string[]): Ran {
  return run(process.execPath, [join('out', file), ...args], scratch.dir, 120_000);
}

describe('the packed packages, installed into a fresh npm project', () => {
  test('npm lists each package once, at the top: one rxjs and one @ioaio/core for the app and rx', () => {
    const listed = run('npm', ['ls', '--all', '--parseable', ...scratch.npmOptions], scratch.dir);
    const paths = listed.stdout
      .trim()
      .split('\n')
      .map((p) => relative(scratch.dir, p));
    const expected = ['', ...scratch.installed.map((name) => `node_modules/${name}`)];
    expect({ status: listed.status, paths: paths.sort(), stderr: listed.stderr }).toEqual({
      status: 0,
      paths: expected.sort(),
      stderr: '',
    });
    expect(scratch.installed).toEqual(expect.arrayContaining(['rxjs', ...workspacePackages()]));
  });

  test('installing @ioaio/rx alone stops and names its peer @ioaio/core, which npm would fetch from the registry', () => {
    const alone = mkdtempSync(join(scratch.dir, 'rx-alone-'));
    writeFileSync(join(alone, 'package.json'), '{"name":"rx-alone","version":"1.0.0","private":true}\n');
    const tarballs = ['@ioaio/rx', 'rxjs', 'tslib'].map((name) => scratch.tarballs.get(name)!);
    const ran = run('npm', ['install', ...scratch.npmOptions, ...tarballs], alone);
    expect({ status: ran.status, namesCore: ran.stderr.includes('@ioaio/core') }).toEqual({
      status: 1,
      namesCore: true,
    });
  });

  test('the installed packages hold their builds, types, LICENSE and README, and depend as published', () => {
    const modules = join(scratch.dir, 'node_modules');
    const core = manifest(join(modules, '@ioaio/core'));
    const native = workspacePackages().includes('@ioaio/native')
      ? { '@ioaio/native': core.version }
      : undefined;
    expect(filesOf(join(modules, '@ioaio/core'))).toEqual([
      'LICENSE',
      'README.md',
      'bin/ioaio-treescan.js',
      'dist/cli.js',
      'dist/index.cjs',
      'dist/index.d.cts',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
    expect(filesOf(join(modules, '@ioaio/rx'))).toEqual([
      'LICENSE',
      'README.md',
      'dist/index.cjs',
      'dist/index.d.cts',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
    expect([core, manifest(join(modules, '@ioaio/rx'))].map(dependencyFields)).toEqual([
      { dependencies: undefined, optionalDependencies: native, peerDependencies: undefined },
      {
        dependencies: undefined,
        optionalDependencies: undefined,
        peerDependencies: { '@ioaio/core': `^${core.version}`, rxjs: '^7.8.0' },
      },
    ]);
  });

  test('a strict ESM program, the CommonJS one and every example type-check with the installed typescript', () => {
    expect({ status: compiled.status, output: compiled.stdout + compiled.stderr }).toEqual({
      status: 0,
      output: '',
    });
  });

  test.each([
    ['ESM', 'api.mjs'],
    ['CommonJS', 'api.cjs'],
  ])('the %s program runs on a tree and prints what the API promises', (_kind, file) => {
    const { tree } = freshTree();
    const ran = runCompiled(file, [tree]);
    expect({ status: ran.status, stdout: ran.stdout.trimEnd().split('\n'), stderr: ran.stderr }).toEqual({
      status: 0,
      stdout: kProgramOutput,
      stderr: '',
    });
  });

  test('the declarations document every method of the context, name its parameters as a user would, and show no internals', () => {
    const docs = methodDocs(scratch.dir);
    expect({ undocumented: docs.undocumented, underscoreParams: docs.underscoreParams }).toEqual({
      undocumented: [],
      underscoreParams: [],
    });
    expect(docs.methods).toBeGreaterThan(40);
    // Invariant: what users import; @ioaio/native is core's implementation, installed beside it.
    expect(internalNames(scratch.dir, ['@ioaio/core', '@ioaio/rx'])).toEqual([]);
  });

  test('no installed source map lacks its sources, and no script names a map that is not installed', () => {
    const maps = sourceMaps(scratch.dir, workspacePackages());
    console.log(`installed size of ${workspacePackages().join(', ')}: ${maps.bytes} bytes`);
    expect({ missingSources: maps.missingSources, missingMaps: maps.missingMaps }).toEqual({
      missingSources: [],
      missingMaps: [],
    });
  });

  test('the ioaio-treescan command is linked by the install and lists the tree', () => {
    const { tree } = freshTree();
    const ran = run(join(scratch.dir, 'node_modules/.bin/ioaio-treescan'), [tree], scratch.dir);
    const lines = ran.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.replaceAll(tree, '<tree>'));
    expect({ status: ran.status, stdout: lines.sort(), stderr: ran.stderr }).toEqual({
      status: 0,
      stdout: [
        '<tree>/',
        '<tree>/a.txt',
        '<tree>/b.log',
        '<tree>/empty/',
        '<tree>/link',
        '<tree>/sub/',
        '<tree>/sub/c.txt',
        '<tree>/sub/d.bin',
        '<tree>/sub/deep/',
        '<tree>/sub/deep/e.txt',
        '<tree>/sub/deep/f.json',
      ],
      stderr: '',
    });
  });

  test.each(kExamples)(
    'example $name: compiled with --strict, runs on a tree as documented',
    (example: Example) => {
      const { tree, work } = freshTree();
      const ran = runCompiled(`examples/${example.name}.js`, example.args(tree, work));
      const lines = ran.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.replaceAll(tree, '<tree>').replaceAll(work, '<work>'));
      expect({ status: ran.status, stdout: lines }).toEqual({
        status: 0,
        stdout: example.stdout,
      });
      if (example.quiet) expect(ran.stderr).toBe('');
    },
  );
});
