import { mkdirSync, readdirSync, realpathSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type AioContext, createAio, type WalkEntry, type WalkOptions } from '@ioaio/core';
import { describe, expect, test } from 'vitest';
import { stepOne } from '../../helpers/step.js';
import { tempDir } from '../../helpers/tmp.js';
import { mixedDirectory } from '../../helpers/tree.js';
import { turns, until } from '../../helpers/turns.js';

/**
 * The walk's expectation, from a plain recursive readdir: every entry under
 * `root` as `base + '/' + relative path`, 'dir' for real directories only.
 */
function recursiveListing(root: string, base: string): WalkEntry[] {
  const out: WalkEntry[] = [];
  const visit = (rel: string): void => {
    for (const d of readdirSync(rel === '' ? root : join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? d.name : `${rel}/${d.name}`;
      out.push({ path: `${base}/${child}`, type: d.isDirectory() ? 'dir' : 'nondir' });
      if (d.isDirectory()) visit(child);
    }
  };
  visit('');
  return sortEntries(out);
}

function sortEntries<E extends { path: string }>(entries: E[]): E[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Nested directories with every kind of entry, `width` directories per level, `depth` levels. */
function makeTree(root: string, width = 3, depth = 2): void {
  mixedDirectory(root);
  const grow = (dir: string, level: number): void => {
    for (let i = 0; i < width; i++) {
      const sub = join(dir, `d${i}`);
      mkdirSync(sub);
      writeFileSync(join(sub, `f${i}`), String(i));
      symlinkSync('..', join(sub, 'up'));
      if (level < depth) grow(sub, level + 1);
    }
  };
  grow(root, 1);
}

/** Runs a walk to the end and returns what onEntries saw: the directories scanned and every entry. */
async function collect(
  ctx: AioContext,
  root: string,
  options: Omit<WalkOptions, 'onEntries' | 'encoding'> = {},
): Promise<{ scanned: string[]; entries: WalkEntry[]; result: unknown }> {
  const scanned: string[] = [];
  const entries: WalkEntry[] = [];
  const result = await ctx.walk(root, {
    ...options,
    onEntries: (dir, list) => {
      scanned.push(dir);
      entries.push(...list);
    },
  });
  return { scanned: [...scanned].sort(), entries: sortEntries(entries), result };
}

/** Real directories of a listing, as the walk's `dir` argument names them. */
function dirsOf(base: string, listing: WalkEntry[]): string[] {
  return [base, ...listing.filter((e) => e.type === 'dir').map((e) => e.path)].sort();
}

function counts(listing: WalkEntry[]): { dirs: number; nondirs: number } {
  const dirs = listing.filter((e) => e.type === 'dir').length;
  return { dirs, nondirs: listing.length - dirs };
}

describe('entries', () => {
  test('equal a recursive readdir listing: paths, types (symlinks to directories are nondir), root not included', async () => {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root);
    const expected = recursiveListing(root, root);
    const ctx = createAio();
    const got = await collect(ctx, root, { maxreq: 3 });
    expect(got).toEqual({ scanned: dirsOf(root, expected), entries: expected, result: counts(expected) });
    expect(got.entries.some((e) => e.path === root)).toBe(false);
    expect(ctx.nreqs).toBe(0);
  });

  test('a relative root gives relative paths, and trailing slashes of the root collapse', async () => {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root, 2, 2);
    const rel = relative(process.cwd(), root);
    expect(rel.startsWith('/')).toBe(false);
    const expected = recursiveListing(root, rel);
    const ctx = createAio();
    for (const given of [rel, `${rel}/`, `${rel}///`]) {
      const got = await collect(ctx, given);
      expect({ given, ...got }).toEqual({
        given,
        scanned: dirsOf(rel, expected),
        entries: expected,
        result: counts(expected),
      });
    }
  });

  test("encoding: 'buffer' gives paths as Buffers, byte for byte", async () => {
    const root = tempDir();
    const odd = Buffer.from([0x64, 0xff]);
    const oddDir = Buffer.concat([Buffer.from(`${root}/`), odd]);
    mkdirSync(oddDir);
    writeFileSync(Buffer.concat([oddDir, Buffer.from('/f\xfe', 'latin1')]), '');
    const seen: { path: Buffer; type: string }[] = [];
    await createAio().walk(root, {
      encoding: 'buffer',
      onEntries: (_dir, list) => seen.push(...list),
    });
    expect(seen.map((e) => ({ path: e.path.toString('hex'), type: e.type }))).toEqual([
      { path: oddDir.toString('hex'), type: 'dir' },
      { path: Buffer.concat([oddDir, Buffer.from('/f\xfe', 'latin1')]).toString('hex'), type: 'nondir' },
    ]);
  });

  test("encoding: 'latin1' gives paths as one character per byte, and walks non-UTF-8 directories", async () => {
    const root = tempDir();
    const oddDir = Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x64, 0xff])]);
    mkdirSync(oddDir);
    const file = Buffer.concat([oddDir, Buffer.from('/f\xfe', 'latin1')]);
    writeFileSync(file, '');
    const seen: { path: string; type: string }[] = [];
    const counts = await createAio().walk(Buffer.from(root), {
      encoding: 'latin1',
      onEntries: (_dir, list) => seen.push(...list),
    });
    expect(seen).toEqual([
      { path: oddDir.toString('latin1'), type: 'dir' },
      { path: file.toString('latin1'), type: 'nondir' },
    ]);
    expect(counts).toEqual({ dirs: 1, nondirs: 1 });
    expect(Buffer.from(seen[1]?.path ?? '', 'latin1')).toEqual(file);
  });

  test('the default (utf8) walk enters a directory whose name is not valid UTF-8, and reports it lossily', async () => {
    const root = tempDir();
    const odd = Buffer.concat([Buffer.from(`${root}/d`), Buffer.from([0xff, 0xfe])]);
    mkdirSync(odd);
    mkdirSync(Buffer.concat([odd, Buffer.from('/sub')]));
    writeFileSync(Buffer.concat([odd, Buffer.from('/f')]), '');
    writeFileSync(Buffer.concat([odd, Buffer.from('/sub/g')]), '');
    writeFileSync(join(root, 'plain'), '');
    const ctx = createAio();
    const bytes = await ctx.walk(root, { encoding: 'buffer' });
    const seen: WalkEntry[] = [];
    const scanned: string[] = [];
    const errors: unknown[] = [];
    const result = await ctx.walk(root, {
      onError: (err) => errors.push(err),
      onEntries: (dir, list) => {
        scanned.push(dir);
        seen.push(...list);
      },
    });
    const lossy = `${root}/d\ufffd\ufffd`;
    expect({ result, errors, scanned: scanned.sort(), entries: sortEntries(seen) }).toEqual({
      result: bytes,
      errors: [],
      scanned: [root, lossy, `${lossy}/sub`].sort(),
      entries: sortEntries([
        { path: lossy, type: 'dir' },
        { path: `${lossy}/f`, type: 'nondir' },
        { path: `${lossy}/sub`, type: 'dir' },
        { path: `${lossy}/sub/g`, type: 'nondir' },
        { path: `${root}/plain`, type: 'nondir' },
      ]),
    });
    expect(bytes).toEqual({ dirs: 2, nondirs: 3 });
    expect(ctx.nreqs).toBe(0);
  });

  test('a root given as bytes that are not valid UTF-8 is read by those bytes with the default encoding', async () => {
    const root = tempDir();
    const odd = Buffer.concat([Buffer.from(`${root}/r`), Buffer.from([0xe9])]);
    mkdirSync(odd);
    writeFileSync(Buffer.concat([odd, Buffer.from('/x')]), '');
    const seen: WalkEntry[] = [];
    const dirs: string[] = [];
    const result = await createAio().walk(odd, {
      onEntries: (dir, list) => {
        dirs.push(dir);
        seen.push(...list);
      },
    });
    expect({ result, dirs, seen }).toEqual({
      result: { dirs: 0, nondirs: 1 },
      dirs: [`${root}/r\ufffd`],
      seen: [{ path: `${root}/r\ufffd/x`, type: 'nondir' }],
    });
  });

  test('never has more than maxreq scans in flight', async () => {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root, 4, 3);
    const ctx = createAio();
    let most = 0;
    const grp = ctx.walk(root, {
      maxreq: 3,
      onEntries: () => {
        most = Math.max(most, grp.size);
      },
    });
    await grp;
    expect(most).toBe(3);
  });
});

