#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createAio } from '../index.js';
import { kUsage, parseOptions, type TreescanOptions, UsageError } from './options.js';
import { Treescan } from './treescan.js';

declare const __IOAIO_VERSION__: string | undefined;

/**
 * The arguments as bytes where that matters. Node decodes argv as UTF-8 and
 * turns invalid bytes into U+FFFD, so `treescan $'dir\xff'` would name a
 * file that does not exist; Perl's treescan gets the bytes.
 * Platform: Linux keeps them in /proc/self/cmdline (NUL-terminated). An
 * argument that is valid UTF-8 stays a string; elsewhere, or if the two
 * views disagree, `args` is used as it is.
 */
function rawArgs(args: readonly string[]): (string | Buffer)[] {
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return [...args];
  }
  const all: Buffer[] = [];
  for (let start = 0, end = cmdline.indexOf(0); end >= 0; start = end + 1, end = cmdline.indexOf(0, start)) {
    all.push(cmdline.subarray(start, end));
  }
  const tail = all.slice(all.length - args.length);
  if (tail.length !== args.length || tail.some((bytes, i) => bytes.toString() !== args[i])) return [...args];
  return tail.map((bytes, i) => {
    const text = args[i] as string;
    return Buffer.from(text).equals(bytes) ? text : Buffer.from(bytes);
  });
}

/** Runs treescan with `argv` (without node and the script); resolves with the exit status. */
export async function main(argv: readonly (string | Buffer)[]): Promise<number> {
  let options: TreescanOptions;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`treescan: ${err.message}\n${kUsage}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(kUsage);
    return 0;
  }
  if (options.version) {
    process.stdout.write(
      `treescan (ioaio) ${typeof __IOAIO_VERSION__ === 'string' ? __IOAIO_VERSION__ : 'dev'}\n`,
    );
    return 0;
  }
  const scan = new Treescan(createAio({ maxParallel: 64 }), options, {
    stdout: process.stdout,
    stderr: process.stderr,
  });
  let interrupted = false;
  const interrupt = (): void => {
    interrupted = true;
    scan.stop();
    dieIfStuck();
  };
  process.once('SIGINT', interrupt);
  const status = await scan.run();
  process.off('SIGINT', interrupt);
  return interrupted ? kInterruptedStatus : status;
}

/** What a shell reports for a command ended by Ctrl-C (128 + SIGINT). */
const kInterruptedStatus = 130;
/** How long an interrupted scan may take to end on its own. */
const kInterruptGraceMs = 500;

/**
 * After Ctrl-C the scan stops issuing requests and ends with status 130 once
 * the requests already running are back and the lines already formed are
 * written. If that takes longer than the grace (a reader that stopped reading,
 * a system call stuck on a dead mount), the process dies by SIGINT itself,
 * which the shell also reports as 130. Platform: process.exit() would wait
 * for the stuck libuv thread; a signal does not. A second Ctrl-C does the
 * same at once: the handler was a `once`.
 */
function dieIfStuck(): void {
  setTimeout(() => process.kill(process.pid, 'SIGINT'), kInterruptGraceMs).unref();
}

/**
 * The line for an error that escaped the scan: a coded error (a system call
 * that failed) is its code and words, no stack; anything else is a bug, shown
 * with its stack so it can be reported.
 */
function failureLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return err.stack ?? err.message;
  // Node's messages already start with the code: "ENOSPC: no space left on device, write".
  return err.message.startsWith(`${code}:`) ? err.message : `${code}: ${err.message}`;
}

main(rawArgs(process.argv.slice(2))).then(
  (status) => {
    process.exitCode = status;
  },
  (err: unknown) => {
    process.stderr.write(`treescan: ${failureLine(err)}\n`);
    process.exitCode = 1;
  },
);
