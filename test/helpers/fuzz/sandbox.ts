import { mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { DirStream } from '@ioaio/core';
import { tempDir } from '../tmp.js';
import type { Call, Token } from './arbitraries.js';
import { kDeadFdBase } from './dead-fd.js';
import { type Kind, kSchema } from './schema.js';

/*
 * Safety: every generated path lies inside a per-run sandbox (names never
 * contain '/' and are never '.' or '..', URLs are made from sandbox paths,
 * symlink targets are sandbox paths), and every number that reaches a
 * descriptor position is either one of the sandbox's own descriptors or at
 * least this process's descriptor limit (so never open), so a fuzzed close,
 * write or truncate can never touch the test runner's own files.
 */

/** Where the tokens of one run become values: its directory, descriptors, signals and callbacks. */
export interface Sandbox {
  dir: string;
  /** Descriptors the fuzz may use: real ones on sandbox files, or dead numbers when nothing runs. */
  fds: number[];
  controllers: AbortController[];
  /** Reasons of the signals that were aborted before the call. */
  preAborted: unknown[];
  /** One record per `callback` option made: how often it was called, with what. */
  callbacks: { calls: number; errors: unknown[] }[];
  /** The directory streams made: a batch closes them before it looks for leaked descriptors. */
  streams: { close(): void }[];
  /** Called from inside every `callback` option (the result state): a place to cancel others from. */
  onCallback: () => void;
}

/** A number in a descriptor position: never one of the runner's descriptors. */
function safeFd(value: unknown, box: Sandbox): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < kDeadFdBase) {
    return box.fds.includes(value) ? value : kDeadFdBase + value;
  }
  return value;
}

function exotic(which: string, dir: string): unknown {
  switch (which) {
    case 'empty':
      return '';
    case 'long':
      return `${dir}/${'n'.repeat(5000)}`;
    case 'nul-string':
      return `${dir}/a\u0000b`;
    case 'nul-buffer':
      return Buffer.from(`${dir}/a\u0000b`);
    case 'nul-uint8':
      return new Uint8Array(Buffer.from(`${dir}/a\u0000b`));
    case 'http-url':
      return new URL('http://example.com/x');
    case 'data-url':
      return new URL('data:text/plain,hi');
    case 'file-host-url':
      return new URL('file://remote-host/x');
    case 'file-encoded-slash':
      return new URL(`file://${dir}/a%2Fb`);
    case 'file-nul-url':
      return new URL(`file://${dir}/a%00b`);
    case 'to-string':
      return { toString: () => `${dir}/f0` };
    case 'url-like':
      return { href: `file://${dir}/f0`, protocol: 'file:', pathname: `${dir}/f0` };
    case 'string-object':
      return Object(`${dir}/f0`);
    default:
      throw new Error(`unknown exotic path ${which}`);
  }
}

function buffer(type: string, size: number): unknown {
  switch (type) {
    case 'Buffer':
      return Buffer.alloc(size, 7);
    case 'Uint8Array':
      return new Uint8Array(size);
    case 'Float64Array':
      return new Float64Array(size);
    case 'Int16Array':
      return new Int16Array(size);
    case 'DataView':
      return new DataView(new ArrayBuffer(size));
    case 'ArrayBuffer':
      return new ArrayBuffer(size);
    default:
      return new SharedArrayBuffer(size);
  }
}

/** A DirStream over `path`, remembered in the sandbox so the batch can close it. */
function dirStream(path: string, box: Sandbox): unknown {
  const stream = new DirStream(path);
  box.streams.push(stream);
  return stream;
}

