/**
 * Shared frames: small trees live several to a frame, one root each, and
 * move to a frame of their own as they grow.
 *
 * A tree per tenant or per bucket is common, and most such trees stay small:
 * a 512 KiB frame per tree from birth made 2,000 one-key trees cost 1 GiB.
 * So a new tree is a root (an EmptyRoot) in the current shared frame, the
 * "nursery" (store/shared-roots.ts keeps which frame that is and who owns
 * each root). A shared frame never holds a Crossing: a tree in one is whole
 * in it, so lookups, scans and erases walk it like any root frame, from its
 * root index, and a cold read never enters a shared frame through a read
 * index (which hashes keys alone and could not tell two trees' keys apart).
 *
 * Growing out. A tree graduates (its root subtree is copied into a fresh
 * frame of its own, its bodies freed in the shared frame, its root location
 * updated) when it reaches GRADUATE_KEYS keys, or when its shared frame is
 * full and it is the largest tree there with at least GRADUATE_BYTES. A full
 * shared frame whose trees are all smaller is split instead, about half its
 * bytes moving to a new shared frame (root indices kept), so that small trees
 * stay small in memory and on disk: a frame of its own for a tree of a few
 * hundred bytes is the cost this module exists to avoid.
 *
 * Every move bumps the moved tree's `moves` (scans seek again), and a
 * compaction of a shared frame bumps every tree in it (compact.ts).
 */
import type { Frame } from '../layout/frame.js';
import { MAX_ROOTS, MAX_SLOTS, SHARED_TREE_ID } from '../layout/frame-header.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import { NODE_EMPTY_ROOT } from '../layout/node-types.js';
import type { FramePager } from '../store/frame-pager.js';
import type { RootHolder } from '../store/shared-roots.js';
import { HoltError } from '../errors.js';
import { compactFrame } from './compact.js';
import { copySubtree, freeSubtree, subtreeFootprint } from './copy-subtree.js';
import { TreeCore } from './tree-core.js';

/** A tree with this many keys leaves its shared frame at its next insert. */
export const GRADUATE_KEYS = 1024;
/** In a full shared frame, the largest tree leaves it when it holds at least this many bytes. */
export const GRADUATE_BYTES = 64 * 1024;
/** A shared frame takes new trees while it has this much bump space left. */
export const NURSERY_MIN_FREE = 64 * 1024;
/** ... and this many slot-table entries. */
const NURSERY_MIN_SLOTS = 256;

function takesNewTrees(f: Frame): boolean {
  return f.rootCount < MAX_ROOTS && f.bumpFree >= NURSERY_MIN_FREE && f.slotsUsed + NURSERY_MIN_SLOTS <= MAX_SLOTS;
}

/** A new shared frame with no roots. */
function allocateShared(pager: FramePager): Frame {
  const f = pager.allocateFrame(SHARED_TREE_ID, 0);
  f.initialize(SHARED_TREE_ID, 0, false, f.spaceUsed);
  pager.markDirty(f);
  return f;
}

/** Lowest unused root index of `f` (it has one: the caller checked rootCount). */
function freeRootIndex(f: Frame): number {
  for (let i = 0; i < MAX_ROOTS; i++) if (f.rootAt(i) < 0) return i;
  throw new HoltError('INTERNAL', `shared frame ${f.id} has no free root`);
}

/** A new, empty tree: an EmptyRoot in the nursery (a new shared frame when it is full). */
export function createSharedTree(treeId: number, pager: FramePager): TreeCore {
  const reg = pager.shared;
  let f: Frame | null = null;
  const id = reg.nursery >= 0 ? reg.nursery : reg.leastUsed(MAX_ROOTS);
  if (id >= 0) {
    f = pager.frame(id);
    if (!takesNewTrees(f)) f = null;
  }
  f ??= allocateShared(pager);
  reg.nursery = f.id;
  if (!f.dirty) pager.markDirty(f);
  const index = freeRootIndex(f);
  f.setRoot(index, f.alloc(EMPTY_ROOT_SIZE, NODE_EMPTY_ROOT));
  const core = new TreeCore(treeId, pager, { frameId: f.id, rootIndex: index, shared: true });
  reg.add(core);
  return core;
}

