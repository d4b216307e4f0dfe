/**
 * Node type tags, stored at body byte +1 of every node.
 * Byte +0 is a per-type field (child count for inner nodes).
 */
export const NODE_FREE = 0;
export const NODE_LEAF = 1;
export const NODE_PREFIX = 2;
export const NODE_CROSSING = 3;
export const NODE_4 = 4;
export const NODE_16 = 5;
export const NODE_48 = 6;
export const NODE_256 = 7;
export const NODE_EMPTY_ROOT = 8;

/** Offset of the type tag inside every body. */
export const NODE_TYPE_OFFSET = 1;

/** The type tag of the body at `off` of a frame's bytes `u8`. */
export function nodeType(u8: Uint8Array, off: number): number {
  return u8[off + NODE_TYPE_OFFSET]!;
}

/**
 * A fixed-size body on its type's free list (frame.ts):
 * ```
 *  +0 u8 0   +1 u8 type = NODE_FREE   +4 u32 offset of the next free body (0 = end)
 * ```
 */
export const FREE_BODY_NEXT = 4;

export function nodeTypeName(type: number): string {
  switch (type) {
    case NODE_LEAF: return 'Leaf';
    case NODE_PREFIX: return 'Prefix';
    case NODE_CROSSING: return 'Crossing';
    case NODE_4: return 'Node4';
    case NODE_16: return 'Node16';
    case NODE_48: return 'Node48';
    case NODE_256: return 'Node256';
    case NODE_EMPTY_ROOT: return 'EmptyRoot';
    default: return `Invalid(${type})`;
  }
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}
