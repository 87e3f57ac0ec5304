// Micro-benchmark of the method call itself: how fast a context makes and queues requests, with and
// without an options object. It justifies how context.ts parses the options (a returned object or
// module-level variables). Nothing runs: maxParallel is 0, so only validation, option parsing, the
// request's construction and the ready queue are measured.
//
//   node bench/micro/options-parse.mjs [rounds=15] [requests=200000] [module...]
//
// With several modules (bundles of variants of the core, e.g. made with esbuild), their rounds are
// interleaved in one process and each variant's median ratio to the first one is printed: on a busy
// machine only such paired figures mean anything.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const rounds = Number(process.argv[2] ?? 15);
const requests = Number(process.argv[3] ?? 200_000);
const modules = process.argv.length > 4 ? process.argv.slice(4) : ['@ioaio/core'];
const kPath = '/nonexistent/never-run';
const kBatch = 1000;
const kOptions = { priority: 1 };

const cases = {
  'no options': (ctx) => ctx.stat(kPath),
  'shared options object': (ctx) => ctx.stat(kPath, kOptions),
  'fresh options object': (ctx, i) => ctx.stat(kPath, { priority: i & 3 }),
};

/** Nanoseconds per call of `issue(ctx, i)` over `requests` calls on paused contexts. */
function measure(createAio, issue) {
  let elapsed = 0;
  // A fresh context per batch of 1,000 keeps the heap small, so the figure is not the GC's.
  for (let done = 0; done < requests; done += kBatch) {
    const ctx = createAio({ maxParallel: 0 });
    const start = performance.now();
    for (let i = 0; i < kBatch; i++) issue(ctx, i);
    elapsed += performance.now() - start;
  }
  return (elapsed * 1e6) / requests;
}

const median = (xs) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
const variants = [];
for (const specifier of modules) {
  const url = specifier.startsWith('/') ? pathToFileURL(specifier).href : specifier;
  variants.push({ name: specifier, createAio: (await import(url)).createAio });
}
const samples = variants.map(() => Object.fromEntries(Object.keys(cases).map((name) => [name, []])));
for (let r = 0; r < rounds; r++) {
  // Every other round runs the variants in reverse order, so neither always runs on a warmer heap.
  const order = r % 2 === 0 ? [...variants.keys()] : [...variants.keys()].reverse();
  for (const [name, issue] of Object.entries(cases)) {
    for (const k of order) samples[k][name].push(measure(variants[k].createAio, issue));
  }
}
for (const [k, v] of variants.entries()) {
  console.log(v.name);
  for (const name of Object.keys(cases)) {
    const warm = samples[k][name].slice(1); // the first round warms the JIT up
    const ratios = warm.map((x, r) => x / samples[0][name][r + 1]);
    const paired = k === 0 ? '' : `, ${median(ratios).toFixed(3)}× the first (median of paired rounds)`;
    console.log(`  ${name.padEnd(22)} median ${median(warm).toFixed(1)} ns/call${paired}`);
  }
}
