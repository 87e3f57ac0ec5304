import * as fs from 'node:fs';
import { join } from 'node:path';
import { DirStream } from '@ioaio/core';
import { expect } from 'vitest';
import { enoent, type Fixture, file, runs } from './fixture.js';

interface Entry {
  name: string;
  type: string;
}

/** Requests on directory streams: a chunk of a fresh stream opens the directory. */
export const dirStreamFixtures: Record<string, Fixture> = {
  readdirChunk: runs(
    'opendir',
    (dir, i) => {
      const path = join(dir, `chunk-${i}`);
      fs.mkdirSync(join(path, 'sub'), { recursive: true });
      for (const name of ['b', 'a']) file(path, name, name);
      // Room for more than the three entries: one chunk reads to the end and closes the directory.
      const stream = new DirStream(path, { chunkEntries: 8 });
      return {
        args: [stream],
        check(value) {
          // The file system's order is its own: compared sorted.
          const entries = [...(value as Entry[])].sort((x, y) => x.name.localeCompare(y.name));
          expect({ entries, ended: stream.ended }).toEqual({
            entries: [
              { name: 'a', type: 'file' },
              { name: 'b', type: 'file' },
              { name: 'sub', type: 'dir' },
            ],
            ended: true,
          });
        },
        // A stream no chunk ran on was never opened, so it has not ended.
        untouched: () => expect(stream.ended).toBe(false),
        cleanup: () => stream.close(),
      };
    },
    (dir) => [
      { args: [new DirStream(join(dir, 'missing'))], error: enoent('opendir', join(dir, 'missing')) },
    ],
  ),
};
