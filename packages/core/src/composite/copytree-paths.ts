/**
 * Copytree holds paths as bytes in latin1 strings (one character per byte:
 * lossless, and cheap), so names that are not UTF-8 are copied as they are.
 * These helpers turn such a raw path into what requests and errors take.
 */
import { type PathBytes, stripTrailingSlashes } from './path.js';

/**
 * The bytes a raw path stands for, as requests take them.
 * @example rawBytes('a/\xff'); // <Buffer 61 2f ff>
 */
export function rawBytes(raw: string): Buffer {
  return Buffer.from(raw, 'latin1');
}

/**
 * A root as a raw string, trailing slashes gone (a root of slashes only stays `/`).
 * @example rawRoot('dst//'); // 'dst'
 */
export function rawRoot(path: PathBytes): string {
  const raw = (typeof path === 'string' ? Buffer.from(path) : path).toString('latin1');
  const stripped = stripTrailingSlashes(raw) as string;
  return stripped.length === 0 && raw.length > 0 ? '/' : stripped;
}

/**
 * The directory a path that does not exist yet would be made in.
 * @example parentOf('a/b'); // 'a'
 */
export function parentOf(raw: string): string {
  const cut = raw.lastIndexOf('/');
  if (cut < 0) return '.';
  return cut === 0 ? '/' : raw.slice(0, cut);
}

/**
 * A raw path for errors: text, with U+FFFD for bytes that are not UTF-8.
 * @example shownPath('a/\xff'); // 'a/\uFFFD'
 */
export function shownPath(raw: string): string {
  return rawBytes(raw).toString();
}
