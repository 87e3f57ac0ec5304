import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { assertDistFresh, coreDistPath } from '../helpers/fault-child.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertDistFresh);

/**
 * The child, in a private mount namespace where `alias` is a bind mount of
 * `src` and `src/mnt` a bind mount of `out`: a dst that names a place inside
 * src through the alias, and a copy whose dst is reachable from inside src,
 * must both be refused; no path comparison can see either.
 */
const kChild = `
const { aio } = await import(process.env.IOAIO_CORE_DIST);
const { src, alias, out } = JSON.parse(process.env.IOAIO_CHILD_INPUT);
const fs = await import('node:fs');
const shape = (e) => ({ code: e.code, syscall: e.syscall });
const attempt = (dst) => aio.copytree(src, dst).then(() => 'copied', shape);
const throughAlias = await attempt(alias + '/sub/new');
const madeThroughAlias = fs.existsSync(src + '/sub/new');
const intoMounted = await attempt(out);
// What the refused copy made before it met out inside src may stay (sub, complete); never mnt.
const unexpected = fs.readdirSync(out).filter((name) => name !== 'sub');
console.log(JSON.stringify({ throughAlias, madeThroughAlias, intoMounted, unexpected }));
`;

function runInNamespace(input: {
  src: string;
  alias: string;
  out: string;
}): { result: unknown; stderr: string } | string {
  const prelude = [
    'mount --bind "$1" "$2" || exit 97',
    'mount --bind "$3" "$1/mnt" || exit 97',
    'exec "$4" --input-type=module -e "$5"',
  ].join('\n');
  const child = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'bash',
      '-c',
      prelude,
      'bash',
      input.src,
      input.alias,
      input.out,
      process.execPath,
      kChild,
    ],
    {
      encoding: 'utf8',
      cwd: '/',
      timeout: 60_000,
      env: { ...process.env, IOAIO_CORE_DIST: coreDistPath, IOAIO_CHILD_INPUT: JSON.stringify(input) },
    },
  );
  if (child.error !== undefined) return `unshare is missing here: ${child.error.message}`;
  if (child.status === 97 || (child.status !== 0 && /unshare:/.test(child.stderr))) {
    return `no private mount namespace with bind mounts here: ${child.stderr.trim()}`;
  }
  const lines = child.stdout.trim().split('\n');
  try {
    return { result: JSON.parse(lines[lines.length - 1] ?? ''), stderr: child.stderr };
  } catch {
    return { result: { status: child.status, stdout: child.stdout }, stderr: child.stderr };
  }
}

it('a dst inside src through a bind mount, and a dst mounted inside src, are both refused (ERR_FS_CP_EINVAL)', ({
  skip,
}) => {
  const dir = tempDir('ioaio-bind-');
  const [src, alias, out] = [join(dir, 'src'), join(dir, 'alias'), join(dir, 'out')];
  mkdirSync(join(src, 'sub'), { recursive: true });
  mkdirSync(join(src, 'mnt'));
  writeFileSync(join(src, 'sub/file'), 'data');
  mkdirSync(alias);
  mkdirSync(out);
  const run = runInNamespace({ src, alias, out });
  if (typeof run === 'string') return skip(run);
  const refused = { code: 'ERR_FS_CP_EINVAL', syscall: 'copytree' };
  expect([run.stderr, run.result]).toEqual([
    '',
    { throughAlias: refused, madeThroughAlias: false, intoMounted: refused, unexpected: [] },
  ]);
});
