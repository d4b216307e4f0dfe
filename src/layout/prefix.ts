/**
 * Prefix: path compression, a run of key bytes with one child.
 *
 * ```
 *  +0 u8  reserved (0)
 *  +1 u8  type = NODE_PREFIX
 *  +2 u16 prefix length (1..PREFIX_MAX_INLINE)
 *  +4 u16 child ref
 *  +6 u16 reserved
 *  +8 prefix bytes
 *  size = align8(8 + prefix length)
 * ```
 * Longer runs become chains of Prefix nodes. The body is sized to its bytes
 * (path segments are short), not a fixed 128 bytes, so small prefixes stay cheap.
 */
import type { Frame } from './frame.js';
import { align8 } from './node-types.js';

export const PREFIX_LEN = 2;
export const PREFIX_CHILD = 4;
export const PREFIX_BYTES = 8;
export const PREFIX_MAX_INLINE = 248;
/**
 * Key bytes a walk's path may grow by at one node: a whole Prefix and the
 * next branch byte (PREFIX_MAX_INLINE + 1), rounded up. Scans reserve this
 * much path room per node they push.
 */
export const NODE_PATH_RESERVE = 260;

export function prefixSize(len: number): number {
  return align8(PREFIX_BYTES + len);
}

/** How many key bytes the Prefix at `off` holds. */
export function prefixLen(f: Frame, off: number): number {
  return f.u16[(off + PREFIX_LEN) >>> 1]!;
}

export function setPrefixLen(f: Frame, off: number, len: number): void {
  f.u16[(off + PREFIX_LEN) >>> 1] = len;
}
