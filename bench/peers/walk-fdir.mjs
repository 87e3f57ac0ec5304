// Peer: fdir crawl with full paths and directories.  argv: DIR
// Without withSymlinks(), fdir lists every symlink (to a dir too) as a file
// and never follows it, which is the count the generator expects.
import { fdir } from 'fdir';
import { emit, msSince } from '../lib/report.mjs';

const t0 = performance.now();
const found = await new fdir().withFullPaths().withDirs().crawl(process.argv[2]).withPromise();
let dirs = -1; // fdir lists the root among the directories
for (const p of found) if (p.endsWith('/')) dirs++;
emit({ ms: msSince(t0), dirs, nondirs: found.length - 1 - dirs });
