#!/usr/bin/env node
import { createAio } from '../context.js';
import { kUsage, parseOptions, type TreescanOptions, UsageError } from './options.js';
import { Treescan } from './treescan.js';

declare const __IOAIO_VERSION__: string | undefined;

/** Runs treescan with `argv` (without node and the script); resolves with the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
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
  const interrupt = (): void => {
    scan.stop();
    process.exitCode = 130;
  };
  process.once('SIGINT', interrupt);
  const status = await scan.run();
  process.off('SIGINT', interrupt);
  return process.exitCode === 130 ? 130 : status;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (err: unknown) => {
    process.stderr.write(`treescan: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
