/**
 * FrameVersions: copy-on-write of frames for snapshots (DB.snapshot).
 *
 * A snapshot is an epoch number and, per frame, the bytes the frame had when
 * the snapshot was taken, saved only if the frame changes afterwards. Taking
 * one costs O(1): bump the epoch. Every frame remembers the epoch it was last
 * preserved at (`Frame.cowEpoch`). A write operation preserves each frame it
 * reaches through the pager (before it can change a byte) whose epoch is
 * older than the current one: a copy goes to every open snapshot that was
 * taken after the frame's epoch and has no copy of it yet, then the frame is
 * stamped with the current epoch, so later writes in the same epoch pay one
 * comparison. A frame about to be released is preserved the same way.
 *
 * Frames a write only reads on its way (the root frame, routing frames) are
 * preserved too: the pager cannot tell a frame the walker will change from
 * one it will not, and a copy per frame per snapshot is the bound either way.
 *
 * A tree's root location and key count get the same treatment
 * (`preserveTree`), so that taking a snapshot never visits the trees: before
 * a tree's root moves, its key count changes or it is forgotten, its current
 * values go to every open snapshot that has not recorded them; a snapshot
 * reads any other tree's values from the live tree, unchanged since.
 */
import { Frame } from '../layout/frame.js';

/** What a snapshot needs of one tree besides its frames. */
export interface TreeVersion {
  root: { frameId: number; rootIndex: number; shared: boolean };
  keyCount: number;
}

/** A live tree as `preserveTree` sees it (art/tree-core.ts TreeCore). */
export interface VersionedTree extends TreeVersion {
  readonly treeId: number;
  /** The epoch its values were last preserved at. */
  cowEpoch: number;
}

/** One open snapshot's view of the frames: its copies of those changed since. */
export class FrameVersionSet {
  readonly epoch: number;
  readonly saved = new Map<number, Frame>();
  /** Root location and key count of each tree that changed since, as they were. */
  readonly trees = new Map<number, TreeVersion>();
  savedBytes = 0;

  constructor(epoch: number) {
    this.epoch = epoch;
  }
}

export class FrameVersions {
  /** The current epoch; frames stamped with it need no copy. */
  epoch = 0;
  /** Calls of `preserve` so far (SnapshotPager.frameChanges). */
  preserved = 0;
  /** Open snapshots, oldest first. */
  private readonly open: FrameVersionSet[] = [];

  /** Take a snapshot: O(1). */
  take(): FrameVersionSet {
    this.epoch++;
    const set = new FrameVersionSet(this.epoch);
    this.open.push(set);
    return set;
  }

  release(set: FrameVersionSet): void {
    const i = this.open.indexOf(set);
    if (i >= 0) this.open.splice(i, 1);
    set.saved.clear();
    set.trees.clear();
  }

  get openCount(): number {
    return this.open.length;
  }

  /** Frames and bytes held by open snapshots (a copy shared by several counts once per snapshot). */
  get savedFrames(): number {
    let n = 0;
    for (const s of this.open) n += s.saved.size;
    return n;
  }

  get savedBytes(): number {
    let n = 0;
    for (const s of this.open) n += s.savedBytes;
    return n;
  }

  /** `f` may change from now on: give its current bytes to every open snapshot that needs them. */
  preserve(f: Frame): void {
    this.preserved++;
    let copy: Frame | null = null;
    for (const s of this.open) {
      if (s.epoch <= f.cowEpoch || s.saved.has(f.id)) continue;
      if (copy === null) copy = new Frame(f.id, f.bytes.slice(0));
      s.saved.set(f.id, copy);
      s.savedBytes += f.bytes.byteLength;
    }
    f.cowEpoch = this.epoch;
  }

  /** `t`'s root location or key count may change from now on: give their current values to every open snapshot that needs them. */
  preserveTree(t: VersionedTree): void {
    if (t.cowEpoch === this.epoch) return;
    for (const s of this.open) {
      if (s.epoch <= t.cowEpoch || s.trees.has(t.treeId)) continue;
      s.trees.set(t.treeId, { root: t.root, keyCount: t.keyCount });
    }
    t.cowEpoch = this.epoch;
  }
}
