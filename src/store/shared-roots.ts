/**
 * SharedRoots: which tree owns each root of each shared frame, and which
 * shared frame new trees go into.
 *
 * A shared frame (layout/frame-header.ts, SHARED_TREE_ID) holds several small
 * trees, one per root. Moving a root (a tree growing into a frame of its own,
 * a full shared frame split in two) must update the owning tree's root
 * location, and compacting a shared frame moves the bodies of every tree in
 * it, whose scans must then seek again: both need the owner of a root. One
 * registry per pager; only live trees register (a snapshot's trees never move).
 */

/** A tree whose root may sit in a shared frame (art/tree-core.ts TreeCore). */
export interface RootHolder {
  readonly treeId: number;
  readonly rootFrameId: number;
  readonly rootIndex: number;
  /** The tree's root now lives at `frameId` / `rootIndex` (`shared`: in a shared frame). */
  relocate(frameId: number, rootIndex: number, shared: boolean): void;
  /** Bodies of the tree moved in place (compaction): iterators must seek again. */
  bodiesMoved(): void;
}

export class SharedRoots {
  private readonly byFrame = new Map<number, Map<number, RootHolder>>();
  /** The shared frame new trees go into, or -1 to choose (or allocate) one. */
  nursery = -1;

  /** Record `holder` at its current root location (a shared frame). */
  add(holder: RootHolder): void {
    let m = this.byFrame.get(holder.rootFrameId);
    if (m === undefined) {
      m = new Map();
      this.byFrame.set(holder.rootFrameId, m);
    }
    m.set(holder.rootIndex, holder);
  }

  /** Forget `holder` (dropped, or moved to a frame of its own). */
  remove(holder: RootHolder): void {
    const m = this.byFrame.get(holder.rootFrameId);
    if (m === undefined || m.get(holder.rootIndex) !== holder) return;
    m.delete(holder.rootIndex);
    if (m.size === 0) {
      this.byFrame.delete(holder.rootFrameId);
      if (this.nursery === holder.rootFrameId) this.nursery = -1;
    }
  }

  /** Move `holder` to another root location; `shared` false takes it out of the registry. */
  move(holder: RootHolder, frameId: number, rootIndex: number, shared: boolean): void {
    this.remove(holder);
    holder.relocate(frameId, rootIndex, shared);
    if (shared) this.add(holder);
  }

  /** The trees rooted in shared frame `frameId`, by root index. */
  holders(frameId: number): ReadonlyMap<number, RootHolder> {
    return this.byFrame.get(frameId) ?? EMPTY;
  }

  /** Every tree in shared frame `frameId` must treat its bodies as moved. */
  bodiesMoved(frameId: number): void {
    for (const h of this.holders(frameId).values()) h.bodiesMoved();
  }

  /**
   * A shared frame to try for a new tree when none is chosen (after open):
   * the one with the fewest trees, or -1 when there is none with a free root.
   */
  leastUsed(maxRoots: number): number {
    let best = -1;
    let bestCount = maxRoots;
    for (const [id, m] of this.byFrame) {
      if (m.size < bestCount) { best = id; bestCount = m.size; }
    }
    return best;
  }

  /** Shared frames with at least one tree. */
  get frames(): number {
    return this.byFrame.size;
  }
}

const EMPTY: ReadonlyMap<number, RootHolder> = new Map();
