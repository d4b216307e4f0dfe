/**
 * Compaction: rebuild a frame in place to reclaim dead bytes and free-list
 * space, optionally cutting one subtree out behind a Crossing (spillover).
 *
 * The live tree is copied into a scratch frame and the scratch image then
 * replaces the frame's bytes in one copy, so a failure part way leaves the
 * frame as it was. Identity (id, tree, base depth) and history (compaction
 * count, max version) carry over.
 */
import { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import { copySubtree, type Substitution } from './copy-subtree.js';
import type { TreeCore } from './tree-core.js';

let scratch: Frame | undefined;

function scratchFrame(id: number): Frame {
  if (scratch === undefined || scratch.id !== id) scratch = new Frame(id, scratch?.bytes ?? new ArrayBuffer(FRAME_SIZE));
  return scratch;
}

/** Compact `f` (optionally substituting one subtree by a Crossing). */
export function compactFrame(core: TreeCore, f: Frame, substitute?: Substitution): void {
  const s = scratchFrame(f.id);
  // Past either frame's bump cursor all bytes are zero: only the bytes before them need clearing or copying.
  const oldEnd = f.spaceUsed;
  s.initialize(f.treeId, f.baseDepth, false, s.spaceUsed);
  // Roots keep their indices: Crossings in parent frames name them.
  for (const i of f.rootIndices()) s.setRoot(i, copySubtree(f, f.rootAt(i), s, substitute));
  s.noteVersion(f.maxVersion);
  s.noteCompaction(f.compactions);
  f.u8.set(s.u8.subarray(0, Math.max(oldEnd, s.spaceUsed)));
  core.pager.markDirty(f);
  // Every tree in a shared frame had its bodies moved: their scans must seek again.
  if (f.isShared) core.pager.shared.bodiesMoved(f.id);
  core.counters.compactions++;
}
