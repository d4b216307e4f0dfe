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