describe('pausing and cancelling', () => {
  test('limit(0) pauses the walk (no new scans once those in flight finished) and raising it resumes', async () => {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root, 4, 3);
    const expected = recursiveListing(root, root);
    const ctx = createAio();
    const entries: WalkEntry[] = [];
    let calls = 0;
    const grp = ctx.walk(root, {
      maxreq: 3,
      onEntries: (_dir, list) => {
        entries.push(...list);
        if (++calls === 3) grp.limit(0);
      },
    });
    await until(() => calls >= 3 && ctx.nreqs === 1, 'the scans in flight to finish');
    const paused = { calls, entries: entries.length, nreqs: ctx.nreqs, state: grp.state };
    // Give any wrongly issued scan ample chance to show: turns of the loop and a round trip through the pool.
    await turns(20);
    await readdir(root);
    await turns(20);
    expect({ calls, entries: entries.length, nreqs: ctx.nreqs, state: grp.state }).toEqual(paused);
    expect(paused.nreqs).toBe(1);
    expect(paused.calls).toBeLessThan(dirsOf(root, expected).length);

    grp.limit(3);
    await expect(grp).resolves.toEqual(counts(expected));
    expect(sortEntries(entries)).toEqual(expected);
  });

  test('cancel() stops it: it rejects with AbortError, no onEntries afterwards, nreqs back to 0', async () => {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root, 4, 3);
    const ctx = createAio();
    let calls = 0;
    let callsAfterCancel = 0;
    let cancelled = false;
    const reason = new Error('enough');
    const grp = ctx.walk(root, {
      maxreq: 4,
      onEntries: () => {
        if (cancelled) callsAfterCancel++;
        if (++calls === 2) {
          cancelled = true;
          grp.cancel(reason);
        }
      },
    });
    await expect(grp).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
    await ctx.flush();
    expect({ calls, callsAfterCancel, nreqs: ctx.nreqs }).toEqual({
      calls: 2,
      callsAfterCancel: 0,
      nreqs: 0,
    });
  });

  test('cancel() of a walk that follows symlinks also stops it before any later onEntries', async () => {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root, 4, 3);
    const ctx = createAio();
    let calls = 0;
    let callsAfterCancel = 0;
    const grp = ctx.walk(root, {
      followSymlinks: true,
      maxreq: 8,
      onEntries: () => {
        if (calls >= 2) callsAfterCancel++;
        // Cancel while the other subdirectories' scans and symlink stats are in flight.
        if (++calls === 2) grp.cancel();
      },
    });
    await expect(grp).rejects.toMatchObject({ name: 'AbortError' });
    await ctx.flush();
    expect({ calls, callsAfterCancel, nreqs: ctx.nreqs }).toEqual({
      calls: 2,
      callsAfterCancel: 0,
      nreqs: 0,
    });
  });
});

