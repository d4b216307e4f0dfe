/**
 * Reading a found leaf: copies of its key and value that stay valid after
 * later writes (the frame bytes they came from are reused by the next write,
 * a compaction or an eviction), or a borrowed view of the value for a caller
 * that consumes it before the next step.
 *
 * Every reader of a record goes through these (`get`, `getRecord`,
 * `longestPrefix`, scans, atomic-batch guards, rename), so what "a copy of the
 * value" means is decided once.
 */
import type { Frame } from '../layout/frame.js';
import { leafKeyLen, leafKeyStart, leafValueLen, leafVersion } from '../layout/leaf.js';

/** A record copied out of its leaf. */
export interface LeafRecord {
  key: Buffer;
  value: Buffer;
  version: number;
}

/** A Buffer copy of `src[start..start+len)`. */
export function copyOut(src: Buffer, start: number, len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  // A byte loop beats the native copy call for the short values metadata stores hold.
  if (len <= 192) for (let i = 0; i < len; i++) out[i] = src[start + i]!;
  else src.copy(out, 0, start, start + len);
  return out;
}

/** A copy of the key of the leaf at `off`. */
export function leafKey(f: Frame, off: number): Buffer {
  return copyOut(f.u8, leafKeyStart(off), leafKeyLen(f, off));
}

/** A copy of the value of the leaf at `off`. */
export function leafValue(f: Frame, off: number): Buffer {
  return copyOut(f.u8, leafKeyStart(off) + leafKeyLen(f, off), leafValueLen(f, off));
}

/** The value of the leaf at `off` as a view into the frame: valid only until the tree or the cache next changes. */
export function leafValueView(f: Frame, off: number): Buffer {
  const vs = leafKeyStart(off) + leafKeyLen(f, off);
  return f.u8.subarray(vs, vs + leafValueLen(f, off));
}

/** Key, value (copies) and version of the leaf at `off`. */
export function leafRecord(f: Frame, off: number): LeafRecord {
  return { key: leafKey(f, off), value: leafValue(f, off), version: leafVersion(f, off) };
}
