// Files and bytes per extension under a directory, as an RxJS pipeline over a scan: treescan pushes the
// entries, rx.lstat sizes the files (8 at a time), groupBy and reduce sum them.
// Usage: node rx-pipeline.js DIR
import { extname } from 'node:path';
import { rx, treescan } from '@ioaio/rx';
import { filter, groupBy, lastValueFrom, map, mergeMap, reduce, toArray } from 'rxjs';

const [root = '.'] = process.argv.slice(2);

interface Row {
  ext: string;
  files: number;
  bytes: number;
}

const rows$ = treescan(root, { maxreq: 8 }).pipe(
  filter((entry) => entry.type === 'nondir'),
  mergeMap((entry) => rx.lstat(entry.path).pipe(map((st) => ({ path: entry.path, st }))), 8),
  filter(({ st }) => st.isFile()),
  map(({ path, st }) => ({ ext: extname(path) || '(none)', size: st.size })),
  groupBy((file) => file.ext),
  mergeMap((files) =>
    files.pipe(
      reduce((row: Row, file) => ({ ...row, files: row.files + 1, bytes: row.bytes + file.size }), {
        ext: files.key,
        files: 0,
        bytes: 0,
      }),
    ),
  ),
  toArray(),
);

const rows = await lastValueFrom(rows$);
rows.sort((a, b) => b.bytes - a.bytes || (a.ext < b.ext ? -1 : 1));
console.log('extension\tfiles\tbytes');
for (const { ext, files, bytes } of rows) console.log(`${ext}\t${files}\t${bytes}`);