describe('cancelled after each of its requests', () => {
  test.each([false, true])(
    'followSymlinks %s: rejects with AbortError, no onEntries or onError after cancel(), nreqs back to 0',
    async (followSymlinks) => {
      const root = join(tempDir(), 'tree');
      mkdirSync(root);
      makeTree(root, 2, 2);
      const total = dirsOf(root, recursiveListing(root, root)).length;
      const outcomes: string[] = [];
      for (let k = 0; ; k++) {
        const ctx = createAio({ maxParallel: 0 });
        let cancelled = false;
        let callsAfterCancel = 0;
        let calls = 0;
        const errors: unknown[] = [];
        const grp = ctx.walk(root, {
          followSymlinks,
          maxreq: 2,
          onError: (err) => errors.push(err),
          onEntries: () => {
            calls++;
            if (cancelled) callsAfterCancel++;
          },
        });
        const settled = grp.then(
          () => 'resolved',
          (err: unknown) => (err as Error).name,
        );
        for (let i = 0; i < k; i++) await stepOne(ctx);
        cancelled = true;
        grp.cancel();
        ctx.maxParallel = 8;
        const outcome = await settled;
        await ctx.flush();
        expect({ k, callsAfterCancel, errors, nreqs: ctx.nreqs }).toEqual({
          k,
          callsAfterCancel: 0,
          errors: [],
          nreqs: 0,
        });
        outcomes.push(outcome);
        if (outcome === 'resolved') {
          expect(calls).toBe(total);
          break;
        }
      }
      expect(outcomes).toEqual([...Array<string>(outcomes.length - 1).fill('AbortError'), 'resolved']);
    },
  );
});

