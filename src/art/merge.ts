/**
 * Merge: fold a small child frame back into its parent frame.
 *
 * After deletes a child frame may hold little. When its live bytes are under a
 * quarter of a data area and the parent can take them while staying under 80%
 * full (hysteresis against an immediate re-spill), the child's tree is copied
 * into the parent in place of the Crossing and the child frame is released.
 */
import type { Frame } from '../layout/frame.js';
import { DATA_AREA_BYTES } from '../layout/frame-header.js';
import { CROSSING_SIZE } from '../layout/crossing.js';
import { NODE_CROSSING } from '../layout/node-types.js';
import { compactFrame } from './compact.js';
import { copySubtree, freeSubtree, subtreeFootprint } from './copy-subtree.js';
import { writeRef } from './node-ops.js';
import type { TreeCore } from './tree-core.js';

export const MERGE_CHILD_MAX_BYTES = Math.floor(DATA_AREA_BYTES / 4);
export const MERGE_PARENT_MAX_FILL = Math.floor(DATA_AREA_BYTES * 0.8);
/** Space the parent keeps free beyond the merged bytes. */
export const MERGE_RESERVE = 4096;

/**
 * Fold root `root` of `child` (reached through the Crossing at `crossingOff`,
 * held at `crossingRef` in `parent`) back into `parent`. A packed child frame
 * gives its roots back one at a time, as erases reach them; the frame is
 * released with its last root.
 */
export function maybeMerge(core: TreeCore, parent: Frame, crossingOff: number, crossingRef: number, child: Frame, root: number): boolean {
  if (child.liveBytes > MERGE_CHILD_MAX_BYTES) return false;
  // Cheap test first: walking a root to size it runs only when even the whole
  // child would fit, so erases in a packed child under a full parent cost nothing extra.
  if (parent.liveBytes + child.liveBytes > MERGE_PARENT_MAX_FILL) return false;
  const whole = child.rootCount === 1;
  const rootOff = child.rootAt(root);
  const shape = whole ? { bytes: child.liveBytes, nodes: child.slotsUsed } : subtreeFootprint(child, rootOff);
  const childBytes = shape.bytes;
  if (parent.liveBytes + childBytes > MERGE_PARENT_MAX_FILL) return false;
  const need = childBytes + MERGE_RESERVE;
  if (!parent.canAllocate(need, shape.nodes)) {
    // Compact only once enough garbage has built up since the last time, so the
    // cost is paid for by the erases that made it: compacting the parent on
    // every erase in the child cost 12k rebuilds of 512 KiB while emptying a
    // 300k-key tree. Compacting the child makes its slot count exact (a merge
    // copies only live nodes) and leaves the crossing where it is.
    if (whole && child.reclaimable >= MERGE_RESERVE) compactFrame(core, child);
    if (!parent.canAllocate(need, whole ? child.slotsUsed : shape.nodes)) {
      if (parent.reclaimable < MERGE_RESERVE || parent.reclaimable + parent.bumpFree < need) return false;
      // Compaction moves bodies, so the crossing is found again on the next erase.
      compactFrame(core, parent);
      return false;
    }
  }
  const pager = core.pager;
  if (!parent.dirty) pager.markDirty(parent);
  const copied = copySubtree(child, child.rootAt(root), parent);
  writeRef(parent, crossingRef, copied);
  parent.free(crossingOff, CROSSING_SIZE, NODE_CROSSING);
  parent.addCrossings(-1);
  core.counters.merges++;
  if (whole) {
    pager.releaseFrame(child.id);
    core.counters.framesReleased++;
  } else {
    if (!child.dirty) pager.markDirty(child);
    freeSubtree(child, child.rootAt(root));
    child.clearRoot(root);
  }
  return true;
}
