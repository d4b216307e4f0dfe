/**
 * Ordered child stepping for scans: the next child at or after a byte, or at
 * or before it. The child's offset is left in `outStep.child`.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef } from '../layout/child-ref.js';
import {
  INNER_COUNT, N16_CHILDREN, N16_KEYS, N256_CHILDREN, N48_CHILDREN, N48_INDEX, N4_CHILDREN, N4_KEYS,
} from '../layout/inner-nodes.js';
import { NODE_16, NODE_4, NODE_48 } from '../layout/node-types.js';

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `childAtOrAfter` and
 * `childAtOrBefore`: the offset of the child at the byte they return, read by
 * the scan right after the call.
 */
export const outStep = { child: 0 };

/** Smallest child byte >= `from` (0..255), or -1. */
export function childAtOrAfter(f: Frame, off: number, type: number, from: number): number {
  const u8 = f.u8;
  const u16 = f.u16;
  if (type === NODE_4 || type === NODE_16) {
    const n = u8[off + INNER_COUNT]!;
    const keys = off + (type === NODE_4 ? N4_KEYS : N16_KEYS);
    const kids = (off + (type === NODE_4 ? N4_CHILDREN : N16_CHILDREN)) >>> 1;
    // Keys are sorted and often a dense run: start where a run would put `from`, if
    // every key before that slot is below it (else from the first slot).
    let i = from - u8[keys]!;
    if (i < 0 || i >= n || u8[keys + i - 1]! >= from) i = 0;
    for (; i < n; i++) {
      const b = u8[keys + i]!;
      if (b >= from) { outStep.child = decodeRef(u16[kids + i]!); return b; }
    }
    return -1;
  }
  if (type === NODE_48) {
    for (let b = from; b < 256; b++) {
      const idx = u8[off + N48_INDEX + b]!;
      if (idx !== 0) { outStep.child = decodeRef(u16[((off + N48_CHILDREN) >>> 1) + idx - 1]!); return b; }
    }
    return -1;
  }
  const kids = (off + N256_CHILDREN) >>> 1;
  for (let b = from; b < 256; b++) {
    const r = u16[kids + b]!;
    if (r !== 0) { outStep.child = decodeRef(r); return b; }
  }
  return -1;
}

/** Largest child byte <= `from` (0..255), or -1. */
export function childAtOrBefore(f: Frame, off: number, type: number, from: number): number {
  const u8 = f.u8;
  const u16 = f.u16;
  if (type === NODE_4 || type === NODE_16) {
    const n = u8[off + INNER_COUNT]!;
    const keys = off + (type === NODE_4 ? N4_KEYS : N16_KEYS);
    const kids = (off + (type === NODE_4 ? N4_CHILDREN : N16_CHILDREN)) >>> 1;
    for (let i = n - 1; i >= 0; i--) {
      const b = u8[keys + i]!;
      if (b <= from) { outStep.child = decodeRef(u16[kids + i]!); return b; }
    }
    return -1;
  }
  if (type === NODE_48) {
    for (let b = from; b >= 0; b--) {
      const idx = u8[off + N48_INDEX + b]!;
      if (idx !== 0) { outStep.child = decodeRef(u16[((off + N48_CHILDREN) >>> 1) + idx - 1]!); return b; }
    }
    return -1;
  }
  const kids = (off + N256_CHILDREN) >>> 1;
  for (let b = from; b >= 0; b--) {
    const r = u16[kids + b]!;
    if (r !== 0) { outStep.child = decodeRef(r); return b; }
  }
  return -1;
}
