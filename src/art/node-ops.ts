/**
 * Node basics inside one frame: a body's type and size, child refs, and a new
 * leaf. The rest of the node operations live by concept: leaf fields in
 * layout/leaf.ts, prefix chains in prefix-chain.ts, inner-node children (add,
 * remove, grow) in inner-node.ts. The walker files (lookup, insert, erase,
 * ...) compose these.
 *
 * A "ref location" is the byte offset of a u16 child ref (child-ref.ts): the
 * header's root field, a Prefix's child field, an inner node's terminal field or
 * one of its child slots. Repointing a node means writing a new ref there.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef, encodeRef } from '../layout/child-ref.js';
import { CROSSING_SIZE } from '../layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import { N16_SIZE, N256_SIZE, N48_SIZE, N4_SIZE } from '../layout/inner-nodes.js';
import { leafKeyLen, leafSize, leafValueLen, writeLeafBody } from '../layout/leaf.js';
import { prefixSize, prefixLen } from '../layout/prefix.js';
import { NODE_16, NODE_4, NODE_48, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';

/** Size in bytes of the body at `off`. */
export function bodySize(f: Frame, off: number): number {
  switch (nodeType(f.u8, off)) {
    case NODE_LEAF: return leafSize(leafKeyLen(f, off), leafValueLen(f, off));
    case NODE_PREFIX: return prefixSize(prefixLen(f, off));
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

/** Write a new leaf; the caller has checked space. Returns its offset. */
export function makeLeaf(
  f: Frame, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number, version: number,
): number {
  const off = f.alloc(leafSize(keyLen, valueLen), NODE_LEAF);
  writeLeafBody(f, off, key, keyLen, value, valueLen, version);
  f.addLiveKeys(1);
  return off;
}
