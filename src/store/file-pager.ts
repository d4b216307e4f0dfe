/**
 * FilePager: frames over a data file, cached in a bounded buffer pool.
 *
 * Frame `id` lives in data-file slot `slots.get(id)` (slot N at byte N x 512 KiB,
 * read and written with O_DIRECT where the filesystem allows). A frame not
 * resident is read on demand, synchronously, into a pool buffer, and its
 * checksum checked. Which frames stay in memory is the FrameCache's business
 * (src/cache/frame-cache.ts); this module owns where frames live on disk, which
 * frames changed, and the checkpoint's view of both.
 *
 * Slots are never overwritten in place: a checkpoint writes each dirty frame
 * to a fresh slot, and old slots return to the free pool only after the
 * manifest that stops naming them is durable. The round goes through three
 * methods so that no other module touches these sets: `captureRound`,
 * then `commitRound` (manifest published) or `rollbackRound` (it was not).
 */
import { HoltError } from '../api/errors.js';
import { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { FileHandle, Io } from '../io/types.js';
import { BufferPool, type BufferPoolStats, type PoolBuffer } from '../cache/buffer-pool.js';
import { CLASS_PROBATION, CLASS_SCAN, FrameCache, type FrameCacheCounters } from '../cache/frame-cache.js';
import type { FramePager } from './frame-pager.js';
import { frameImageDefect, sealFrameImage } from './frame-checksum.js';

/** The fewest frames a cache holds, whatever cacheMB says: a walk holds a few at once. */
export const MIN_CACHE_FRAMES = 8;

/** One frame image a checkpoint writes. */
export interface CapturedImage {
  frameId: number;
  slot: number;
  image: Uint8Array;
}

/** What a checkpoint captured: the images to write and the slot map the manifest publishes. */
export interface CapturedRound {
  images: CapturedImage[];
  /** Frames released before the capture: the manifest no longer names them. */
  released: number[];
  /** Slots that stop being named once the manifest is published. */
  superseded: number[];
  /** Frame id -> slot, as the manifest of this round names them. */
  frames: Map<number, number>;
  nextFrameId: number;
  nextSlot: number;
  /** Image buffers, returned to the pool when the round ends. */
  buffers: PoolBuffer[];
}

export class FilePager implements FramePager {
  readonly io: Io;
  readonly data: FileHandle;
  readonly dataPath: string;
  readonly cache: FrameCache;
  /** Durable location of each frame id (as of the last published manifest). */
  private readonly slots: Map<number, number>;
  private readonly dirty = new Set<Frame>();
  /** Frames released since the last capture (their slots free up after the next checkpoint). */
  private readonly released = new Set<number>();
  /** Frames whose captured image a checkpoint is still writing (pinned meanwhile). */
  private readonly inflight = new Set<number>();
  private readonly freeSlots: number[] = [];
  private nextSlot: number;
  private nextFrameId: number;

  constructor(io: Io, data: FileHandle, dataPath: string, slots: Map<number, number>, nextSlot: number, nextFrameId: number, cacheMB: number) {
    this.io = io;
    this.data = data;
    this.dataPath = dataPath;
    this.slots = slots;
    this.nextSlot = nextSlot;
    this.nextFrameId = nextFrameId;
    const capacity = Math.max(MIN_CACHE_FRAMES, Math.floor((cacheMB * 1024 * 1024) / FRAME_SIZE));
    this.cache = new FrameCache(new BufferPool(io, capacity, FRAME_SIZE));
    const used = new Set(slots.values());
    for (let s = 0; s < nextSlot; s++) if (!used.has(s)) this.freeSlots.push(s);
    this.freeSlots.sort((a, b) => b - a);
  }

  beginOperation(): void {
    this.cache.beginOperation();
  }

  frame(id: number): Frame {
    return this.cache.pointHit(id) ?? this.load(id, CLASS_PROBATION, true);
  }

  frameForScan(id: number): Frame {
    return this.cache.scanHit(id, true) ?? this.load(id, CLASS_SCAN, true);
  }

  walkFrame(id: number): Frame {
    return this.cache.scanHit(id, false) ?? this.load(id, CLASS_SCAN, false);
  }

  touch(f: Frame): void {
    this.cache.touch(f);
  }

  pin(f: Frame): void {
    f.pins++;
  }

  unpin(f: Frame): void {
    f.pins--;
  }

  /**
   * The frame for stats and verify: a resident frame without a recency touch
   * or hit, a non-resident one read into a buffer of its own (not the pool's,
   * not cached, not counted). Throws like `frame()` when it cannot be read.
   */
  frameSilently(id: number): Frame {
    const f = this.cache.peek(id);
    if (f !== undefined) return f;
    const view = this.io.allocAligned(FRAME_SIZE);
    this.readImage(id, this.slotOf(id), view);
    return new Frame(id, view.byteOffset === 0 && view.buffer.byteLength === FRAME_SIZE ? view.buffer as ArrayBuffer : Uint8Array.from(view).buffer);
  }

  private load(id: number, cls: number, stamp: boolean): Frame {
    const slot = this.slotOf(id);
    const buf = this.cache.acquire(id, cls);
    let n: number;
    try {
      n = this.readImage(id, slot, buf.view);
    } catch (e) {
      this.cache.pool.give(buf);
      throw e;
    }
    this.cache.countMiss(cls, n);
    const f = new Frame(id, buf.bytes);
    this.cache.admit(f, buf, this.cache.incomingClass, stamp);
    return f;
  }

  private slotOf(id: number): number {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new HoltError('CORRUPT', `frame ${id} is referenced but has no slot in the manifest`, { file: this.dataPath });
    return slot;
  }

  /** Read and check frame `id`'s image at `slot` into `buf`; returns the bytes read. */
  private readImage(id: number, slot: number, buf: Uint8Array): number {
    const offset = slot * FRAME_SIZE;
    let n: number;
    try {
      n = this.data.pread(buf, offset, FRAME_SIZE);
    } catch (e) {
      throw new HoltError('IO_ERROR', `cannot read frame ${id} from ${this.dataPath} at byte ${offset}: ${(e as Error).message}`, { file: this.dataPath, offset, cause: e });
    }
    if (n !== FRAME_SIZE) {
      throw new HoltError('CORRUPT', `${this.dataPath}: frame ${id} truncated at byte ${offset + n}`, { file: this.dataPath, offset: offset + n });
    }
    const defect = frameImageDefect(buf, id);
    if (defect !== undefined) {
      throw new HoltError('CORRUPT', `${this.dataPath}: ${defect} for frame ${id} at byte ${offset}`, { file: this.dataPath, offset });
    }
    return n;
  }

  allocateFrame(treeId: number, baseDepth: number): Frame {
    const id = this.nextFrameId++;
    const buf = this.cache.acquire(id, CLASS_PROBATION);
    const f = Frame.create(id, treeId, baseDepth, buf.bytes);
    this.cache.admit(f, buf, CLASS_PROBATION, true);
    this.markDirty(f);
    return f;
  }

  releaseFrame(id: number): void {
    const f = this.cache.peek(id);
    if (f !== undefined) {
      this.dirty.delete(f);
      f.dirty = false;
      this.cache.drop(id);
    }
    this.released.add(id);
  }

  markDirty(frame: Frame): void {
    frame.dirty = true;
    this.dirty.add(frame);
  }

  get frameCount(): number {
    let n = 0;
    for (const id of this.slots.keys()) if (!this.released.has(id)) n++;
    // Frames born since the last checkpoint: dirty, or captured by the running round.
    const born = new Set<number>();
    for (const f of this.dirty) if (!this.slots.has(f.id)) born.add(f.id);
    for (const id of this.inflight) if (!this.slots.has(id)) born.add(id);
    return n + born.size;
  }

  get dirtyFrames(): number {
    return this.dirty.size;
  }

  get inflightFrames(): number {
    return this.inflight.size;
  }

  /** True when a checkpoint has something to write or free. */
  get hasChanges(): boolean {
    return this.dirty.size > 0 || this.released.size > 0;
  }

  /**
   * Dirty frames fill half the pool: a checkpoint should run now, so that
   * their images (which need buffers too) fit before the pool runs dry.
   */
  get underMemoryPressure(): boolean {
    return this.dirty.size * 2 >= this.cache.pool.capacity;
  }

  poolStats(): BufferPoolStats {
    return this.cache.pool.stats();
  }

  get cacheCounters(): FrameCacheCounters {
    return this.cache.counters;
  }

  /** A data-file slot for a new image: the lowest free one, or a new one at the end. */
  private takeSlot(): number {
    return this.freeSlots.pop() ?? this.nextSlot++;
  }

  private retireSlots(slots: Iterable<number>): void {
    for (const s of slots) this.freeSlots.push(s);
    this.freeSlots.sort((a, b) => b - a);
  }

  /**
   * Checkpoint step 1 (synchronous, so no write interleaves): copy every dirty
   * frame into a sealed image with a fresh slot, and pin the frame until the
   * round ends (evicted and read back, it would come from its old slot).
   * Frames written after this point are dirty again and go to the next round.
   */
  captureRound(): CapturedRound {
    const images: CapturedImage[] = [];
    const buffers: PoolBuffer[] = [];
    const superseded: number[] = [];
    for (const f of this.dirty) {
      f.pins++; // before acquire, so that making room for its image cannot evict it
      const buf = this.cache.acquire(-1, CLASS_SCAN);
      buffers.push(buf);
      const image = buf.view;
      image.set(f.u8);
      sealFrameImage(image);
      const slot = this.takeSlot();
      const old = this.slots.get(f.id);
      if (old !== undefined) superseded.push(old);
      images.push({ frameId: f.id, slot, image });
      f.dirty = false;
      this.inflight.add(f.id);
    }
    this.dirty.clear();
    const released = [...this.released];
    this.released.clear();
    for (const id of released) {
      const old = this.slots.get(id);
      if (old !== undefined) superseded.push(old);
    }
    const frames = new Map(this.slots);
    for (const id of released) frames.delete(id);
    for (const img of images) frames.set(img.frameId, img.slot);
    return { images, released, superseded, frames, nextFrameId: this.nextFrameId, nextSlot: this.nextSlot, buffers };
  }

  /** The round's manifest is durable: frames live in their new slots, old slots are free. */
  commitRound(round: CapturedRound): void {
    this.endRound(round);
    for (const id of round.released) this.slots.delete(id);
    for (const img of round.images) this.slots.set(img.frameId, img.slot);
    this.retireSlots(round.superseded);
  }

  /** The round failed before its manifest was published: everything it captured is pending again. */
  rollbackRound(round: CapturedRound): void {
    this.endRound(round);
    for (const img of round.images) {
      // A frame released while the round ran is gone; nothing to re-dirty.
      if (round.released.includes(img.frameId) || this.released.has(img.frameId)) continue;
      const f = this.cache.peek(img.frameId);
      if (f !== undefined) this.markDirty(f);
    }
    for (const id of round.released) this.released.add(id);
    this.retireSlots(round.images.map((i) => i.slot));
  }

  private endRound(round: CapturedRound): void {
    for (const img of round.images) {
      this.inflight.delete(img.frameId);
      const f = this.cache.peek(img.frameId);
      if (f !== undefined) f.pins--;
    }
    for (const b of round.buffers) this.cache.pool.give(b);
    round.buffers.length = 0;
  }
}
