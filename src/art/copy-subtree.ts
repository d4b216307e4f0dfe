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
import { CROSSING_SIZE, crossingChildFrame, crossingRoot, setCrossingTarget } from '../layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import { INNER_TERMINAL, innerSize, innerTypeFor } from '../layout/inner-nodes.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { addChild, forEachChild, innerCount } from './inner-node.js';
import { bodySize, hasRef, readRef, writeRef } from './node-ops.js';
import { leafVersion } from '../layout/leaf.js';

/** Where a cut-out subtree went: the Crossing that replaces it points here. */
export interface CrossingTarget {
  childFrameId: number;
  root: number;
}

/** Nodes (by offset in the source frame) to replace by Crossings while copying. */
export type Substitution = ReadonlyMap<number, CrossingTarget>;

/** Copy the subtree at `off` in `src` into `dst`; returns its offset in `dst`. */
export function copySubtree(src: Frame, off: number, dst: Frame, substitute?: Substitution): number {
  const target = substitute?.get(off);
  if (target !== undefined) {
    const x = dst.alloc(CROSSING_SIZE, NODE_CROSSING);
    setCrossingTarget(dst, x, target.childFrameId, target.root);
    dst.addCrossings(1);
    return x;
  }
  const type = nodeType(src.u8, off);
  switch (type) {
    case NODE_LEAF: {
      const size = bodySize(src, off);
      const n = dst.alloc(size, NODE_LEAF);
      copyBody(src, off, dst, n, size);
      dst.addLiveKeys(1);
      dst.noteVersion(leafVersion(src, off));
      return n;
    }
    case NODE_PREFIX: {
      const size = bodySize(src, off);
      const n = dst.alloc(size, NODE_PREFIX);
      copyBody(src, off, dst, n, size);
      writeRef(dst, n + PREFIX_CHILD, copySubtree(src, readRef(src, off + PREFIX_CHILD), dst, substitute));
      return n;
    }
    case NODE_CROSSING: {
      const n = dst.alloc(CROSSING_SIZE, NODE_CROSSING);
      setCrossingTarget(dst, n, crossingChildFrame(src, off), crossingRoot(src, off));
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

/** Copy a body of `size` bytes: both offsets and the size are multiples of 8, so by 64-bit words (cheaper than a native copy call for node-sized bodies). */
export function copyBody(src: Frame, off: number, dst: Frame, at: number, size: number): void {
  const s = src.u64;
  const d = dst.u64;
  const from = off >>> 3;
  const to = at >>> 3;
  const words = size >>> 3;
  for (let i = 0; i < words; i++) d[to + i] = s[from + i]!;
}

/** Bytes and nodes a copy of a subtree allocates (child frames are not entered). */
export function subtreeFootprint(f: Frame, off: number): { bytes: number; nodes: number } {
  let nodes = 0;
  const walk = (o: number): number => {
    nodes++;
    const type = nodeType(f.u8, o);
    if (type === NODE_PREFIX) return bodySize(f, o) + walk(readRef(f, o + PREFIX_CHILD));
    if (type === NODE_LEAF || type === NODE_CROSSING || type === NODE_EMPTY_ROOT) return bodySize(f, o);
    let total = innerSize(innerTypeFor(innerCount(f, o, type)));
    if (hasRef(f, o + INNER_TERMINAL)) total += walk(readRef(f, o + INNER_TERMINAL));
    forEachChild(f, o, type, (_b, child) => { total += walk(child); });
    return total;
  };
  const bytes = walk(off);
  return { bytes, nodes };
}

/** Give every body of a subtree back to its frame, keeping the header's accounting. */
export function freeSubtree(f: Frame, off: number): void {
  const type = nodeType(f.u8, off);
  if (type === NODE_PREFIX) freeSubtree(f, readRef(f, off + PREFIX_CHILD));
  else if (type === NODE_LEAF) f.addLiveKeys(-1);
  else if (type === NODE_CROSSING) f.addCrossings(-1);
  else if (type !== NODE_EMPTY_ROOT) {
    if (hasRef(f, off + INNER_TERMINAL)) freeSubtree(f, readRef(f, off + INNER_TERMINAL));
    forEachChild(f, off, type, (_b, child) => freeSubtree(f, child));
  }
  f.free(off, bodySize(f, off), type);
}

/** Sum of body sizes in the subtree (Crossings count 8 bytes; child frames are not entered). */
export function subtreeBytes(f: Frame, off: number): number {
  const type = nodeType(f.u8, off);
  if (type === NODE_PREFIX) return bodySize(f, off) + subtreeBytes(f, readRef(f, off + PREFIX_CHILD));
  if (type === NODE_LEAF || type === NODE_CROSSING || type === NODE_EMPTY_ROOT) return bodySize(f, off);
  let total = innerSize(innerTypeFor(innerCount(f, off, type)));
  if (hasRef(f, off + INNER_TERMINAL)) total += subtreeBytes(f, readRef(f, off + INNER_TERMINAL));
  forEachChild(f, off, type, (_b, child) => { total += subtreeBytes(f, child); });
  return total;
}
