import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, childScript, coreDistPath } from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertDistFresh);

/**
 * Runs `script` with `b` bind-mounted on `a` in a private mount namespace
 * that dies with the child; resolves with its last JSON line, or a reason
 * the host cannot do it.
 */
function runWithBindMount(
  script: string,
  a: string,
  b: string,
): { result: unknown; stderr: string } | string {
  const prelude = 'mount --bind "$IOAIO_BIND_FROM" "$IOAIO_BIND_TO" || exit 97\nexec "$@"';
  const child = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'bash', '-c', prelude, 'bash', process.execPath, script],
    {
      encoding: 'utf8',
      cwd: '/',
      timeout: 60_000,
      env: {
        ...process.env,
        IOAIO_CORE_DIST: coreDistPath,
        IOAIO_CHILD_INPUT: JSON.stringify({ a, b }),
        IOAIO_BIND_FROM: a,
        IOAIO_BIND_TO: b,
      },
    },
  );
  if (child.error !== undefined) return `unshare is missing here: ${child.error.message}`;
  if (child.status === 97 || (child.status !== 0 && /unshare:/.test(child.stderr))) {
    return `no private mount namespace with bind mounts here: ${child.stderr.trim()}`;
  }
  const lines = child.stdout.trim().split('\n');
  let result: unknown = { status: child.status, stdout: child.stdout };
  try {
    result = JSON.parse(lines[lines.length - 1] ?? '');
  } catch {
    // The whole output stays in `result` for the assertion to show.
  }
  return { result, stderr: child.stderr };
}

it('move and copy between two bind mounts of one directory: the same file under two mount points is refused (ERR_FS_CP_EINVAL), src and its bytes survive', ({
  skip,
}) => {
  const dir = tempDir('ioaio-bind-');
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  mkdirSync(a);
  mkdirSync(b);
  const run = runWithBindMount(childScript('bind-move.mjs'), a, b);
  if (typeof run === 'string') return skip(run);
  const same = (path: string, dest: string) => ({ code: 'ERR_FS_CP_EINVAL', path, dest });
  expect([run.stderr, run.result]).toEqual([
    '',
    {
      premise: 'EXDEV',
      sameName: same(join(a, 'f'), join(b, 'f')),
      copySameName: same(join(a, 'f'), join(b, 'f')),
      linkToSource: same(join(a, 'f'), join(b, 'link')),
      newName: 'ok',
      sourceIntact: true,
      movedIntact: true,
      listing: ['f', 'h', 'link', 'probe'],
      leaked: [],
      escaped: [],
    },
  ]);
});