/** The value of `token` in `box`, for a parameter of `kind` (or the option `key`). */
export function materialize(token: Token, kind: Kind | 'option', box: Sandbox, key = ''): unknown {
  switch (token.t) {
    case 'name': {
      const path = `${box.dir}/${token.name}`;
      if (token.form === 'string') return path;
      if (token.form === 'buffer') return Buffer.from(path);
      if (token.form === 'uint8') return new Uint8Array(Buffer.from(path));
      return pathToFileURL(path);
    }
    case 'bytes': {
      let bytes = token.bytes.map((b) => (b === 0x2f ? 0x5f : b));
      if (bytes.every((b) => b === 0x2e) && bytes.length <= 2) bytes = [0x6e];
      return Buffer.concat([Buffer.from(`${box.dir}/`), Buffer.from(bytes)]);
    }
    case 'exotic':
      return exotic(token.which, box.dir);
    case 'fd':
      return box.fds.length === 0 ? kDeadFdBase + token.index : box.fds[token.index % box.fds.length];
    case 'buf':
      return buffer(token.type, token.size);
    case 'date':
      return new Date(token.ms);
    case 'signal': {
      if (token.which === 'aborted') {
        const reason = new Error('aborted before the call');
        box.preAborted.push(reason);
        return AbortSignal.abort(reason);
      }
      if (token.which === 'fake') return { aborted: false, addEventListener() {}, removeEventListener() {} };
      if (token.which === 'event-target') return new EventTarget();
      const controller = new AbortController();
      box.controllers.push(controller);
      return controller.signal;
    }
    case 'fn': {
      if (key !== 'callback') return () => {};
      const record = { calls: 0, errors: [] as unknown[] };
      box.callbacks.push(record);
      return (err: unknown) => {
        record.calls++;
        record.errors.push(err);
        box.onCallback();
      };
    }
    case 'stream':
      return dirStream(`${box.dir}/${token.name}`, box);
    default:
      return kind === 'fd' || kind === 'pathOrFd' ? safeFd(token.v, box) : token.v;
  }
}

/** The argument list of `call` in `box`: positional values (missing ones undefined), then the options. */
export function argsOf(call: Call, box: Sandbox): unknown[] {
  const kinds = kSchema[call.name] ?? new Array<Kind>(call.args.length).fill('int');
  const args: unknown[] = call.args
    .slice(0, call.arity)
    .map((token, i) => materialize(token, kinds[i] ?? 'int', box));
  while (args.length < kinds.length) args.push(undefined);
  const { options } = call;
  if (options === undefined) return args.slice(0, call.arity);
  if ('t' in options && typeof options.t === 'string')
    return [...args, materialize(options as Token, 'option', box)];
  const record: Record<string, unknown> = {};
  for (const [key, token] of Object.entries(options as Record<string, Token>)) {
    record[key] = materialize(token, 'option', box, key);
  }
  return [...args, record];
}

/** `call` as one printable line, for failure messages. */
export function describeCall(call: Call, args: unknown[]): string {
  return `${call.name}(${args.map((a) => inspect(a, { depth: 2, breakLength: Infinity, maxStringLength: 60 })).join(', ')})`;
}

/**
 * A sandbox for calls that never run: a directory that does not exist and
 * no descriptors, so every descriptor number becomes a dead one.
 */
export function pausedSandbox(): Sandbox {
  return {
    dir: '/nonexistent-ioaio-fuzz',
    fds: [],
    controllers: [],
    preAborted: [],
    callbacks: [],
    streams: [],
    onCallback: () => {},
  };
}

/** A sandbox for batches that run: the fixture of `kFixtureNames` in a fresh temporary directory, three descriptors open on it. */
export function makeSandbox(): Sandbox {
  const dir = tempDir('ioaio-fuzz-');
  writeFileSync(join(dir, 'f0'), '');
  writeFileSync(join(dir, 'f1'), 'x'.repeat(100));
  writeFileSync(join(dir, 'f2'), Buffer.alloc(70_000, 3));
  mkdirSync(join(dir, 'd0/sub'), { recursive: true });
  mkdirSync(join(dir, 'd1'));
  writeFileSync(join(dir, 'd0/g0'), 'g0');
  writeFileSync(join(dir, 'd0/sub/h0'), 'h0');
  symlinkSync(join(dir, 'f1'), join(dir, 'l0'));
  symlinkSync(join(dir, 'd0'), join(dir, 'l1'));
  symlinkSync(join(dir, 'missing'), join(dir, 'l2'));
  const fds = [
    openSync(join(dir, 'f1'), 'r+'),
    openSync(join(dir, 'f2'), 'r'),
    openSync(join(dir, 'd0'), 'r'),
  ];
  return { dir, fds, controllers: [], preAborted: [], callbacks: [], streams: [], onCallback: () => {} };
}
