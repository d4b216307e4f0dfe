/**
 * SnapshotPager: the frames of one snapshot, as a read-only FramePager.
 *
 * A frame the snapshot holds a copy of (it changed after the snapshot was
 * taken) comes from the copy; any other frame is unchanged since, so the live
 * pager's frame is the snapshot's too. Writes never reach a snapshot's trees
 * (their host refuses them), so the mutating methods only guard.
 *
 * Cold reads (page by page, art/cold-lookup.ts) go to the live frame's slot,
 * which holds the snapshot's bytes for every frame the snapshot has no copy
 * of: a frame that changed since was preserved before it changed (and a
 * released one before its release), and a clean frame's slot holds its bytes.
 * So the cold reader below treats a frame the snapshot holds a copy of as
 * resident (the walk goes to the copy) and reads any other one as the live
 * pager would.
 */
import type { Frame } from '../layout/frame.js';
import { HoltError } from '../errors.js';
import type { ColdReader, FramePager } from './frame-pager.js';
import type { PlannedReads } from './read-plan.js';
import type { FrameVersionSet, FrameVersions } from './frame-versions.js';
import { SharedRoots } from './shared-roots.js';

export class SnapshotPager implements FramePager {
  private readonly base: FramePager;
  private readonly set: FrameVersionSet;
  /** The live pager's cold reader, with the snapshot's copies counted as resident (see above). */
  readonly cold: ColdReader | null;
  /** A snapshot's trees never move: none registers. */
  readonly shared = new SharedRoots();

  constructor(base: FramePager, set: FrameVersionSet) {
    this.base = base;
    this.set = set;
    this.cold = base.cold === null ? null : snapshotColdReader(base.cold, set);
  }

  get reads(): PlannedReads | null {
    return this.base.reads;
  }

  get versions(): FrameVersions {
    return this.base.versions;
  }

  frame(id: number): Frame {
    return this.set.saved.get(id) ?? this.base.frame(id);
  }

  frameForScan(id: number): Frame {
    return this.set.saved.get(id) ?? this.base.frameForScan(id);
  }

  walkFrame(id: number): Frame {
    return this.set.saved.get(id) ?? this.base.walkFrame(id);
  }

  frameSilently(id: number): Frame {
    return this.set.saved.get(id) ?? this.base.frameSilently(id);
  }

  /**
   * A live frame stamped at or after this snapshot's epoch was preserved
   * since (this snapshot holds its copy): the object now shows newer bytes.
   */
  isCurrent(frame: Frame): boolean {
    return this.set.saved.get(frame.id) === frame || frame.cowEpoch < this.set.epoch;
  }

  /** The base's evictions, and every preservation (one may have been of a frame this snapshot reads live). */
  get frameChanges(): number {
    return this.base.frameChanges + this.base.versions.preserved;
  }

  get holdsByTouch(): boolean {
    return this.base.holdsByTouch;
  }

  touch(frame: Frame): void {
    if (this.set.saved.get(frame.id) !== frame) this.base.touch(frame);
  }

  pin(frame: Frame): void {
    if (this.set.saved.get(frame.id) !== frame) this.base.pin(frame);
  }

  unpin(frame: Frame): void {
    if (this.set.saved.get(frame.id) !== frame) this.base.unpin(frame);
  }

  beginOperation(): void {
    this.base.beginOperation();
  }

  beginWrite(): void {
    throw readOnly();
  }

  allocateFrame(): Frame {
    throw readOnly();
  }

  releaseFrame(): void {
    throw readOnly();
  }

  markDirty(): void {
    throw readOnly();
  }

  get frameCount(): number {
    return this.base.frameCount;
  }
}

function readOnly(): HoltError {
  return new HoltError('READ_ONLY', 'a snapshot is read-only');
}

/** `live`'s cold reads for a snapshot holding `set`: a frame it has a copy of is resident. */
function snapshotColdReader(live: ColdReader, set: FrameVersionSet): ColdReader {
  return {
    isResident: (id) => set.saved.has(id) || live.isResident(id),
    beginColdRead: (id) => live.beginColdRead(id),
    coldReadFellBack: () => live.coldReadFellBack(),
    readIndexPage: (id, page, guess) => live.readIndexPage(id, page, guess),
    readColdRange: (id, from, to, dir, navigation, routing) => live.readColdRange(id, from, to, dir, navigation, routing),
    pageCached: (id, at) => live.pageCached(id, at),
  };
}
