// The API reference (`pnpm docs`, typedoc.json) builds without a warning: every export is
// documented, every {@link} resolves, and no public type refers to one that is not exported
// (typedoc's validation with treatValidationWarningsAsErrors). Run with `--emit none`, so the
// check writes nothing; `pnpm docs` writes the pages to docs/api/ (not committed).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const kRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The lines typedoc printed that are not progress (`[info] …`), colours removed. */
function complaints(output: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: typedoc colours its output with ANSI escapes.
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('[info]'));
}

test('the API reference has every export documented and no broken link (typedoc validation)', () => {
  const typedoc = join(kRoot, 'node_modules/typedoc/bin/typedoc');
  const result = spawnSync(process.execPath, [typedoc, '--emit', 'none'], {
    cwd: kRoot,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  expect({ status: result.status, complaints: complaints(output) }).toEqual({ status: 0, complaints: [] });
}, 180_000);
