/**
 * A directory listing as the kernel gave it: names (UTF-8 decoded, as fs.readdir does, or
 * latin1: one character per byte, so `Buffer.from(name, 'latin1')` has the bytes back),
 * `d_type` per entry (DT_UNKNOWN = 0 where the file system does not say) and inode numbers.
 * `.` and `..` are left out; order is the kernel's.
 */
export interface NativeDirents {
  names: string[];
  types: Uint8Array;
  inos: Float64Array;
}

const kHeaderBytes = 11; // u16 name length, u8 d_type, f64 inode

/** Entries in a packed listing (one pass over the headers). */
function countEntries(buf: Buffer): number {
  let n = 0;
  for (let at = 0; at < buf.length; n++)
    at += kHeaderBytes + ((buf[at] as number) | ((buf[at + 1] as number) << 8));
  return n;
}

/**
 * Decodes the addon's packed readdir result: per entry a u16 name length, the d_type byte,
 * the inode as a little-endian double, then the name bytes.
 */
export function decodeDirents(buf: Buffer, encoding: 'utf8' | 'latin1' = 'utf8'): NativeDirents {
  const n = countEntries(buf);
  const names = new Array<string>(n);
  const types = new Uint8Array(n);
  const inos = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = (buf[at] as number) | ((buf[at + 1] as number) << 8);
    types[i] = buf[at + 2] as number;
    inos[i] = buf.readDoubleLE(at + 3);
    names[i] = buf.toString(encoding, at + kHeaderBytes, at + kHeaderBytes + len);
    at += kHeaderBytes + len;
  }
  return { names, types, inos };
}
