/**
 * The shape of one tree: a breadth-first walk over every reachable frame,
 * counting nodes per type and summarising each frame's header accounting.
 *
 * Frames come through `pager.frameSilently`, so the walk records no cache hit,
 * miss, eviction or recency touch: stats never disturb what they report. A
 * frame that is not resident is read from disk and dropped after the visit,
 * which makes the walk's cost grow with the tree (like the original's
 * `Tree::stats`). Unlike `verify()`, nothing is checked.
 */
import type { Frame } from '../layout/frame.js';
import { DATA_AREA_BYTES, DATA_START } from '../layout/frame-header.js';
import { crossingChildFrame } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import { NODE_16, NODE_256, NODE_4, NODE_48, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { forEachChild } from '../art/inner-node.js';
import { hasRef, readRef } from '../art/node-ops.js';
import type { TreeCore } from '../art/tree-core.js';
import type { NodeCounts, TreeShape } from '../shapes/stats.js';

/** Below this fill a non-root frame is a merge candidate (holt-facts §13: 350‰). */
export const UNDERFILLED_RATIO = 0.35;
/** Above this fill a frame is close to spilling (holt-facts §13: 850‰). */
export const OVERFULL_RATIO = 0.85;

export function emptyNodeCounts(): NodeCounts {
  return { leaf: 0, prefix: 0, crossing: 0, node4: 0, node16: 0, node48: 0, node256: 0, emptyRoot: 0 };
}

export function walkTreeShape(core: TreeCore): TreeShape {
  const shape: TreeShape = {
    frames: 0, frameDepth: 0, leafFrames: 0, fill: { min: 0, mean: 0, max: 0 }, underfilledFrames: 0, overfullFrames: 0,
    liveBytes: 0, deadBytes: 0, freeListBytes: 0, spaceUsedBytes: 0, slots: 0, frameCompactions: 0, nodes: emptyNodeCounts(),
  };
  let fillSum = 0;
  let minFill = Infinity;
  let maxFill = 0;
  // Breadth first over frames. A packed frame holds several roots and is
  // reached through several Crossings: its nodes are counted once, and the
  // depth is the longest chain of frames (as verify() reports it).
  let level: number[] = [core.rootFrameId];
  const seen = new Set<number>();
  const childrenOf = new Map<number, number[]>();
  while (level.length > 0) {
    const next: number[] = [];
    for (const id of level) {
      if (seen.has(id)) continue;
      seen.add(id);
      const f = core.pager.frameSilently(id);
      const before = next.length;
      // A shared root frame holds other small trees too: count this tree's root only.
      countNodes(f, shape.nodes, next, f.isShared ? [core.rootIndex] : f.rootIndices());
      childrenOf.set(id, next.slice(before));
      const fill = f.liveBytes / DATA_AREA_BYTES;
      shape.frames++;
      if (next.length === before) shape.leafFrames++;
      fillSum += fill;
      if (fill < minFill) minFill = fill;
      if (fill > maxFill) maxFill = fill;
      if (id !== core.rootFrameId && fill < UNDERFILLED_RATIO) shape.underfilledFrames++;
      if (fill > OVERFULL_RATIO) shape.overfullFrames++;
      shape.liveBytes += f.liveBytes;
      shape.deadBytes += f.deadBytes;
      shape.freeListBytes += f.freeListBytes;
      shape.spaceUsedBytes += f.spaceUsed - DATA_START;
      shape.slots += f.slotsUsed;
      shape.frameCompactions += f.compactions;
    }
    level = next;
  }
  shape.fill = { min: minFill, mean: fillSum / shape.frames, max: maxFill };
  const depthOf = new Map<number, number>();
  const depth = (id: number): number => {
    let d = depthOf.get(id);
    if (d === undefined) {
      d = 1;
      for (const c of childrenOf.get(id) ?? []) d = Math.max(d, 1 + depth(c));
      depthOf.set(id, d);
    }
    return d;
  };
  shape.frameDepth = depth(core.rootFrameId);
  return shape;
}

/** Count the nodes reachable in `f`; push the frames its Crossings lead to onto `children`. */
function countNodes(f: Frame, nodes: NodeCounts, children: number[], roots: number[]): void {
  const stack = roots.map((i) => f.rootAt(i));
  while (stack.length > 0) {
    const off = stack.pop()!;
    const type = nodeType(f.u8, off);
    switch (type) {
      case NODE_LEAF: nodes.leaf++; continue;
      case NODE_EMPTY_ROOT: nodes.emptyRoot++; continue;
      case NODE_CROSSING:
        nodes.crossing++;
        children.push(crossingChildFrame(f, off));
        continue;
      case NODE_PREFIX:
        nodes.prefix++;
        stack.push(readRef(f, off + PREFIX_CHILD));
        continue;
      case NODE_4: nodes.node4++; break;
      case NODE_16: nodes.node16++; break;
      case NODE_48: nodes.node48++; break;
      case NODE_256: nodes.node256++; break;
      default: continue; // not a node: verify() reports it, stats skip it
    }
    if (hasRef(f, off + INNER_TERMINAL)) stack.push(readRef(f, off + INNER_TERMINAL));
    forEachChild(f, off, type, (_b, child) => stack.push(child));
  }
}
