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
import { copySubtree } from './copy-subtree.js';
import { writeRef } from './node-ops.js';
import type { TreeCore } from './tree-core.js';

export const MERGE_CHILD_MAX_BYTES = Math.floor(DATA_AREA_BYTES / 4);
export const MERGE_PARENT_MAX_FILL = Math.floor(DATA_AREA_BYTES * 0.8);
/** Space the parent keeps free beyond the merged bytes. */
export const MERGE_RESERVE = 4096;

export function maybeMerge(core: TreeCore, parent: Frame, crossingOff: number, crossingRef: number, child: Frame): boolean {
  const childBytes = child.liveBytes;
  if (childBytes > MERGE_CHILD_MAX_BYTES) return false;
  if (parent.liveBytes + childBytes > MERGE_PARENT_MAX_FILL) return false;
  const need = childBytes + MERGE_RESERVE;
  if (!parent.canAllocate(need, child.slotsUsed)) {
    // Compact only once enough garbage has built up since the last time, so the
    // cost is paid for by the erases that made it: compacting the parent on
    // every erase in the child cost 12k rebuilds of 512 KiB while emptying a
    // 300k-key tree. Compacting the child makes its slot count exact (a merge
    // copies only live nodes) and leaves the crossing where it is.
    if (child.reclaimable >= MERGE_RESERVE) compactFrame(core, child);
    if (!parent.canAllocate(need, child.slotsUsed)) {
      if (parent.reclaimable < MERGE_RESERVE || parent.reclaimable + parent.bumpFree < need) return false;
      // Compaction moves bodies, so the crossing is found again on the next erase.
      compactFrame(core, parent);
      return false;
    }
  }
  const pager = core.pager;
  if (!parent.dirty) pager.markDirty(parent);
  const root = copySubtree(child, child.rootOffset, parent);
  writeRef(parent, crossingRef, root);
  parent.free(crossingOff, CROSSING_SIZE, NODE_CROSSING);
  parent.addCrossings(-1);
  pager.releaseFrame(child.id);
  core.counters.merges++;
  core.counters.framesReleased++;
  return true;
}
