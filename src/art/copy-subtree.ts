/**
 * Deep copy of a subtree from one frame into another, the building block of
 * compaction, spillover and merge.
 *
 * Bodies are written in pre-order (a parent before its children), so a
 * compacted frame reads front to back in key order. Inner nodes are re-tiered
 * to the smallest type that holds their children. One node may be replaced by
 * a Crossing on the way (`substitute`), which is how spillover cuts a subtree out.
 */
import type { Frame } from '../layout/frame.js';
import { CROSSING_CHILD_FRAME, CROSSING_SIZE } from '../layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import { INNER_TERMINAL, innerSize, innerTypeFor } from '../layout/inner-nodes.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX } from '../layout/node-types.js';
import { addChild, bodySize, forEachChild, hasRef, innerCount, leafVersion, readRef, writeRef } from './node-ops.js';

export interface Substitution {
  /** Offset (in the source frame) of the node to replace. */
  at: number;
  /** Frame id the Crossing that replaces it points to. */
  childFrameId: number;
}

/** Copy the subtree at `off` in `src` into `dst`; returns its offset in `dst`. */
export function copySubtree(src: Frame, off: number, dst: Frame, substitute?: Substitution): number {
  if (substitute !== undefined && off === substitute.at) {
    const x = dst.alloc(CROSSING_SIZE, NODE_CROSSING);
    dst.u32[(x + CROSSING_CHILD_FRAME) >>> 2] = substitute.childFrameId;
    dst.addCrossings(1);
    return x;
  }
  const type = src.u8[off + 1]!;
  switch (type) {
    case NODE_LEAF: {
      const size = bodySize(src, off);
      const n = dst.alloc(size, NODE_LEAF);
      src.u8.copy(dst.u8, n, off, off + size);
      dst.addLiveKeys(1);
      dst.noteVersion(leafVersion(src, off));
      return n;
    }
    case NODE_PREFIX: {
      const size = bodySize(src, off);
      const n = dst.alloc(size, NODE_PREFIX);
      src.u8.copy(dst.u8, n, off, off + size);
      writeRef(dst, n + PREFIX_CHILD, copySubtree(src, readRef(src, off + PREFIX_CHILD), dst, substitute));
      return n;
    }
    case NODE_CROSSING: {
      const n = dst.alloc(CROSSING_SIZE, NODE_CROSSING);
      dst.u32[(n + CROSSING_CHILD_FRAME) >>> 2] = src.u32[(off + CROSSING_CHILD_FRAME) >>> 2]!;
      dst.addCrossings(1);
      return n;
    }
    case NODE_EMPTY_ROOT:
      return dst.alloc(EMPTY_ROOT_SIZE, NODE_EMPTY_ROOT);
    default: {
      const t = innerTypeFor(innerCount(src, off, type));
      const n = dst.alloc(innerSize(t), t);
      if (hasRef(src, off + INNER_TERMINAL)) {
        writeRef(dst, n + INNER_TERMINAL, copySubtree(src, readRef(src, off + INNER_TERMINAL), dst, substitute));
      }
      forEachChild(src, off, type, (b, child) => {
        addChild(dst, -1, n, t, b, copySubtree(src, child, dst, substitute));
      });
      return n;
    }
  }
}

/** Sum of body sizes in the subtree (Crossings count 8 bytes; child frames are not entered). */
export function subtreeBytes(f: Frame, off: number): number {
  const type = f.u8[off + 1]!;
  if (type === NODE_PREFIX) return bodySize(f, off) + subtreeBytes(f, readRef(f, off + PREFIX_CHILD));
  if (type === NODE_LEAF || type === NODE_CROSSING || type === NODE_EMPTY_ROOT) return bodySize(f, off);
  let total = innerSize(innerTypeFor(innerCount(f, off, type)));
  if (hasRef(f, off + INNER_TERMINAL)) total += subtreeBytes(f, readRef(f, off + INNER_TERMINAL));
  forEachChild(f, off, type, (_b, child) => { total += subtreeBytes(f, child); });
  return total;
}
