/**
 * Inner nodes (Node4/16/48/256) inside one frame: child lookup by byte,
 * ordered visits, and adding and removing children. A full node grows to the
 * next type on add; removing never shrinks by itself: erase decides with
 * `shrinkTarget` (layout/inner-nodes.ts), whose hysteresis keeps alternating
 * insert/delete at a boundary from reallocating every time, and rebuilds the
 * node with `rebuildInner`.
 *
 * Children are addressed through ref locations (node-ops.ts): a grow writes
 * the new node's ref where the old one was held.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef, encodeRef } from '../layout/child-ref.js';
import {
  INNER_COUNT, INNER_TERMINAL, N16_CAPACITY, N16_CHILDREN, N16_KEYS, N16_SIZE, N256_CHILDREN, N256_COUNT,
  N256_SIZE, N48_CAPACITY, N48_CHILDREN, N48_INDEX, N48_SIZE, N4_CAPACITY, N4_CHILDREN, N4_KEYS, innerSize,
} from '../layout/inner-nodes.js';
import { NODE_16, NODE_256, NODE_4, NODE_48 } from '../layout/node-types.js';
import { writeRef } from './node-ops.js';

export function innerCount(f: Frame, off: number, type: number): number {
  return type === NODE_256 ? f.u16[(off + N256_COUNT) >>> 1]! : f.u8[off + INNER_COUNT]!;
}

/** Ref location of the child for byte `b`, or -1. */
export function findChildLoc(f: Frame, off: number, type: number, b: number): number {
  const u8 = f.u8;
  switch (type) {
    case NODE_4: {
      const n = u8[off + INNER_COUNT]!;
      for (let i = 0; i < n; i++) if (u8[off + N4_KEYS + i] === b) return off + N4_CHILDREN + 2 * i;
      return -1;
    }
    case NODE_16: {
      const n = u8[off + INNER_COUNT]!;
      const k = off + N16_KEYS;
      // Keys are sorted and often a dense run (digits): try the slot a run would put b in first.
      const guess = b - u8[k]!;
      if (guess >= 0 && guess < n && u8[k + guess] === b) return off + N16_CHILDREN + 2 * guess;
      for (let i = 0; i < n; i++) {
        const kb = u8[k + i]!;
        if (kb === b) return off + N16_CHILDREN + 2 * i;
        if (kb > b) return -1;
      }
      return -1;
    }
    case NODE_48: {
      const idx = u8[off + N48_INDEX + b]!;
      return idx === 0 ? -1 : off + N48_CHILDREN + 2 * (idx - 1);
    }
    default: {
      const loc = off + N256_CHILDREN + 2 * b;
      return f.u16[loc >>> 1] === 0 ? -1 : loc;
    }
  }
}

/** Bytes an `addChild` may need (a grow). */
export function addChildBytes(f: Frame, off: number, type: number): number {
  const count = innerCount(f, off, type);
  if (type === NODE_4 && count >= N4_CAPACITY) return N16_SIZE;
  if (type === NODE_16 && count >= N16_CAPACITY) return N48_SIZE;
  if (type === NODE_48 && count >= N48_CAPACITY) return N256_SIZE;
  return 0;
}

/**
 * Add child `b -> child` to the inner node at `off` (held at `refLoc`), growing it
 * when full. The byte must not be present yet.
 */
export function addChild(f: Frame, refLoc: number, off: number, type: number, b: number, child: number): void {
  const u8 = f.u8;
  const u16 = f.u16;
  const count = innerCount(f, off, type);
  const c = encodeRef(child);
  switch (type) {
    case NODE_4:
    case NODE_16: {
      const cap = type === NODE_4 ? N4_CAPACITY : N16_CAPACITY;
      if (count >= cap) break;
      const keys = off + (type === NODE_4 ? N4_KEYS : N16_KEYS);
      const kids = (off + (type === NODE_4 ? N4_CHILDREN : N16_CHILDREN)) >>> 1;
      let i = count;
      while (i > 0 && u8[keys + i - 1]! > b) {
        u8[keys + i] = u8[keys + i - 1]!;
        u16[kids + i] = u16[kids + i - 1]!;
        i--;
      }
      u8[keys + i] = b;
      u16[kids + i] = c;
      u8[off + INNER_COUNT] = count + 1;
      return;
    }
    case NODE_48: {
      if (count >= N48_CAPACITY) break;
      const kids = (off + N48_CHILDREN) >>> 1;
      let slot = 0;
      while (u16[kids + slot] !== 0) slot++;
      u16[kids + slot] = c;
      u8[off + N48_INDEX + b] = slot + 1;
      u8[off + INNER_COUNT] = count + 1;
      return;
    }
    default: {
      u16[(off + N256_CHILDREN + 2 * b) >>> 1] = c;
      u16[(off + N256_COUNT) >>> 1] = count + 1;
      u8[off + INNER_COUNT] = Math.min(count + 1, 255);
      return;
    }
  }
  // Full: move to the next size up, then add.
  const bigger = type + 1;
  const grown = rebuildInner(f, off, type, bigger);
  writeRef(f, refLoc, grown);
  f.free(off, innerSize(type), type);
  addChild(f, refLoc, grown, bigger, b, child);
}

