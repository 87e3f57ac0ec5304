// ioaio: the rx package's treescanIterator over DIR, entries counted.  argv: DIR
import { treescanIterator } from '@ioaio/rx';
import { emit, msSince } from '../lib/report.mjs';

const t0 = performance.now();
let dirs = 0;
let nondirs = 0;
for await (const entry of treescanIterator(process.argv[2])) {
  if (entry.type === 'dir') dirs++;
  else nondirs++;
}
emit({ ms: msSince(t0), dirs, nondirs });
