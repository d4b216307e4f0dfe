/**
 * Making room in a full frame: compact when that gives back enough, else
 * spill a subtree (or a pack of them) into a new frame; a packed frame whose
 * roots are too small to split is itself split in two. A full shared frame
 * moves a whole tree out instead (shared-frame.ts).
 */
import type { Frame } from '../layout/frame.js';
import { DATA_AREA_BYTES } from '../layout/frame-header.js';
import { compactFrame } from './compact.js';
import { HoltError } from '../errors.js';
import { moveRootOut, spill, splitPackedFrame } from './spillover.js';
import { makeRoomShared } from './shared-frame.js';
import type { TreeCore } from './tree-core.js';

/** Reclaimable bytes worth a compaction on their own (~6% of the data area). */
export const COMPACT_THRESHOLD_BYTES = Math.floor(DATA_AREA_BYTES / 16);

/**
 * Ensure `f` can take `bytes` in `allocations` bump allocations (callers
 * restart their walk after). `parent`/`crossingOff` name the Crossing the walk
 * entered `f` through, if any: when nothing inside a packed frame can move, the
 * frame is split through the Crossings in `parent`, or, when none of its other
 * roots is reachable from there, the root being written moves out whole.
 */
export function makeRoom(
  core: TreeCore, f: Frame, bytes: number, allocations: number, parent: Frame | null = null, crossingOff = 0,
): void {
  const reclaimable = f.reclaimable;
  if (reclaimable >= COMPACT_THRESHOLD_BYTES || (reclaimable > 0 && f.liveBytes + bytes < DATA_AREA_BYTES * 0.9)) {
    compactFrame(core, f);
    if (f.canAllocate(bytes, allocations) && f.bumpFree - bytes > DATA_AREA_BYTES * 0.05) return;
  }
  // A shared frame holds whole small trees and no Crossing: one moves out instead of a subtree.
  if (f.isShared) { makeRoomShared(core, f); return; }
  if (spill(core, f)) return;
  if (parent === null || f.rootCount < 2) {
    throw new HoltError('INTERNAL', `frame ${f.id} is full and has no subtree that can move`);
  }
  if (!splitPackedFrame(core, f, parent)) moveRootOut(core, f, parent, crossingOff);
}
