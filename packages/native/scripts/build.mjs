// Builds build/ioaio_native.node with the system C compiler and the headers that ship
// with Node (offline). `--asan` builds build/ioaio_native-asan.node instead.
// No compiler: one line saying the native backend is unavailable, exit 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kPackageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const kSources = [
  'binding.c',
  'submit.c',
  'module.c',
  'pool.c',
  'ops.c',
  'ops_fd.c',
  'ops_mem.c',
  'mapping.c',
].map((f) => path.join(kPackageDir, 'src', 'c', f));
const kBuildDir = path.join(kPackageDir, 'build');
const kReasonFile = path.join(kBuildDir, 'unavailable.txt');
const asan = process.argv.includes('--asan');

/** Node's own headers: `<prefix>/include/node`, else the distribution's /usr/include/node. */
function nodeHeaders() {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'node_api.h')));
}

function compilerFlags() {
  const base = ['-std=c11', '-O2', '-fPIC', '-shared', '-pthread', '-Wall', '-Wextra', '-Werror'];
  const sanitizer = asan ? ['-g', '-fsanitize=address', '-fno-omit-frame-pointer'] : [];
  // Invariant: Node unloads an addon when the last worker thread that loaded it exits, but
  // detached pool threads may still be running its code then; nodelete keeps it mapped.
  const link = ['-Wl,-z,nodelete'];
  return [
    ...base,
    ...sanitizer,
    ...link,
    '-D_GNU_SOURCE',
    '-DNODE_GYP_MODULE_NAME=ioaio_native',
    '-fvisibility=hidden',
  ];
}

/** Records why there is no addon, prints one line, and leaves with success. */
function unavailable(reason) {
  mkdirSync(kBuildDir, { recursive: true });
  writeFileSync(kReasonFile, `${reason}\n`);
  console.log(`@ioaio/native: native backend unavailable (${reason}); ioaio runs on node:fs`);
  process.exit(0);
}

function main() {
  if (process.platform !== 'linux') unavailable(`platform ${process.platform} is not supported yet`);
  const include = nodeHeaders();
  if (include === undefined) unavailable('node_api.h not found beside the node binary');
  const cc = process.env.CC ?? 'cc';
  if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) unavailable(`no C compiler (${cc})`);
  mkdirSync(kBuildDir, { recursive: true });
  const out = path.join(kBuildDir, asan ? 'ioaio_native-asan.node' : 'ioaio_native.node');
  const args = [...compilerFlags(), `-I${include}`, ...kSources, '-o', out];
  const result = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    // A compiler that fails on our code is a bug to see, not a silent fallback.
    console.error(`@ioaio/native: ${cc} failed (exit ${result.status})`);
    process.exit(1);
  }
  if (!asan && existsSync(kReasonFile)) writeFileSync(kReasonFile, '');
}

main();
