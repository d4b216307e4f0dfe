/**
 * TreeCore: the state one tree's walker operations share.
 *
 * Owns the root location, the pager it reads frames through, and counters.
 * The root location is a frame id and a root index in that frame: a small
 * tree is one root of a shared frame (`shared`), a grown one root 0 of a frame
 * of its own. It changes only when a tree leaves a shared frame, or a full
 * shared frame is split (art/shared-frame.ts); spillover moves subtrees out of
 * a tree's own root frame, never the root itself. `stamp` changes on every
 * write (`mutations`), every root move and every compaction of a shared frame
 * the tree is in (`moves`), so that scan iterators can tell that the tree
 * moved under them and re-seek.
 */
import type { FramePager } from '../store/frame-pager.js';
import type { RootHolder } from '../store/shared-roots.js';

/** How the walker reshaped a tree's frames since open (public in TreeCounters). */
export interface StructureCounters {
  /** Subtrees moved out of a full frame into a new child frame. */
  spillovers: number;
  /** Frames rebuilt in place to reclaim dead and free-list bytes. */
  compactions: number;
  /** Child frames folded back into their parent. */
  merges: number;
  /** Frames this tree gave back (merges and emptied child frames). */
  framesReleased: number;
}

/** Where a tree's root is: frame, root index in it, and whether that frame is shared. */
export interface TreeRootLocation {
  frameId: number;
  rootIndex: number;
  shared: boolean;
}

export class TreeCore implements RootHolder {
  readonly treeId: number;
  readonly pager: FramePager;
  /** The frame holding the tree's root. */
  rootFrameId: number;
  /** The tree's root in that frame (0 for a frame of its own). */
  rootIndex: number;
  /** True while the root frame is a shared frame (the tree is small). */
  shared: boolean;
  /** Incremented on every successful mutation. */
  mutations = 0;
  /** Incremented when the tree's root or bodies move without a mutation of its own. */
  moves = 0;
  /** Live keys in the tree. */
  keyCount = 0;
  /** The snapshot epoch its root location and key count were last preserved at (FrameVersions.preserveTree). */
  cowEpoch = 0;
  readonly counters: StructureCounters = { spillovers: 0, compactions: 0, merges: 0, framesReleased: 0 };

  constructor(treeId: number, pager: FramePager, root: TreeRootLocation) {
    this.treeId = treeId;
    this.pager = pager;
    this.rootFrameId = root.frameId;
    this.rootIndex = root.rootIndex;
    this.shared = root.shared;
    // Born after every open snapshot: none of them has this tree.
    this.cowEpoch = pager.versions.epoch;
  }

  /**
   * The same tree under a new identity: holders of this core (scans) see
   * that the tree was replaced under them. A reader's refresh applies the
   * writer's new records to its trees through renewed cores; the shared-frame
   * registry then knows the new core as the root's owner.
   */
  renewed(): TreeCore {
    const next = new TreeCore(this.treeId, this.pager, this.root);
    next.keyCount = this.keyCount;
    Object.assign(next.counters, this.counters);
    if (this.shared) {
      this.pager.shared.remove(this);
      this.pager.shared.add(next);
    }
    return next;
  }

  /** A tree with a fresh, empty frame of its own (the DB starts trees in shared frames: shared-frame.ts). */
  static create(treeId: number, pager: FramePager): TreeCore {
    const root = pager.allocateFrame(treeId, 0);
    pager.markDirty(root);
    return new TreeCore(treeId, pager, { frameId: root.id, rootIndex: 0, shared: false });
  }

  get root(): TreeRootLocation {
    return { frameId: this.rootFrameId, rootIndex: this.rootIndex, shared: this.shared };
  }

  relocate(frameId: number, rootIndex: number, shared: boolean): void {
    this.pager.versions.preserveTree(this); // open snapshots keep the old location
    this.rootFrameId = frameId;
    this.rootIndex = rootIndex;
    this.shared = shared;
    this.moves++;
  }

  bodiesMoved(): void {
    this.moves++;
  }

  /** Changes whenever a position held in the tree (a scan's stack) may be stale. */
  get stamp(): number {
    return this.mutations + this.moves;
  }
}
