import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type * as TS from 'typescript';

/**
 * Why this module exists: what a user's editor shows comes from the
 * installed `.d.ts` files, read by the installed TypeScript. So the checks
 * load that TypeScript from the scratch project and ask it what hover and
 * signature help would show.
 */

/** The scratch project's own TypeScript. */
function installedTypescript(app: string): typeof TS {
  return createRequire(join(app, 'package.json'))('typescript') as typeof TS;
}

/** A parameter or tuple label that starts with `_`, as a printed signature shows it. */
const kUnderscoreParam = /[(,[]\s*(?:\.\.\.)?(_\w*)\??:/g;

/** What the editor shows for the default context's methods. */
export interface MethodDocs {
  /** Methods of `aio` whose hover shows no description. */
  undocumented: string[];
  /** `method(param)` for every parameter a signature names with a leading `_`. */
  underscoreParams: string[];
  /** How many methods were looked at. */
  methods: number;
}

/** Asks the installed TypeScript about every method of `aio`, as hover and signature help do. */
export function methodDocs(app: string): MethodDocs {
  const ts = installedTypescript(app);
  const file = join(app, 'src/hover.mts');
  writeFileSync(file, "import { aio } from '@ioaio/core';\nexport const context = aio;\n");
  const options: TS.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  };
  const program = ts.createProgram([file], options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)[0]!;
  const contextType = checker.getTypeOfSymbol(exported);
  const result: MethodDocs = { undocumented: [], underscoreParams: [], methods: 0 };
  for (const prop of contextType.getProperties()) {
    const signatures = checker.getTypeOfSymbol(prop).getCallSignatures();
    if (signatures.length === 0) continue;
    result.methods++;
    if (ts.displayPartsToString(prop.getDocumentationComment(checker)).trim() === '') {
      result.undocumented.push(prop.name);
    }
    // Signature help spells a rest tuple out by its labels, so the labels are read from the printed
    // signature rather than from getParameters() (which sees one `...args`).
    const printed = signatures.map((sig) => checker.signatureToString(sig)).join('\n');
    const names = new Set([...printed.matchAll(kUnderscoreParam)].map((m) => m[1]));
    for (const name of names) result.underscoreParams.push(`${prop.name}(${name})`);
  }
  return result;
}

/** Every `.d.ts`/`.d.cts`/`.d.mts` file under `dir`. */
function declarationFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...declarationFiles(path));
    else if (/\.d\.[cm]?ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Names that should not reach a user: `_`-prefixed declarations and `@internal` tags. */
export function internalNames(app: string, packages: string[]): string[] {
  const ts = installedTypescript(app);
  const found: string[] = [];
  for (const pkg of packages) {
    for (const file of declarationFiles(join(app, 'node_modules', pkg))) {
      const text = readFileSync(file, 'utf8');
      const where = relative(join(app, 'node_modules'), file);
      if (text.includes('@internal')) found.push(`${where}: @internal`);
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
      const visit = (node: TS.Node): void => {
        const name = (node as { name?: TS.Node }).name;
        if (name !== undefined && ts.isIdentifier(name) && name.text.startsWith('_')) {
          found.push(`${where}: ${ts.SyntaxKind[node.kind]} ${name.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return [...new Set(found)].sort();
}

/** Every file under `dir`, recursively. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** What the installed packages weigh, and any source map that names a missing file. */
export interface MapCheck {
  /** `map → source` for each source a `.map` names that is not installed. */
  missingSources: string[];
  /** `file → map` for each `sourceMappingURL` whose map is not installed. */
  missingMaps: string[];
  /** Bytes of every installed file of the packages. */
  bytes: number;
}

/** Checks that every installed source map has its sources, and every map reference its map. */
export function sourceMaps(app: string, packages: string[]): MapCheck {
  const check: MapCheck = { missingSources: [], missingMaps: [], bytes: 0 };
  const modules = join(app, 'node_modules');
  for (const file of packages.flatMap((pkg) => allFiles(join(modules, pkg)))) {
    check.bytes += statSync(file).size;
    if (file.endsWith('.map')) check.missingSources.push(...missingSources(modules, file));
    if (/\.[cm]?js$/.test(file)) check.missingMaps.push(...missingMap(modules, file));
  }
  return check;
}

/** The sources a `.map` file names that are not installed. */
function missingSources(modules: string, map: string): string[] {
  const { sources = [], sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8')) as {
    sources?: string[];
    sourceRoot?: string;
  };
  const missing = sources.filter((s) => !existsSync(resolve(dirname(map), sourceRoot, s)));
  return missing.map((s) => `${relative(modules, map)} → ${s}`);
}

/** The map a script's `sourceMappingURL` names, when it is not installed. */
function missingMap(modules: string, script: string): string[] {
  const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(script, 'utf8'))?.[1];
  if (url === undefined || url.startsWith('data:') || existsSync(resolve(dirname(script), url))) return [];
  return [`${relative(modules, script)} → ${url}`];
}
