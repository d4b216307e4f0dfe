/**
 * Node-level operations inside one frame: sizes, child lookup, adding and
 * removing children (with grow and hysteresis shrink), and building leaves and
 * prefix chains. The walker files (lookup, insert, erase, ...) compose these.
 *
 * A "ref location" is the byte offset of a u16 child ref (child-ref.ts): the
 * header's root field, a Prefix's child field, an inner node's terminal field or
 * one of its child slots. Repointing a node means writing a new ref there.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef, encodeRef } from '../layout/child-ref.js';
import { CROSSING_SIZE } from '../layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import {
  INNER_TERMINAL, N16_CAPACITY, N16_CHILDREN, N16_KEYS, N16_SIZE, N256_CHILDREN, N256_COUNT,
  N256_SIZE, N48_CHILDREN, N48_INDEX, N48_SIZE, N4_CAPACITY, N4_CHILDREN, N4_KEYS, N4_SIZE,
  N48_CAPACITY, SHRINK_16_TO_4, SHRINK_256_TO_48, SHRINK_48_TO_16, innerSize, innerTypeFor,
} from '../layout/inner-nodes.js';
import { LEAF_HEADER_SIZE, LEAF_KEY_LEN, LEAF_VALUE_LEN, LEAF_VERSION, leafSize } from '../layout/leaf.js';
import { PREFIX_BYTES, PREFIX_CHILD, PREFIX_LEN, PREFIX_MAX_INLINE, prefixSize } from '../layout/prefix.js';
import {
  NODE_16, NODE_256, NODE_4, NODE_48, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX,
} from '../layout/node-types.js';

export function nodeType(f: Frame, off: number): number {
  return f.u8[off + 1]!;
}

/** Size in bytes of the body at `off`. */
export function bodySize(f: Frame, off: number): number {
  switch (f.u8[off + 1]) {
    case NODE_LEAF: return leafSize(leafKeyLen(f, off), leafValueLen(f, off));
    case NODE_PREFIX: return prefixSize(f.u16[(off + PREFIX_LEN) >>> 1]!);
    case NODE_CROSSING: return CROSSING_SIZE;
    case NODE_EMPTY_ROOT: return EMPTY_ROOT_SIZE;
    case NODE_4: return N4_SIZE;
    case NODE_16: return N16_SIZE;
    case NODE_48: return N48_SIZE;
    default: return N256_SIZE;
  }
}

// ---- refs ----

export function readRef(f: Frame, loc: number): number {
  return decodeRef(f.u16[loc >>> 1]!);
}

export function writeRef(f: Frame, loc: number, off: number): void {
  f.u16[loc >>> 1] = encodeRef(off);
}

export function hasRef(f: Frame, loc: number): boolean {
  return f.u16[loc >>> 1] !== 0;
}

// ---- leaves ----

export function leafKeyLen(f: Frame, off: number): number {
  return f.u16[(off + LEAF_KEY_LEN) >>> 1]!;
}

export function leafValueLen(f: Frame, off: number): number {
  return f.u32[(off + LEAF_VALUE_LEN) >>> 2]!;
}

export function leafVersion(f: Frame, off: number): number {
  return f.f64[(off + LEAF_VERSION) >>> 3]!;
}

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

/** Write a new leaf; the caller has checked space. Returns its offset. */
export function makeLeaf(
  f: Frame, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number, version: number,
): number {
  const off = f.alloc(leafSize(keyLen, valueLen), NODE_LEAF);
  writeLeafBody(f, off, key, keyLen, value, valueLen, version);
  f.addLiveKeys(1);
  return off;
}

export function writeLeafBody(
  f: Frame, off: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number, version: number,
): void {
  const u8 = f.u8;
  f.u16[(off + LEAF_KEY_LEN) >>> 1] = keyLen;
  f.u32[(off + LEAF_VALUE_LEN) >>> 2] = valueLen;
  f.f64[(off + LEAF_VERSION) >>> 3] = version;
  const k = off + LEAF_HEADER_SIZE;
  for (let i = 0; i < keyLen; i++) u8[k + i] = key[i]!;
  const v = k + keyLen;
  // A loop beats subarray + set for the short values metadata stores hold.
  if (valueLen <= 256) for (let i = 0; i < valueLen; i++) u8[v + i] = value[i]!;
  else u8.set(valueLen === value.length ? value : value.subarray(0, valueLen), v);
  f.noteVersion(version);
}

