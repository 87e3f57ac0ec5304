import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { LineWriter } from '../../../packages/core/src/cli/output.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeTree, makeWideTree, runCli, spawnCli } from '../../helpers/tree-fixture.js';

const kProgressLine = /^\d+ dirs \(\d+\/s\) \d+ files \(\d+\/s\) \d+ stats \(\d+\/s\)$/;

/** A stream that keeps every chunk and acknowledges one at once or only when told to. */
function slowStream(highWaterMark: number, autoAck = false) {
  const chunks: Buffer[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      if (autoAck) done();
      else pending.push(done);
    },
  });
  const ack = (): void => {
    for (const done of pending.splice(0)) done();
  };
  return { stream, chunks, ack };
}

const epipe = (): NodeJS.ErrnoException => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

describe('LineWriter', () => {
  test('writes the lines added since the last flush as one chunk, each terminated', () => {
    const { stream, chunks } = slowStream(1 << 20, true);
    const out = new LineWriter(stream, '\0');
    out.add('a/');
    out.add(Buffer.from([0x62, 0xff, 0x0a]).toString('latin1'));
    expect(out.flush()).toBe(true);
    expect(out.flush()).toBe(true);
    out.add('c');
    out.flush();
    expect(chunks).toEqual([Buffer.from([0x61, 0x2f, 0, 0x62, 0xff, 0x0a, 0]), Buffer.from('c\0')]);
  });

  test('flush says when to wait; drained() resolves on drain, with one listener however often asked', async () => {
    const { stream, ack } = slowStream(4);
    const out = new LineWriter(stream, '\n');
    out.add('a long line');
    expect(out.flush()).toBe(false);
    const waits = [out.drained(), out.drained()];
    expect({ same: waits[0] === waits[1], listeners: stream.listenerCount('drain') }).toEqual({
      same: true,
      listeners: 1,
    });
    ack();
    await Promise.all(waits);
    expect({ closed: out.closed, listeners: stream.listenerCount('drain') }).toEqual({
      closed: false,
      listeners: 0,
    });
  });

  test('a reader that goes away (EPIPE) while waited on: drained() resolves, nothing more is written', async () => {
    const { stream, chunks } = slowStream(1);
    const out = new LineWriter(stream, '\n');
    out.add('first');
    expect(out.flush()).toBe(false);
    const waiting = out.drained();
    stream.destroy(epipe());
    await waiting;
    out.add('second');
    expect({ closed: out.closed, flushed: out.flush(), chunks }).toEqual({
      closed: true,
      flushed: true,
      chunks: [Buffer.from('first\n')],
    });
    await out.drained();
    await out.end();
  }, 10_000);

  test('a stream destroyed without an error counts as closed too', async () => {
    const { stream } = slowStream(1);
    const out = new LineWriter(stream, '\n');
    out.add('x');
    out.flush();
    const waiting = out.drained();
    stream.destroy();
    await waiting;
    expect(out.closed).toBe(true);
  }, 10_000);

  test('any other write error is kept as the failure, not thrown from the event; drained() resolves', async () => {
    const { stream } = slowStream(1);
    const out = new LineWriter(stream, '\n');
    out.add('a line');
    expect(out.flush()).toBe(false);
    const waiting = out.drained();
    const eio = Object.assign(new Error('write EIO'), { code: 'EIO' });
    const second = Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' });
    stream.emit('error', eio);
    stream.emit('error', second);
    await waiting;
    out.add('more');
    expect({ closed: out.closed, failure: out.failure, flushed: out.flush() }).toEqual({
      closed: true,
      failure: eio,
      flushed: true,
    });
  });

  test('a reader that went away (EPIPE) is not a failure', () => {
    const { stream } = slowStream(1);
    const out = new LineWriter(stream, '\n');
    stream.emit('error', epipe());
    expect({ closed: out.closed, failure: out.failure }).toEqual({ closed: true, failure: null });
  });
});

describe('-0 output', () => {
  test('every record, the last included, ends with NUL; no newline is added', () => {
    const parent = tempDir('ioaio-cli-');
    makeTree(parent);
    const run = runCli(['-0', 'tree/sp ace'], { cwd: parent });
    const expected = [Buffer.from('tree/sp ace/\0tree/sp ace/in side\0')];
    expect(run).toEqual({ status: 0, signal: null, stderr: '', stdout: expected[0] });
  });
});

describe('treescan | head', () => {
  async function readFirstChunkThenClose(args: string[]) {
    const parent = tempDir('ioaio-cli-');
    makeWideTree(parent, 'big', 200, 100);
    const child = spawnCli([...args, 'big'], parent, 20_000);
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, sig) => resolve([code, sig])),
    );
    return { status, signal, stderr: Buffer.concat(stderr).toString() };
  }

  test('reading one chunk and closing the pipe: no stack trace, exit 0', async () => {
    expect(await readFirstChunkThenClose([])).toEqual({ status: 0, signal: null, stderr: '' });
  });

  test('with -p: stderr holds progress lines only, the final one included', async () => {
    const { status, signal, stderr } = await readFirstChunkThenClose(['-p']);
    const lines = stderr.split('\n');
    expect({
      status,
      signal,
      end: lines.pop(),
      reports: lines.length > 0,
      stray: lines.filter((l) => !kProgressLine.test(l)),
    }).toEqual({ status: 0, signal: null, end: '', reports: true, stray: [] });
  });
});