describe('errors', () => {
  // As root every directory is readable: a subdirectory removed after the root's scan listed it
  // (rmdir in the root's onEntries, before its own scan) makes that scan fail with ENOENT.
  function treeWithDoomed(): { root: string; doomed: string } {
    const root = join(tempDir(), 'tree');
    mkdirSync(root);
    makeTree(root, 2, 2);
    mkdirSync(join(root, 'doomed'));
    return { root, doomed: join(root, 'doomed') };
  }

  test('an unreadable subdirectory with onError: onError gets the error and the walk goes on', async () => {
    const { root, doomed } = treeWithDoomed();
    const ctx = createAio();
    const errors: unknown[] = [];
    const entries: WalkEntry[] = [];
    let expected: WalkEntry[] = [];
    const result = await ctx.walk(root, {
      maxreq: 2,
      onError: (err) => errors.push(err),
      onEntries: (dir, list) => {
        entries.push(...list);
        if (dir === root) {
          rmdirSync(doomed);
          // What is left is the listing, plus the entry for doomed that the root's scan reported.
          expected = sortEntries([...recursiveListing(root, root), { path: doomed, type: 'dir' }]);
        }
      },
    });
    expect(errors).toEqual([expect.objectContaining({ code: 'ENOENT', syscall: 'scandir', path: doomed })]);
    expect(sortEntries(entries)).toEqual(expected);
    expect(result).toEqual(counts(expected));
    expect(ctx.nreqs).toBe(0);
  });

  test('onError names a failed directory in the output encoding, also when its name is not valid UTF-8', async () => {
    const root = tempDir();
    const doomed = Buffer.concat([Buffer.from(`${root}/gone`), Buffer.from([0xfe])]);
    const outcomes: unknown[] = [];
    for (const encoding of ['utf8', 'buffer', 'latin1'] as const) {
      mkdirSync(doomed);
      const failed: unknown[] = [];
      await createAio().walk(root, {
        encoding,
        onError: (err, dir) => failed.push([(err as NodeJS.ErrnoException).code, dir]),
        onEntries: (dir) => {
          if (dir.length === Buffer.byteLength(root)) rmdirSync(doomed);
        },
        // One loop over the three encodings: the overloads each take one.
      } as WalkOptions & { encoding: 'utf8' });
      outcomes.push(failed);
    }
    expect(outcomes).toEqual([
      [['ENOENT', `${root}/gone\ufffd`]],
      [['ENOENT', doomed]],
      [['ENOENT', doomed.toString('latin1')]],
    ]);
  });

  test('an unreadable subdirectory without onError fails the walk', async () => {
    const { root, doomed } = treeWithDoomed();
    const ctx = createAio();
    const grp = ctx.walk(root, {
      onEntries: (dir) => {
        if (dir === root) rmdirSync(doomed);
      },
    });
    await expect(grp).rejects.toMatchObject({ code: 'ENOENT', syscall: 'scandir', path: doomed });
    await ctx.flush();
    expect(ctx.nreqs).toBe(0);
  });

  test('an unreadable root fails the walk even with onError; the empty path is not /', async () => {
    const missing = join(tempDir(), 'missing');
    const errors: unknown[] = [];
    const scanned: string[] = [];
    const ctx = createAio();
    const outcomes: unknown[] = [];
    for (const root of [missing, '']) {
      for (const followSymlinks of [false, true]) {
        const grp = ctx.walk(root, {
          followSymlinks,
          onError: (err) => errors.push(err),
          onEntries: (dir) => {
            scanned.push(dir);
            grp.cancel();
          },
        });
        outcomes.push(
          await grp.then(
            () => 'resolved',
            (err: unknown) => [(err as NodeJS.ErrnoException).code, (err as NodeJS.ErrnoException).path],
          ),
        );
      }
    }
    expect({ outcomes, errors, scanned, nreqs: ctx.nreqs }).toEqual({
      outcomes: [
        ['ENOENT', missing],
        ['ENOENT', missing],
        ['ENOENT', ''],
        ['ENOENT', ''],
      ],
      errors: [],
      scanned: [],
      nreqs: 0,
    });
  });
});

describe('followSymlinks', () => {
  test('a tree with symlink cycles terminates and enters each real directory once', async () => {
    const root = realpathSync(tempDir());
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'c', 'leaf'), '');
    symlinkSync('../..', join(root, 'a', 'b', 'up2')); // -> root
    symlinkSync('.', join(root, 'a', 'self')); // -> a
    symlinkSync('a/b', join(root, 'to-b')); // -> a/b
    mkdirSync(join(root, 'outside-target'));
    writeFileSync(join(root, 'outside-target', 'o'), '');
    symlinkSync('outside-target', join(root, 'z-link')); // a real directory reachable twice
    const ctx = createAio();
    const { scanned } = await collect(ctx, root, { followSymlinks: true, maxreq: 1 });
    const real = scanned.map((dir) => realpathSync(dir)).sort();
    expect(real).toEqual(
      [
        root,
        join(root, 'a'),
        join(root, 'a', 'b'),
        join(root, 'a', 'b', 'c'),
        join(root, 'outside-target'),
      ].sort(),
    );
    expect(ctx.nreqs).toBe(0);
  });

  test('without it, symlinks to directories are nondir entries and are not entered', async () => {
    const root = realpathSync(tempDir());
    mkdirSync(join(root, 'a'));
    symlinkSync('..', join(root, 'a', 'up'));
    symlinkSync('a', join(root, 'to-a'));
    const { scanned, entries } = await collect(createAio(), root);
    expect({ scanned, entries }).toEqual({
      scanned: [root, join(root, 'a')],
      entries: [
        { path: join(root, 'a'), type: 'dir' },
        { path: join(root, 'a', 'up'), type: 'nondir' },
        { path: join(root, 'to-a'), type: 'nondir' },
      ],
    });
  });
});
