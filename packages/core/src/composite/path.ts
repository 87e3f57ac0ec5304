/** A path or a name as the requests take and give them: a string, or raw bytes. */
export type PathBytes = string | Buffer;

const kSlash = 0x2f;

/** `dir + '/' + name`, for strings and Buffers alike, with no normalisation. */
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

/** Removes every trailing slash (`'a//'` → `'a'`, `'/'` → `''`), as treescan does with its roots. */
export function stripTrailingSlashes(path: PathBytes): PathBytes {
  let end = path.length;
  if (typeof path === 'string') {
    while (end > 0 && path.charCodeAt(end - 1) === kSlash) end--;
    return path.slice(0, end);
  }
  while (end > 0 && path[end - 1] === kSlash) end--;
  return path.subarray(0, end);
}
