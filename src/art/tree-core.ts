/**
 * TreeCore: the state one tree's walker operations share.
 *
 * Owns the root frame id (fixed for the tree's life: spillover moves subtrees
 * out of the root frame, never the root itself), the pager it reads frames
 * through, and counters. `mutations` changes on every write so that scan
 * iterators can tell that the tree moved under them and re-seek.
 */
import type { FramePager } from '../store/frame-pager.js';

export interface StructureCounters {
  spillovers: number;
  compactions: number;
  merges: number;
  framesReleased: number;
}

export class TreeCore {
  readonly treeId: number;
  readonly pager: FramePager;
  readonly rootFrameId: number;
  /** Incremented on every successful mutation. */
  mutations = 0;
  /** Live keys in the tree. */
  keyCount = 0;
  readonly counters: StructureCounters = { spillovers: 0, compactions: 0, merges: 0, framesReleased: 0 };

  constructor(treeId: number, pager: FramePager, rootFrameId: number) {
    this.treeId = treeId;
    this.pager = pager;
    this.rootFrameId = rootFrameId;
  }

  /**
   * The same tree under a new identity: holders of this core (scans) see
   * that the tree was replaced under them. A reader's refresh applies the
   * writer's new records to its trees through renewed cores.
   */
  renewed(): TreeCore {
    const next = new TreeCore(this.treeId, this.pager, this.rootFrameId);
    next.keyCount = this.keyCount;
    Object.assign(next.counters, this.counters);
    return next;
  }

  /** A tree with a fresh, empty root frame. */
  static create(treeId: number, pager: FramePager): TreeCore {
    const root = pager.allocateFrame(treeId, 0);
    pager.markDirty(root);
    return new TreeCore(treeId, pager, root.id);
  }
}
