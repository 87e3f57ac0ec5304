/**
 * A path or a name as the requests take and give them: a string, or raw bytes.
 * @example const name: PathBytes = Buffer.from([0x66, 0xff]); // not valid UTF-8, still a name
 */
export type PathBytes = string | Buffer;

const kSlash = 0x2f;

/**
 * `dir + '/' + name`, for strings and Buffers alike, with no normalisation:
 * how the walk and scandir make the paths they hand out. Two strings give a
 * string; a Buffer on either side gives a Buffer (a string side as UTF-8).
 * @example
 * joinPath('a/./b', 'c'); // 'a/./b/c'
 * joinPath('', 'etc'); // '/etc'
 * joinPath(Buffer.from('d'), Buffer.from([0xff])); // <Buffer 64 2f ff>
 */
export function joinPath(dir: PathBytes, name: PathBytes): PathBytes {
  if (typeof dir === 'string' && typeof name === 'string') return `${dir}/${name}`;
  const head = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const tail = typeof name === 'string' ? Buffer.from(name) : name;
  const out = Buffer.allocUnsafe(head.length + 1 + tail.length);
  head.copy(out, 0);
  out[head.length] = kSlash;
  tail.copy(out, head.length + 1);
  return out;
}

/**
 * Removes every trailing slash, as treescan and the walk do with their roots
 * (so a root of slashes only becomes `''`, which the walk reads as `/`).
 * @example
 * stripTrailingSlashes('a//'); // 'a'
 * stripTrailingSlashes('/'); // ''
 * stripTrailingSlashes(Buffer.from('x/')); // <Buffer 78>
 */
export function stripTrailingSlashes(path: PathBytes): PathBytes {
  let end = path.length;
  if (typeof path === 'string') {
    while (end > 0 && path.charCodeAt(end - 1) === kSlash) end--;
    return path.slice(0, end);
  }
  while (end > 0 && path[end - 1] === kSlash) end--;
  return path.subarray(0, end);
}