/** Move `holder`'s root subtree out of shared frame `f` into a frame of its own. */
function graduate(core: TreeCore, f: Frame, holder: RootHolder): void {
  const pager = core.pager;
  const own = pager.allocateFrame(holder.treeId, 0);
  own.initialize(holder.treeId, 0, false, own.spaceUsed);
  const rootOff = f.rootAt(holder.rootIndex);
  own.setRoot(0, copySubtree(f, rootOff, own));
  if (!f.dirty) pager.markDirty(f);
  freeSubtree(f, rootOff);
  f.clearRoot(holder.rootIndex);
  pager.markDirty(own);
  pager.shared.move(holder, own.id, 0, false);
  if (f.rootCount === 0) {
    pager.releaseFrame(f.id);
    core.counters.framesReleased++;
  } else {
    // The freed bodies become bump space again for the trees that stay.
    compactFrame(core, f);
    core.counters.compactions--;
  }
  core.counters.spillovers++;
}

/** Before an insert: a tree in a shared frame that has grown to GRADUATE_KEYS leaves it (insert.ts checks). */
export function graduateIfGrown(core: TreeCore): void {
  graduate(core, core.pager.frame(core.rootFrameId), core);
}

/**
 * Make room in the full shared frame `f` (compaction did not suffice): the
 * largest tree graduates when it is big enough, or is alone; otherwise about
 * half the frame's bytes move to a new shared frame.
 */
export function makeRoomShared(core: TreeCore, f: Frame): void {
  const pager = core.pager;
  const sized: { holder: RootHolder; bytes: number }[] = [];
  for (const [index, holder] of pager.shared.holders(f.id)) {
    sized.push({ holder, bytes: subtreeFootprint(f, f.rootAt(index)).bytes });
  }
  if (sized.length === 0) throw new HoltError('INTERNAL', `shared frame ${f.id} is full and owns no tree`);
  sized.sort((a, b) => b.bytes - a.bytes);
  if (sized.length === 1 || sized[0]!.bytes >= GRADUATE_BYTES) {
    graduate(core, f, sized[0]!.holder);
    return;
  }
  const half = f.liveBytes / 2;
  const moving: RootHolder[] = [];
  let total = 0;
  for (const s of sized) {
    if (total >= half || moving.length === sized.length - 1) break;
    moving.push(s.holder);
    total += s.bytes;
  }
  const other = allocateShared(pager);
  if (!f.dirty) pager.markDirty(f);
  for (const h of moving) {
    const index = h.rootIndex;
    const rootOff = f.rootAt(index);
    other.setRoot(index, copySubtree(f, rootOff, other));
    freeSubtree(f, rootOff);
    f.clearRoot(index);
    pager.shared.move(h, other.id, index, true);
  }
  compactFrame(core, f);
  core.counters.compactions--;
  core.counters.spillovers++;
}

/** Drop tree `core` (in a shared frame): free its bodies and root; the frame goes with its last root. */
export function releaseSharedTree(core: TreeCore): void {
  const pager = core.pager;
  const f = pager.frame(core.rootFrameId);
  // Snapshots that still read the tree need the frame's bytes first.
  if (f.cowEpoch !== pager.versions.epoch) pager.versions.preserve(f);
  if (!f.dirty) pager.markDirty(f);
  freeSubtree(f, f.rootAt(core.rootIndex));
  f.clearRoot(core.rootIndex);
  pager.shared.remove(core);
  if (f.rootCount === 0) {
    pager.releaseFrame(f.id);
    core.counters.framesReleased++;
  }
}
