/**
 * count(prefix): live keys under a prefix, by walking the matching subtree.
 */
import type { Frame } from '../layout/frame.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { forEachChild } from './inner-node.js';
import { hasRef, readRef } from './node-ops.js';
import { seekPrefix, outSubtree } from './seek-prefix.js';
import type { TreeCore } from './tree-core.js';

export function countKeys(core: TreeCore, prefix: Uint8Array, len: number): number {
  if (!seekPrefix(core, prefix, len)) return 0;
  return countSubtree(core, outSubtree.frame, outSubtree.off);
}

export function countSubtree(core: TreeCore, f: Frame, off: number): number {
  const type = nodeType(f.u8, off);
  if (type === NODE_LEAF) return 1;
  if (type === NODE_EMPTY_ROOT) return 0;
  if (type === NODE_PREFIX) return countSubtree(core, f, readRef(f, off + PREFIX_CHILD));
  if (type === NODE_CROSSING) {
    // Counting a big prefix visits more frames than the cache holds: only the
    // frames on the current path are pinned, the rest may leave behind the walk.
    const child = core.pager.walkFrame(crossingChildFrame(f, off));
    core.pager.pin(child);
    try {
      return countSubtree(core, child, child.rootAt(crossingRoot(f, off)));
    } finally {
      core.pager.unpin(child);
    }
  }
  let n = hasRef(f, off + INNER_TERMINAL) ? 1 : 0;
  forEachChild(f, off, type, (_b, child) => { n += countSubtree(core, f, child); });
  return n;
}
