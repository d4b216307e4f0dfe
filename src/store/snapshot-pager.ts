/**
 * SnapshotPager: the frames of one snapshot, as a read-only FramePager.
 *
 * A frame the snapshot holds a copy of (it changed after the snapshot was
 * taken) comes from the copy; any other frame is unchanged since, so the live
 * pager's frame is the snapshot's too. Writes never reach a snapshot's trees
 * (their host refuses them), so the mutating methods only guard.
 */
import type { Frame } from '../layout/frame.js';
import { HoltError } from '../errors.js';
import type { FramePager } from './frame-pager.js';
import type { FrameVersionSet, FrameVersions } from './frame-versions.js';
import { SharedRoots } from './shared-roots.js';

export class SnapshotPager implements FramePager {
  private readonly base: FramePager;
  private readonly set: FrameVersionSet;
  /** Whole frames only: a cold page read would go to the live frame's slot, not the snapshot's. */
  readonly cold = null;
  /** A snapshot's trees never move: none registers. */
  readonly shared = new SharedRoots();

  constructor(base: FramePager, set: FrameVersionSet) {
    this.base = base;
    this.set = set;
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
