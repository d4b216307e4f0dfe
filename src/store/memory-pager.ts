/**
 * MemoryPager: frames that live only in memory (DB.memory()).
 */
import { Frame } from '../layout/frame.js';
import { HoltError } from '../errors.js';
import type { FramePager } from './frame-pager.js';
import { FrameVersions } from './frame-versions.js';
import { SharedRoots } from './shared-roots.js';

export class MemoryPager implements FramePager {
  private readonly frames: (Frame | undefined)[] = [undefined];
  private readonly freeIds: number[] = [];
  private live = 0;
  readonly versions = new FrameVersions();
  readonly shared = new SharedRoots();
  /** The running operation writes: frames are preserved for snapshots as they are reached. */
  private writing = false;

  frame(id: number): Frame {
    const f = this.frames[id];
    if (f === undefined) throw new HoltError('INTERNAL', `frame ${id} is not allocated`);
    if (this.writing && f.cowEpoch !== this.versions.epoch) this.versions.preserve(f);
    return f;
  }

  frameSilently(id: number): Frame {
    return this.frame(id);
  }

  // Memory frames are never evicted: every access is the plain one.
  frameForScan(id: number): Frame {
    return this.frame(id);
  }

  walkFrame(id: number): Frame {
    return this.frame(id);
  }

  readonly cold = null;
  readonly reads = null;

  isCurrent(): boolean {
    return true;
  }

  // Never evicted, always current: nothing to re-check or touch.
  readonly frameChanges = 0;
  readonly holdsByTouch = false;

  touch(): void {}
  pin(): void {}
  unpin(): void {}

  allocateFrame(treeId: number, baseDepth: number): Frame {
    const id = this.freeIds.pop() ?? this.frames.length;
    const f = Frame.create(id, treeId, baseDepth);
    f.cowEpoch = this.versions.epoch; // born after every open snapshot: none can see it
    this.frames[id] = f;
    this.live++;
    return f;
  }

  releaseFrame(id: number): void {
    const f = this.frames[id];
    if (f === undefined) throw new HoltError('INTERNAL', `frame ${id} released twice`);
    if (f.cowEpoch !== this.versions.epoch) this.versions.preserve(f);
    this.frames[id] = undefined;
    this.freeIds.push(id);
    this.live--;
  }

  beginOperation(): void {
    this.writing = false;
  }

  beginWrite(): void {
    this.writing = true;
  }

  markDirty(frame: Frame): void {
    frame.dirty = true;
  }

  get frameCount(): number {
    return this.live;
  }
}
