// A million requests through a feeder: each is made only when a slot is free, so at most LIMIT exist at
// once and memory stays flat however many there are.
// Usage: node million-feeder.js FILE [COUNT] [LIMIT]
import { aio } from '@ioaio/core';

const [file = '/etc/passwd', countArg = '1000000', limitArg = '64'] = process.argv.slice(2);
const count = Number(countArg);

let issued = 0;
let ok = 0;
let failed = 0;
const onStat = (err: Error | null): void => {
  if (err) failed++;
  else ok++;
};

const started = performance.now();
const grp = aio.group();
grp.limit(Number(limitArg)).feed(() => {
  if (issued === count) return; // adding nothing removes the feeder, and the group can finish
  issued++;
  grp.add(aio.stat(file, { callback: onStat }));
});
await grp;

const seconds = (performance.now() - started) / 1000;
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(`${issued} stats of one file: ${ok} ok, ${failed} failed`);
console.error(
  `${seconds.toFixed(1)} s, ${Math.round(issued / seconds)} requests/s, peak RSS ${peakMiB.toFixed(0)} MiB`,
);