/** Remove the child for byte `b` (must be present). Does not shrink. */
export function removeChild(f: Frame, off: number, type: number, b: number): void {
  const u8 = f.u8;
  const u16 = f.u16;
  const count = innerCount(f, off, type);
  switch (type) {
    case NODE_4:
    case NODE_16: {
      const keys = off + (type === NODE_4 ? N4_KEYS : N16_KEYS);
      const kids = (off + (type === NODE_4 ? N4_CHILDREN : N16_CHILDREN)) >>> 1;
      let i = 0;
      while (u8[keys + i] !== b) i++;
      for (; i < count - 1; i++) {
        u8[keys + i] = u8[keys + i + 1]!;
        u16[kids + i] = u16[kids + i + 1]!;
      }
      u8[keys + count - 1] = 0;
      u16[kids + count - 1] = 0;
      u8[off + INNER_COUNT] = count - 1;
      return;
    }
    case NODE_48: {
      const idx = u8[off + N48_INDEX + b]!;
      u16[((off + N48_CHILDREN) >>> 1) + idx - 1] = 0;
      u8[off + N48_INDEX + b] = 0;
      u8[off + INNER_COUNT] = count - 1;
      return;
    }
    default: {
      u16[(off + N256_CHILDREN + 2 * b) >>> 1] = 0;
      u16[(off + N256_COUNT) >>> 1] = count - 1;
      u8[off + INNER_COUNT] = Math.min(count - 1, 255);
      return;
    }
  }
}

/**
 * Visit the children of an inner node in ascending byte order.
 * `fn(byte, childOffset)`; the terminal is not included.
 */
export function forEachChild(f: Frame, off: number, type: number, fn: (b: number, child: number) => void): void {
  const u8 = f.u8;
  const u16 = f.u16;
  switch (type) {
    case NODE_4:
    case NODE_16: {
      const n = u8[off + INNER_COUNT]!;
      const keys = off + (type === NODE_4 ? N4_KEYS : N16_KEYS);
      const kids = (off + (type === NODE_4 ? N4_CHILDREN : N16_CHILDREN)) >>> 1;
      for (let i = 0; i < n; i++) fn(u8[keys + i]!, decodeRef(u16[kids + i]!));
      return;
    }
    case NODE_48: {
      const kids = (off + N48_CHILDREN) >>> 1;
      for (let b = 0; b < 256; b++) {
        const idx = u8[off + N48_INDEX + b]!;
        if (idx !== 0) fn(b, decodeRef(u16[kids + idx - 1]!));
      }
      return;
    }
    default: {
      const kids = (off + N256_CHILDREN) >>> 1;
      for (let b = 0; b < 256; b++) {
        const r = u16[kids + b]!;
        if (r !== 0) fn(b, decodeRef(r));
      }
    }
  }
}

/**
 * Copy an inner node's children and terminal into a new node of `newType`
 * (which must hold them). Returns the new offset; the old body is untouched.
 */
export function rebuildInner(f: Frame, off: number, type: number, newType: number): number {
  const fresh = f.alloc(innerSize(newType), newType);
  const term = f.u16[(off + INNER_TERMINAL) >>> 1]!;
  f.u16[(fresh + INNER_TERMINAL) >>> 1] = term;
  forEachChild(f, off, type, (b, child) => addChild(f, -1, fresh, newType, b, child));
  return fresh;
}
