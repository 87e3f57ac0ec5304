// Peer: @nodelib/fs.walk (callback API, dirent types, symlinks not followed).  argv: DIR
import { walk } from '@nodelib/fs.walk';
import { emit, msSince } from '../lib/report.mjs';

const t0 = performance.now();
walk(process.argv[2], { followSymbolicLinks: false, stats: false }, (err, entries) => {
  if (err) throw err;
  let dirs = 0; // the root is not among the entries
  for (const e of entries) if (e.dirent.isDirectory()) dirs++;
  emit({ ms: msSince(t0), dirs, nondirs: entries.length - dirs });
});
