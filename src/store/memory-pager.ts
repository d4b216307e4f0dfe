/**
 * MemoryPager: frames that live only in memory (DB.memory()).
 */
import { Frame } from '../layout/frame.js';
import { HoltError } from '../errors.js';
import type { FramePager } from './frame-pager.js';

export class MemoryPager implements FramePager {
  private readonly frames: (Frame | undefined)[] = [undefined];
  private readonly freeIds: number[] = [];
  private live = 0;

  frame(id: number): Frame {
    const f = this.frames[id];
    if (f === undefined) throw new HoltError('INTERNAL', `frame ${id} is not allocated`);
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

  touch(): void {}
  pin(): void {}
  unpin(): void {}

  allocateFrame(treeId: number, baseDepth: number): Frame {
    const id = this.freeIds.pop() ?? this.frames.length;
    const f = Frame.create(id, treeId, baseDepth);
    this.frames[id] = f;
    this.live++;
    return f;
  }

  releaseFrame(id: number): void {
    if (this.frames[id] === undefined) throw new HoltError('INTERNAL', `frame ${id} released twice`);
    this.frames[id] = undefined;
    this.freeIds.push(id);
    this.live--;
  }

  beginOperation(): void {}

  markDirty(frame: Frame): void {
    frame.dirty = true;
  }

  get frameCount(): number {
    return this.live;
  }
}