// ---- prefixes ----

export function prefixLen(f: Frame, off: number): number {
  return f.u16[(off + PREFIX_LEN) >>> 1]!;
}

/** Bytes and allocations a prefix chain of `len` bytes needs. */
export function prefixChainBytes(len: number): number {
  let bytes = 0;
  while (len > 0) {
    const n = len > PREFIX_MAX_INLINE ? PREFIX_MAX_INLINE : len;
    bytes += prefixSize(n);
    len -= n;
  }
  return bytes;
}

export function prefixChainNodes(len: number): number {
  return Math.ceil(len / PREFIX_MAX_INLINE);
}

/**
 * Build a chain of Prefix nodes spelling `src[from..to)` (bytes of `srcBuf`,
 * which may be the frame's own bytes) ending at `child`. Returns the head offset,
 * or `child` when the range is empty.
 */
export function makePrefixChain(f: Frame, srcBuf: Uint8Array, from: number, to: number, child: number): number {
  let next = child;
  // Build from the tail so each node can point at the one after it.
  let end = to;
  while (end > from) {
    const n = end - from > PREFIX_MAX_INLINE ? ((end - from) % PREFIX_MAX_INLINE || PREFIX_MAX_INLINE) : end - from;
    const start = end - n;
    const off = f.alloc(prefixSize(n), NODE_PREFIX);
    f.u16[(off + PREFIX_LEN) >>> 1] = n;
    writeRef(f, off + PREFIX_CHILD, next);
    const dst = off + PREFIX_BYTES;
    for (let i = 0; i < n; i++) f.u8[dst + i] = srcBuf[start + i]!;
    next = off;
    end = start;
  }
  return next;
}

// ---- inner nodes ----

export function innerCount(f: Frame, off: number, type: number): number {
  return type === NODE_256 ? f.u16[(off + N256_COUNT) >>> 1]! : f.u8[off]!;
}

/** Ref location of the child for byte `b`, or -1. */
export function findChildLoc(f: Frame, off: number, type: number, b: number): number {
  const u8 = f.u8;
  switch (type) {
    case NODE_4: {
      const n = u8[off]!;
      for (let i = 0; i < n; i++) if (u8[off + N4_KEYS + i] === b) return off + N4_CHILDREN + 2 * i;
      return -1;
    }
    case NODE_16: {
      const n = u8[off]!;
      const k = off + N16_KEYS;
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
      u8[off] = count + 1;
      return;
    }
    case NODE_48: {
      if (count >= N48_CAPACITY) break;
      const kids = (off + N48_CHILDREN) >>> 1;
      let slot = 0;
      while (u16[kids + slot] !== 0) slot++;
      u16[kids + slot] = c;
      u8[off + N48_INDEX + b] = slot + 1;
      u8[off] = count + 1;
      return;
    }
    default: {
      u16[(off + N256_CHILDREN + 2 * b) >>> 1] = c;
      u16[(off + N256_COUNT) >>> 1] = count + 1;
      u8[off] = Math.min(count + 1, 255);
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
      u8[off] = count - 1;
      return;
    }
    case NODE_48: {
      const idx = u8[off + N48_INDEX + b]!;
      u16[((off + N48_CHILDREN) >>> 1) + idx - 1] = 0;
      u8[off + N48_INDEX + b] = 0;
      u8[off] = count - 1;
      return;
    }
    default: {
      u16[(off + N256_CHILDREN + 2 * b) >>> 1] = 0;
      u16[(off + N256_COUNT) >>> 1] = count - 1;
      u8[off] = Math.min(count - 1, 255);
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
      const n = u8[off]!;
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

/** The type an inner node with `count` children should shrink to, or its own type. */
export function shrinkTarget(type: number, count: number): number {
  if (type === NODE_256 && count <= SHRINK_256_TO_48) return NODE_48;
  if (type === NODE_48 && count <= SHRINK_48_TO_16) return NODE_16;
  if (type === NODE_16 && count <= SHRINK_16_TO_4) return NODE_4;
  return type;
}
