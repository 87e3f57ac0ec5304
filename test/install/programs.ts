import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The tree the programs and examples run on: files of distinct sizes (so
 * "largest first" has one answer), a nested directory, an empty one and a
 * symlink.
 */
export function makeTree(root: string): void {
  mkdirSync(join(root, 'sub/deep'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'a.txt'), 'ten bytes\n');
  writeFileSync(join(root, 'b.log'), 'b'.repeat(2000));
  writeFileSync(join(root, 'sub/c.txt'), 'c'.repeat(300));
  writeFileSync(join(root, 'sub/d.bin'), Buffer.alloc(5000, 7));
  writeFileSync(join(root, 'sub/deep/e.txt'), 'e'.repeat(42));
  writeFileSync(join(root, 'sub/deep/f.json'), '{"f":1}\n');
  symlinkSync('a.txt', join(root, 'link'));
}

/**
 * A user's program over the public API, written once for both module
 * systems: `main(root)` returns the lines to print. It leans on what the
 * README promises: exported option types accepted where documented,
 * `readdirx` entries typed by its flags, callbacks that narrow on `err`,
 * and Node's error fields.
 */
const kMain = `
async function main(root: string): Promise<string[]> {
  const out: string[] = [];
  const ctx = createAio({ maxParallel: 4 });
  const options: StatOptions = { priority: 2 };
  const st = await ctx.stat(\`\${root}/a.txt\`, options);
  out.push(\`stat: \${st.size} bytes, file \${st.isFile()}\`);
  out.push(\`readdir: \${(await aio.readdir(root)).sort().join(' ')}\`);
  const { entries } = await aio.readdirx(\`\${root}/sub\`, READDIR_DENTS);
  out.push(\`readdirx: \${entries.map((e) => \`\${String(e.name)}:\${e.type}\`).sort().join(' ')}\`);
  const { dirs, nondirs } = await aio.scandir(root);
  out.push(\`scandir: \${dirs.sort().join(' ')} | \${nondirs.sort().join(' ')}\`);
  const sizes: number[] = [];
  await aio.lstat(\`\${root}/link\`, {
    callback: (err, value) => {
      if (err) out.push(\`lstat failed: \${err.code}\`);
      else sizes.push(value.size);
    },
  });
  out.push(\`lstat of the link: \${sizes.join(' ')} bytes\`);
  try {
    await aio.open(\`\${root}/missing\`, 'r');
  } catch (err) {
    const { code, syscall } = err as NodeJS.ErrnoException;
    out.push(\`open: \${code} \${syscall}\`);
  }
  const aborted = await aio.stat(root, { signal: AbortSignal.abort() }).then(
    () => 'ran',
    (err: unknown) => (err instanceof AbortError ? err.code : 'other'),
  );
  out.push(\`already aborted: \${aborted}\`);
  const copied = await aio.copytree(\`\${root}/sub\`, \`\${root}-copy\`);
  out.push(\`copytree: \${JSON.stringify(copied)}\`);
  await aio.rmtree(\`\${root}-copy\`);
  const queue = aio.queue({ concurrency: 2 });
  const lengths = await queue.addAll([() => aio.stat(\`\${root}/b.log\`), () => aio.stat(\`\${root}/sub/c.txt\`)]);
  out.push(\`queue: \${lengths.map((s) => s.size).join(' ')}\`);
  const names = await lastValueFrom(rx.readdir(\`\${root}/sub/deep\`));
  out.push(\`rx.readdir: \${names.sort().join(' ')}\`);
  let n = 0;
  for await (const entry of treescanIterator(root)) if (entry.type === 'nondir') n++;
  out.push(\`treescanIterator: \${n} nondirs\`);
  const { dirs: walkDirs, nondirs: walkNondirs } = await aio.walk(root);
  out.push(\`walk: \${walkDirs} dirs, \${walkNondirs} nondirs\`);
  return out;
}
`;

const kImports = `import { AbortError, aio, createAio, READDIR_DENTS, type StatOptions } from '@ioaio/core';
import { rx, treescanIterator } from '@ioaio/rx';
import { lastValueFrom } from 'rxjs';
`;

/** The program as ESM (`.mts`): top-level await. */
export const kEsmProgram = `${kImports}${kMain}
const lines = await main(process.argv[2] ?? '.');
console.log(lines.join('\\n'));
`;

/** The program as CommonJS (`.cts`): TypeScript turns the imports into require(). */
export const kCjsProgram = `${kImports}${kMain}
main(process.argv[2] ?? '.').then(
  (lines) => console.log(lines.join('\\n')),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
`;

/** What both programs print on the tree of {@link makeTree}. */
export const kProgramOutput = [
  'stat: 10 bytes, file true',
  'readdir: a.txt b.log empty link sub',
  'readdirx: c.txt:file d.bin:file deep:dir',
  'scandir: empty sub | a.txt b.log link',
  'lstat of the link: 5 bytes',
  'open: ENOENT open',
  'already aborted: ABORT_ERR',
  'copytree: {"files":4,"dirs":2,"symlinks":0,"skipped":0}',
  'queue: 2000 300',
  'rx.readdir: e.txt f.json',
  'treescanIterator: 7 nondirs',
  'walk: 3 dirs, 7 nondirs',
];

/** The scratch project's compiler settings: what `tsc --strict` gives a user, on Node's module system. */
export const kTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'out',
  },
  include: ['src'],
};
