import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a snippet in a fresh Node process from the repository root, as a user of the built packages would. */
function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const kProbe = `
  const st = await core.aio.stat('package.json');
  const names = [];
  await new Promise((resolve, reject) =>
    rx.rx.readdir('packages').subscribe({ next: (n) => names.push(...n), error: reject, complete: resolve }));
  console.log(JSON.stringify({
    file: st.isFile(),
    names: names.sort(),
    abort: new core.AbortError().code,
    methods: typeof core.aio.scandir + typeof core.createAio,
    rx: typeof rx.treescanIterator,
    operations: [core.operations.stat.kind, core.operations.scandir.kind, typeof core.operations.stat.validate],
  }));
`;

const kExpected = {
  file: true,
  names: ['core', 'native', 'rx'],
  abort: 'ABORT_ERR',
  methods: 'functionfunction',
  rx: 'function',
  operations: ['single', 'composite', 'function'],
};

describe('the built packages', () => {
  test('import as ESM', () => {
    const program = `const core = await import('@ioaio/core'); const rx = await import('@ioaio/rx');\n${kProbe}`;
    const result = run(['--input-type=module', '-e', program]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(kExpected);
  });

  test('require as CommonJS', () => {
    const program = `const core = require('@ioaio/core'); const rx = require('@ioaio/rx');\n(async () => {${kProbe}})().catch((e) => { console.error(e); process.exit(1); });`;
    const result = run(['--input-type=commonjs', '-e', program]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(kExpected);
  });
});
