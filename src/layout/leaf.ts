/**
 * Leaf: one record, key and value inline.
 *
 * ```
 *  +0  u8  reserved (0)
 *  +1  u8  type = NODE_LEAF
 *  +2  u16 key length
 *  +4  u32 value length
 *  +8  f64 version (a safe integer; the record version)
 *  +16 key bytes, then value bytes
 *  size = align8(16 + key length + value length)
 * ```
 * Keys are stored whole and length-delimited (no terminator byte), so any byte
 * string is a legal key, including ones containing 0x00, and a key may be a
 * prefix of another key (the shorter one hangs off its parent's terminal ref).
 */
import type { Frame } from './frame.js';
import { align8 } from './node-types.js';

export const LEAF_KEY_LEN = 2;
export const LEAF_VALUE_LEN = 4;
export const LEAF_VERSION = 8;
export const LEAF_HEADER_SIZE = 16;

/** Largest key in bytes. Path-shaped keys are far shorter (S3 caps keys at 1,024). */
export const MAX_KEY_BYTES = 16_384;
/** Largest value in bytes; a frame holds at least three such leaves. */
export const MAX_VALUE_BYTES = 128 * 1024;

export function leafSize(keyLen: number, valueLen: number): number {
  return align8(LEAF_HEADER_SIZE + keyLen + valueLen);
}

export function leafKeyLen(f: Frame, off: number): number {
  return f.u16[(off + LEAF_KEY_LEN) >>> 1]!;
}

export function leafValueLen(f: Frame, off: number): number {
  return f.u32[(off + LEAF_VALUE_LEN) >>> 2]!;
}

export function leafVersion(f: Frame, off: number): number {
  return f.f64[(off + LEAF_VERSION) >>> 3]!;
}

/** Offset of the leaf's key bytes; its value bytes follow them. */
export function leafKeyStart(off: number): number {
  return off + LEAF_HEADER_SIZE;
}

/** True when the leaf at `off` holds exactly `key[0..keyLen)`. */
export function leafKeyEquals(f: Frame, off: number, key: Uint8Array, keyLen: number): boolean {
  if (f.u16[(off + LEAF_KEY_LEN) >>> 1] !== keyLen) return false;
  const u8 = f.u8;
  const base = off + LEAF_HEADER_SIZE;
  // Compare from the end: path-shaped keys share long heads, so tails differ first.
  for (let i = keyLen - 1; i >= 0; i--) if (u8[base + i] !== key[i]) return false;
  return true;
}

/** Write every field of a leaf body at `off` (sized for it by the caller) and note its version in the frame. */
export function writeLeafBody(
  f: Frame, off: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number, version: number,
): void {
  const u8 = f.u8;
  f.u16[(off + LEAF_KEY_LEN) >>> 1] = keyLen;
  f.u32[(off + LEAF_VALUE_LEN) >>> 2] = valueLen;
  f.f64[(off + LEAF_VERSION) >>> 3] = version;
  const k = off + LEAF_HEADER_SIZE;
  // `set` of a whole array is one native copy; a view for a part costs an
  // allocation, which a byte loop beats only for a few dozen bytes.
  if (keyLen === key.length) u8.set(key, k);
  else for (let i = 0; i < keyLen; i++) u8[k + i] = key[i]!;
  const v = k + keyLen;
  if (valueLen === value.length) u8.set(value, v);
  else if (valueLen <= 32) for (let i = 0; i < valueLen; i++) u8[v + i] = value[i]!;
  else u8.set(value.subarray(0, valueLen), v);
  f.noteVersion(version);
}
