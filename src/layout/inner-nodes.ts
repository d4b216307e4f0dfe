/**
 * Inner nodes: Node4, Node16, Node48, Node256.
 *
 * Common to all four:
 * ```
 *  +0 u8  child count (Node256: saturates, see +4)
 *  +1 u8  type
 *  +2 u16 terminal ref: the leaf whose key ends exactly at this node's depth (0 = none)
 * ```
 * Node4 (16 bytes):    +4 keys[4] (sorted)     +8 children u16[4]
 * Node16 (56 bytes):   +4 reserved             +8 keys[16] (sorted)   +24 children u16[16]
 * Node48 (360 bytes):  +4 reserved             +8 index[256] (1-based slot into children, 0 = none)
 *                      +264 children u16[48]
 * Node256 (520 bytes): +4 u16 child count      +8 children u16[256] indexed by byte
 *
 * Grow on the 5th / 17th / 49th child; shrink with hysteresis (Node256 -> 48
 * at <= 37 children, 48 -> 16 at <= 12, 16 -> 4 at <= 3) so that alternating
 * insert/delete at a capacity boundary does not reallocate every time.
 */
import { NODE_4, NODE_16, NODE_48, NODE_256 } from './node-types.js';

export const INNER_COUNT = 0;
export const INNER_TERMINAL = 2;

export const N4_KEYS = 4;
export const N4_CHILDREN = 8;
export const N4_SIZE = 16;
export const N4_CAPACITY = 4;

export const N16_KEYS = 8;
export const N16_CHILDREN = 24;
export const N16_SIZE = 56;
export const N16_CAPACITY = 16;

export const N48_INDEX = 8;
export const N48_CHILDREN = 264;
export const N48_SIZE = 360;
export const N48_CAPACITY = 48;

export const N256_COUNT = 4;
export const N256_CHILDREN = 8;
export const N256_SIZE = 520;
export const N256_CAPACITY = 256;

/** Shrink thresholds (inclusive): shrink when the child count falls to this or below. */
export const SHRINK_256_TO_48 = 37;
export const SHRINK_48_TO_16 = 12;
export const SHRINK_16_TO_4 = 3;

export function innerSize(type: number): number {
  switch (type) {
    case NODE_4: return N4_SIZE;
    case NODE_16: return N16_SIZE;
    case NODE_48: return N48_SIZE;
    default: return N256_SIZE;
  }
}

export function innerCapacity(type: number): number {
  switch (type) {
    case NODE_4: return N4_CAPACITY;
    case NODE_16: return N16_CAPACITY;
    case NODE_48: return N48_CAPACITY;
    default: return N256_CAPACITY;
  }
}

/** The smallest inner type that holds `count` children. */
export function innerTypeFor(count: number): number {
  if (count <= N4_CAPACITY) return NODE_4;
  if (count <= N16_CAPACITY) return NODE_16;
  if (count <= N48_CAPACITY) return NODE_48;
  return NODE_256;
}

export function isInner(type: number): boolean {
  return type >= NODE_4 && type <= NODE_256;
}

/** The type an inner node with `count` children should shrink to, or its own type. */
export function shrinkTarget(type: number, count: number): number {
  if (type === NODE_256 && count <= SHRINK_256_TO_48) return NODE_48;
  if (type === NODE_48 && count <= SHRINK_48_TO_16) return NODE_16;
  if (type === NODE_16 && count <= SHRINK_16_TO_4) return NODE_4;
  return type;
}
