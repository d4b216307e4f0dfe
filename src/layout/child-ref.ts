/**
 * Child references: a u16 that names a node body inside the same frame.
 *
 * ```
 *  ref = offset / 8 - DATA_START / 8 + 1      (0 = no child)
 * ```
 * Bodies are 8-byte aligned and the data area is 479,232 bytes, so the largest
 * ref is 59,904 and fits a u16. Inner nodes, Prefix nodes and the header's root
 * field all store refs in this form, which keeps Node4 at 16 bytes.
 */
import { DATA_START } from './frame-header.js';

const REF_BIAS = (DATA_START >>> 3) - 1;

export const NULL_REF = 0;

export function encodeRef(offset: number): number {
  return (offset >>> 3) - REF_BIAS;
}

export function decodeRef(ref: number): number {
  return (ref + REF_BIAS) << 3;
}
