// Builds the AddressSanitizer variant of the addon and runs the native tests, and core's
// conformance and robustness tests on the native backend, on it.
// usage: node packages/native/scripts/asan.mjs [vitest file filters...]
// Node itself is not instrumented: the sanitizer's runtime is preloaded, and leak
// detection is off because Node does not free everything at exit.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kPackageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const kRepoDir = path.resolve(kPackageDir, '..', '..');
const cc = process.env.CC ?? 'cc';

function step(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

step(process.execPath, [path.join(kPackageDir, 'scripts', 'build.mjs'), '--asan']);
const runtime = spawnSync(cc, ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
if (!path.isAbsolute(runtime)) {
  console.error(
    `asan: ${cc} does not know libasan.so (${runtime}); install the compiler's sanitizer runtime`,
  );
  process.exit(1);
}
const env = {
  ...process.env,
  LD_PRELOAD: runtime,
  // detect_stack_use_after_return: a pointer kept into a frame that has returned is
  // reported even where the compiler did not inline that frame away.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1',
  IOAIO_NATIVE_ADDON: path.join(kPackageDir, 'build', 'ioaio_native-asan.node'),
};
// The pool's own tests, and core's conformance and robustness tests on the native backend.
const kDefaultFilters = [
  'test/native/',
  'test/core/catalogue/conformance.test.ts',
  'test/core/backend.test.ts',
  'test/core/composite/copy-native.test.ts',
  // The walk's checked listing (O_NOFOLLOW, the parent check, the identity it appends).
  'test/core/composite/walk',
  'test/reliability/native-backend.test.ts',
];
const filters = process.argv.slice(2);
const vitest = path.join(kRepoDir, 'node_modules', 'vitest', 'vitest.mjs');
const args = ['run', '--project', 'default', ...(filters.length ? filters : kDefaultFilters)];
step(process.execPath, [vitest, ...args], {
  cwd: kRepoDir,
  env,
});
console.log('asan: native and native-backend tests passed on the AddressSanitizer build');
