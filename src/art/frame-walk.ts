/**
 * Frame-level walks: the child frames a frame points to.
 */
import type { Frame } from '../layout/frame.js';
import { releaseSharedTree } from './shared-frame.js';
import type { TreeCore } from './tree-core.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { forEachChild } from './inner-node.js';
import { hasRef, readRef } from './node-ops.js';

/** Ids of the frames that `f`'s Crossings lead to (each once), in key order. */
export function frameCrossingTargets(f: Frame): number[] {
  const out: number[] = [];
  if (f.crossings === 0) return out;
  const visit = (off: number): void => {
    const type = nodeType(f.u8, off);
    if (type === NODE_LEAF || type === NODE_EMPTY_ROOT) return;
    if (type === NODE_CROSSING) { out.push(crossingChildFrame(f, off)); return; }
    if (type === NODE_PREFIX) { visit(readRef(f, off + PREFIX_CHILD)); return; }
    if (hasRef(f, off + INNER_TERMINAL)) visit(readRef(f, off + INNER_TERMINAL));
    forEachChild(f, off, type, (_b, child) => visit(child));
  };
  for (const r of f.rootIndices()) visit(f.rootAt(r));
  return [...new Set(out)];
}

/** Root index -> Crossing offset, for every Crossing in `f` that leads into frame `childId`. */
export function crossingsInto(f: Frame, childId: number): Map<number, number> {
  const out = new Map<number, number>();
  if (f.crossings === 0) return out;
  const visit = (off: number): void => {
    const type = nodeType(f.u8, off);
    if (type === NODE_LEAF || type === NODE_EMPTY_ROOT) return;
    if (type === NODE_CROSSING) {
      if (crossingChildFrame(f, off) === childId) out.set(crossingRoot(f, off), off);
      return;
    }
    if (type === NODE_PREFIX) { visit(readRef(f, off + PREFIX_CHILD)); return; }
    if (hasRef(f, off + INNER_TERMINAL)) visit(readRef(f, off + INNER_TERMINAL));
    forEachChild(f, off, type, (_b, child) => visit(child));
  };
  for (const r of f.rootIndices()) visit(f.rootAt(r));
  return out;
}

/**
 * Release every frame of tree `core`, children before parents. A tree in a
 * shared frame gives back its bodies and root there (shared-frame.ts).
 */
export function releaseTreeFrames(core: TreeCore): void {
  if (core.shared) { releaseSharedTree(core); return; }
  const pager = core.pager;
  const stack = [core.rootFrameId];
  const order: number[] = [];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue; // a packed frame is reached through several Crossings
    seen.add(id);
    order.push(id);
    for (const child of frameCrossingTargets(pager.walkFrame(id))) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) pager.releaseFrame(order[i]!);
}
