// Machine facts that every results table is printed with.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
};

/**
 * File-system type of `dir`: `df -T` names ext4 as such, `stat -f` only as
 * ext2/ext3, so df is asked first.
 * @param {string} dir
 * @returns {string}
 */
export function fsType(dir) {
  const df = sh('df', ['--output=fstype', dir]).split('\n')[1]?.trim();
  return df || sh('stat', ['-f', '-c', '%T', dir]) || 'unknown';
}

/** Version of an installed npm package, as the bench resolves it; '—' if absent. */
export function packageVersion(name) {
  try {
    let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
    for (;;) {
      const pj = path.join(dir, 'package.json');
      if (fs.existsSync(pj)) {
        const meta = JSON.parse(fs.readFileSync(pj, 'utf8'));
        if (meta.name === name) return meta.version;
      }
      if (dir === path.dirname(dir)) return '—';
      dir = path.dirname(dir);
    }
  } catch {
    return '—';
  }
}

/**
 * Facts about this machine and toolchain for the header of a results file.
 * @param {string} benchDir the fixture directory, for its file-system type
 * @param {string[]} [packages] npm packages whose versions to report
 * @returns {Record<string, string>}
 */
export function machineInfo(benchDir, packages = []) {
  const cpus = os.cpus();
  const info = {
    nproc: sh('nproc', []) || String(os.availableParallelism()),
    cpu: cpus[0]?.model ?? 'unknown',
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    'bench dir': `${benchDir} (${fsType(benchDir)})`,
    perl:
      sh('perl', ['-MIO::AIO', '-e', 'printf "%vd, IO::AIO %s", $^V, $IO::AIO::VERSION']) ||
      'IO::AIO not installed',
  };
  for (const p of packages) info[p] = packageVersion(p);
  return info;
}

/**
 * The same facts as one Markdown bullet list.
 * @param {Record<string, string>} info
 * @returns {string}
 */
export const machineMarkdown = (info) =>
  Object.entries(info)
    .map(([k, v]) => `- ${k}: ${v}`)
    .join('\n');
