/**
 * over 400 lines because it is one owner: the dirty, released and in-flight
 * sets, the slots held by reads in flight, and the three ways the sets empty
 * (a round's capture, its commit or rollback, a spill) change only here.
 *
 * FilePager: frames over a data file, cached in a bounded buffer pool.
 *
 * Frame `id` lives in the data-file slot its SlotMap names (slot-map.ts; read
 * and written with O_DIRECT where the filesystem allows). A frame not resident
 * is read on demand, synchronously, into a pool buffer, and its checksum
 * checked. Which frames stay in memory is the FrameCache's business
 * (src/cache/frame-cache.ts), where slots are the SlotMap's, and point reads
 * of frames not in memory go page by page through the ColdPageReader
 * (cold-page-reader.ts). This module owns which frames changed since the last
 * checkpoint, and the checkpoint's view of them:
 *
 *   dirty     frames changed since the last capture (written by the next round).
 *   released  frames dropped since the last capture (their slots retire when
 *             the next manifest, which stops naming them, is published).
 *   inflight  frames whose captured image the running round is still writing
 *             (pinned meanwhile: evicted and read back, they would come from
 *             their old slot).
 *
 * A spill (`spill`, frame-spill.ts) writes the oldest dirty frames to fresh
 * slots during a synchronous burst, so that they leave `dirty` and may be
 * evicted; the SlotMap keeps those unpublished slots ("spilled"), reads go
 * there, and the next round publishes them without writing them again.
 *
 * Slots are never overwritten in place: a checkpoint writes each dirty frame
 * to a fresh slot, and old slots return to the free pool only after the
 * manifest that stops naming them is durable and no reader reads an older one.
 * The round goes through three methods so that no other module touches these
 * sets: `captureRound`, then `commitRound` (manifest published) or
 * `rollbackRound` (it was not).
 *
 *   holds     batched reads in flight (PlannedReads), each with the manifest
 *             generation it began at: retired slots stay unfreed for them as
 *             for a reader process's claim.
 */
import { HoltError } from '../errors.js';
import { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { FileHandle, Io } from '../io/types.js';
import { BufferPool, wholeAlignedBuffer, type BufferPoolStats, type PoolBuffer } from '../cache/buffer-pool.js';
import { CLASS_PROBATION, CLASS_SCAN, FrameCache, type FrameCacheCounters } from '../cache/frame-cache.js';
import type { PageCache } from '../cache/page-cache.js';
import { PAGE_SIZE, READ_INDEX_BYTES } from '../layout/read-index.js';
import { readFrameBytes } from './checked-read.js';
import { ColdPageReader, type ColdReadCounters } from './cold-page-reader.js';
import type { FramePager } from './frame-pager.js';
import { FrameVersions } from './frame-versions.js';
import { SharedRoots } from './shared-roots.js';
import { frameImageDefect } from './frame-checksum.js';
import { buildFrameImage, type ImageWriters } from './frame-image.js';
import { FrameSpill, SPILL_AT, SPILL_BATCH, SPILL_DOWN_TO, SPILL_RESERVE_FRAMES, type SpillCounters } from './frame-spill.js';
import { SlotMap, slotOffset } from './slot-map.js';
import type { CapturedImage, CapturedRound } from './captured-round.js';
import { PageFetcher } from './page-fetcher.js';
import { NEEDS_IO, NEED_FRAME, needKey, type PlannedReads, type ReadNeed, type ReadPlan, type ReadResult } from './read-plan.js';

/** `cacheMB` when not given: the budget of frame pool and page cache together, in MiB. */
export const DEFAULT_CACHE_MB = 256;
/** The fewest frames a cache holds, whatever cacheMB says: a walk holds a few at once. */
export const MIN_CACHE_FRAMES = 8;

export type { ImageWriters };

export class FilePager implements FramePager, PlannedReads {
  readonly io: Io;
  readonly data: FileHandle;
  readonly dataPath: string;
  readonly cache: FrameCache;
  readonly versions = new FrameVersions();
  readonly shared = new SharedRoots();
  /** The running operation writes: frames are preserved for snapshots as they are reached. */
  private writing = false;
  /** Point reads of frames not in memory go through the read index (see art/cold-lookup.ts). */
  readonly cold: ColdPageReader;
  /** The cold reader's page cache and counters (stats). */
  readonly pages: PageCache;
  readonly coldReads: ColdReadCounters;
  private readonly imageWriters: ImageWriters;
  /** Index buffers of past rounds, reused (one per frame a round writes). */
  private readonly indexBuffers: Uint8Array[] = [];
  /** Durable location of each frame id (as of the last published manifest), and the free slots. */
  private readonly slots: SlotMap;
  private readonly dirty = new Set<Frame>();
  /** Frames released since the last capture (their slots free up after the next checkpoint). */
  private readonly released = new Set<number>();
  /** Frames whose captured image a checkpoint is still writing (pinned meanwhile). */
  private readonly inflight = new Set<number>();
  private nextFrameId: number;
  /** The generation of the newest manifest published (or loaded). */
  private generation: number;
  /** Generations held by batched reads in flight (see holdSlots). */
  private readonly holds = new Set<{ generation: number }>();
  /** The running walk's plan (plan mode, read-plan.ts), or null. */
  private plan: ReadPlan | null = null;
  private readonly fetcher: PageFetcher;
  /** Batched reads for walks in plan mode (the async API). */
  readonly reads: PlannedReads = this;
  /** Writes spilled images and counts spills. */
  private readonly spiller: FrameSpill;

  constructor(
    io: Io, data: FileHandle, dataPath: string, slots: Map<number, number>, nextSlot: number, nextFrameId: number,
    cacheMB: number, imageWriters: ImageWriters, generation: number,
  ) {
    this.io = io;
    this.data = data;
    this.dataPath = dataPath;
    this.slots = new SlotMap(dataPath, slots, nextSlot, generation);
    this.nextFrameId = nextFrameId;
    this.imageWriters = imageWriters;
    this.spiller = new FrameSpill(io, data, imageWriters);
    // One budget: whole frames and 4 KiB pages share the pool's buffers (see FrameCache).
    const capacity = Math.max(MIN_CACHE_FRAMES, Math.floor((cacheMB * 1024 * 1024) / FRAME_SIZE));
    this.cache = new FrameCache(new BufferPool(io, capacity, FRAME_SIZE));
    this.cold = new ColdPageReader(io, data, dataPath, this.slots, this.cache);
    this.pages = this.cold.pages;
    this.coldReads = this.cold.counters;
    this.generation = generation;
    this.fetcher = new PageFetcher(io, data, dataPath, this.cold);
  }

  usePlan(plan: ReadPlan | null): void {
    this.plan = plan;
    this.cold.plan = plan;
  }

  fetch(needs: readonly ReadNeed[]): Promise<Map<number, ReadResult>> {
    return this.fetcher.fetch(needs);
  }

  prefetchFrame(plan: ReadPlan, id: number): void {
    const slot = this.slots.current(id);
    if (slot === undefined || this.cache.peek(id) !== undefined) return;
    const at = slotOffset(slot);
    const key = needKey(NEED_FRAME, at);
    if (!plan.got.has(key)) plan.need({ key, at, kind: NEED_FRAME, frameId: id, crc: 0, navigation: true });
  }

  holdSlots(): { release(): void } {
    const hold = { generation: this.generation };
    this.holds.add(hold);
    return { release: () => { this.holds.delete(hold); } };
  }

  beginOperation(): void {
    this.cache.beginOperation();
    this.cold.beginOperation();
    this.writing = false;
  }

  beginWrite(): void {
    this.writing = true;
  }

  frame(id: number): Frame {
    const f = this.cache.pointHit(id) ?? this.load(id, CLASS_PROBATION, true);
    if (this.writing && f.cowEpoch !== this.versions.epoch) this.versions.preserve(f);
    return f;
  }

  frameForScan(id: number): Frame {
    const f = this.cache.scanHit(id, true) ?? this.load(id, CLASS_SCAN, true);
    if (this.writing && f.cowEpoch !== this.versions.epoch) this.versions.preserve(f);
    return f;
  }

  walkFrame(id: number): Frame {
    const f = this.cache.scanHit(id, false) ?? this.load(id, CLASS_SCAN, false);
    if (this.writing && f.cowEpoch !== this.versions.epoch) this.versions.preserve(f);
    return f;
  }

  isCurrent(): boolean {
    return true;
  }

  get frameChanges(): number {
    return this.cache.removals;
  }

  readonly holdsByTouch = true;

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
    const { bytes, view } = wholeAlignedBuffer(this.io, FRAME_SIZE);
    this.readImage(id, this.slots.slotOf(id), view);
    return new Frame(id, bytes);
  }

  isResident(id: number): boolean {
    return this.cache.peek(id) !== undefined;
  }

  private load(id: number, cls: number, stamp: boolean): Frame {
    const slot = this.slots.slotOf(id);
    const fetched = this.plan === null ? undefined : this.planned(this.plan, id, slot);
    const buf = this.cache.acquire(id, cls);
    try {
      if (fetched !== undefined) buf.view.set(fetched);
      else this.readImage(id, slot, buf.view);
    } catch (e) {
      this.cache.pool.give(buf);
      throw e;
    }
    this.cache.countMiss(cls, FRAME_SIZE);
    const f = new Frame(id, buf.bytes);
    this.cache.admit(f, buf, this.cache.incomingClass, stamp);
    // Whole in memory for point reads: its pages would only hold budget twice (no cold walk
    // holds them now). A scan's frame passes through; the pages point reads use stay.
    if (cls !== CLASS_SCAN) this.cold.forgetSlots([slot]);
    return f;
  }

  /** Plan mode: frame `id`'s checked image at `slot` from the plan, or a need and NEEDS_IO. */
  private planned(plan: ReadPlan, id: number, slot: number): Uint8Array {
    const at = slotOffset(slot);
    const key = needKey(NEED_FRAME, at);
    const got = plan.got.get(key);
    if (got instanceof Uint8Array) {
      plan.usedFrames?.add(key);
      return got;
    }
    if (got !== undefined && got !== null) throw got;
    plan.need({ key: needKey(NEED_FRAME, at), at, kind: NEED_FRAME, frameId: id, crc: 0, navigation: true });
    throw NEEDS_IO;
  }

  /** Read and check frame `id`'s image at `slot` into `buf`. */
  private readImage(id: number, slot: number, buf: Uint8Array): void {
    const offset = slotOffset(slot);
    readFrameBytes(this.data, this.dataPath, id, buf, offset, FRAME_SIZE);
    const defect = frameImageDefect(buf, id);
    if (defect !== undefined) {
      throw new HoltError('CORRUPT', `${this.dataPath}: ${defect} for frame ${id} at byte ${offset}`, { file: this.dataPath, offset });
    }
  }

  /**
   * A reader moves to a newer manifest in place, keeping everything in
   * memory: possible when every frame it may still read from the data file
   * (one it has not changed or released) is named by `frames` at the slot it
   * reads it from now. The bytes there are the same (a slot is not rewritten
   * while a manifest naming it is claimed), so the reader's state does not
   * change, and once it claims the newer generation the writer may reuse
   * only slots it no longer needs. Frames the reader changed stay in memory
   * (a dirty frame is never evicted) and are never read back. Returns false,
   * changing nothing, when a frame it may read moved.
   */
  rebase(frames: ReadonlyMap<number, number>): boolean {
    const notRead = new Set<number>(this.released);
    for (const f of this.dirty) notRead.add(f.id);
    return this.slots.rebase(frames, notRead);
  }

  /**
   * A reader's reload: carry `old`'s memory over instead of reading again.
   * A frame resident in `old` that the reader never changed, and that this
   * pager's manifest names at the same slot, holds exactly the bytes this
   * pager would read (a slot stays unwritten while a manifest naming it is
   * claimed, and `old`'s claim lasts until it is abandoned), so it moves here
   * with its buffer; `old`'s free buffers join this pool too. Returns the
   * frames carried. `old` stays usable: what it gave up it reads again.
   */
  inheritFrom(old: FilePager): number {
    let carried = 0;
    for (const f of old.cache.residentFrames()) {
      const slot = this.slots.get(f.id);
      if (slot === undefined || slot !== old.slots.get(f.id) || old.dirty.has(f) || old.inflight.has(f.id)) continue;
      if (this.cache.pool.full) break;
      const buf = old.cache.handOver(f);
      this.cache.pool.adopt(buf, false);
      this.cache.admit(new Frame(f.id, buf.bytes), buf, CLASS_PROBATION, false);
      carried++;
    }
    for (const b of old.cache.pool.disownFree()) {
      if (!this.cache.pool.adopt(b, true)) break;
    }
    return carried;
  }

  allocateFrame(treeId: number, baseDepth: number): Frame {
    const id = this.nextFrameId++;
    const buf = this.cache.acquire(id, CLASS_PROBATION);
    const f = Frame.create(id, treeId, baseDepth, buf.bytes);
    f.cowEpoch = this.versions.epoch; // born after every open snapshot: none can see it
    this.cache.admit(f, buf, CLASS_PROBATION, true);
    this.markDirty(f);
    return f;
  }

  releaseFrame(id: number): void {
    // A snapshot may still read this frame: it must get the bytes first.
    if (this.versions.openCount > 0) {
      const g = this.walkFrame(id);
      if (g.cowEpoch !== this.versions.epoch) this.versions.preserve(g);
    }
    const f = this.cache.peek(id);
    if (f !== undefined) {
      this.dirty.delete(f);
      f.dirty = false;
      this.cache.drop(id);
    }
    this.released.add(id);
  }

  markDirty(frame: Frame): void {
    // Loaded from a routed image, its bytes are no longer laid out as the header says.
    if (!frame.dirty && frame.layoutFlags !== 0) frame.setLayout(0, 0, 0);
    frame.dirty = true;
    this.dirty.add(frame);
  }

  get frameCount(): number {
    let n = 0;
    for (const id of this.slots.frameIds()) if (!this.released.has(id)) n++;
    // Frames born since the last checkpoint: dirty, or captured by the running round.
    const born = new Set<number>();
    for (const f of this.dirty) if (!this.slots.has(f.id)) born.add(f.id);
    for (const id of this.inflight) if (!this.slots.has(id)) born.add(id);
    for (const id of this.slots.spilledIds()) if (!this.slots.has(id) && !this.released.has(id)) born.add(id);
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
    return this.dirty.size > 0 || this.released.size > 0 || this.slots.spilledFrames > 0;
  }

  /**
   * Dirty frames fill half the pool: a checkpoint should run now, so that
   * their images (which need buffers too) fit before the pool runs dry.
   */
  get underMemoryPressure(): boolean {
    return this.dirty.size * 2 >= this.cache.pool.capacity;
  }

  /**
   * Dirty frames fill SPILL_AT of the pool (or leave it too few buffers to
   * walk): a writer that cannot wait for a checkpoint spills (see `spill`).
   * Always past `underMemoryPressure`, so that a writer that yields lets the
   * round that pressure started make its frames clean instead.
   */
  get needsSpill(): boolean {
    const capacity = this.cache.pool.capacity;
    return this.dirty.size > Math.max(capacity / 2, Math.min(capacity * SPILL_AT, capacity - SPILL_RESERVE_FRAMES));
  }

  /** What spills did since open; `spilledFrames`: frames whose newest image is in a spill slot no manifest names yet. */
  get spillCounters(): SpillCounters & { spilledFrames: number } {
    return { ...this.spiller.counters, spilledFrames: this.slots.spilledFrames };
  }

  /**
   * Spill (frame-spill.ts): write the oldest dirty frames to fresh slots,
   * blocking, until SPILL_DOWN_TO of the pool is left dirty; they become
   * clean and evictable, read back from their spill slot. Write-ahead order:
   * `makeLogDurable` runs first (it makes every record appended so far
   * durable), so no byte of a frame reaches the disk before the record that
   * changed it. Called between operations only (every frame consistent; a
   * later change marks the frame dirty again). Never throws: a failure is
   * counted and leaves the frames not yet written dirty.
   */
  spill(makeLogDurable: () => void): void {
    const counters = this.spiller.counters;
    const keep = Math.floor(this.cache.pool.capacity * SPILL_DOWN_TO);
    const frames: Frame[] = [];
    for (const f of this.dirty) {
      if (this.dirty.size - frames.length <= keep) break;
      frames.push(f);
    }
    if (frames.length === 0) return;
    const started = performance.now();
    counters.spills++;
    try {
      makeLogDurable();
      for (let i = 0; i < frames.length; i += SPILL_BATCH) {
        const batch = frames.slice(i, i + SPILL_BATCH);
        const taken = batch.map(() => this.slots.take());
        try {
          this.spiller.write(batch, taken);
        } catch (e) {
          this.slots.free(taken); // nothing names them, nothing reads them
          throw e;
        }
        batch.forEach((f, k) => {
          this.dirty.delete(f);
          f.dirty = false;
          const replaced = this.slots.spill(f.id, taken[k]!);
          if (replaced !== undefined) this.discarded(replaced);
        });
      }
      counters.lastError = null;
    } catch (e) {
      counters.failed++;
      counters.lastError = (e as Error).message;
    } finally {
      counters.millis += performance.now() - started;
    }
  }

  /** A spill slot freed unpublished: its cached pages would lie once it is reused. */
  private discarded(slot: number): void {
    this.unspilled([slot]);
    this.spiller.counters.slotsDiscarded++;
  }

  /**
   * Spill slots nothing will publish: free again, or, while batched reads
   * that may read them are in flight (holdSlots), retired until those end.
   */
  private unspilled(slots: number[]): void {
    if (slots.length === 0) return;
    this.cold.forgetSlots(slots); // their cached pages would lie once they are reused
    if (this.holds.size > 0) this.slots.retire(slots, this.generation + 1);
    else this.slots.free(slots);
  }

  /** Frame `id` changed again or is gone: the spill slot it had (if any) will never be published. */
  private discardSpill(id: number): void {
    const slot = this.slots.dropSpill(id);
    if (slot !== undefined) this.discarded(slot);
  }

  poolStats(): BufferPoolStats {
    return this.cache.pool.stats();
  }

  get cacheCounters(): FrameCacheCounters {
    return this.cache.counters;
  }

  /** Make reusable the retired slots no reader needs: readers are all at `oldestReader` or newer. */
  releaseRetired(oldestReader: number): void {
    for (const h of this.holds) oldestReader = Math.min(oldestReader, h.generation);
    // Freed slots will hold other images: their cached pages would lie.
    this.cold.forgetSlots(this.slots.releaseRetired(oldestReader));
  }

  /** Slots waiting for reader processes to move on (stats). */
  get retiredSlots(): number {
    return this.slots.retiredSlots;
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
      const { image, index } = this.buildImage(f, buf);
      this.discardSpill(f.id); // this image is newer
      const slot = this.slots.take();
      const old = this.slots.get(f.id);
      if (old !== undefined) superseded.push(old);
      images.push({ frameId: f.id, slot, image, index });
      f.dirty = false;
      this.inflight.add(f.id);
    }
    this.dirty.clear();
    const released = [...this.released];
    this.released.clear();
    for (const id of released) {
      this.discardSpill(id);
      const old = this.slots.get(id);
      if (old !== undefined) superseded.push(old);
    }
    // Frames spilled and unchanged since: published at their spill slot as they are.
    const adopted = this.slots.adopt();
    for (const [id] of adopted) {
      const old = this.slots.get(id);
      if (old !== undefined) superseded.push(old);
    }
    const frames = this.slots.copy();
    for (const id of released) frames.delete(id);
    for (const img of images) frames.set(img.frameId, img.slot);
    for (const [id, slot] of adopted) frames.set(id, slot);
    return { images, adopted, released, superseded, frames, nextFrameId: this.nextFrameId, nextSlot: this.slots.end, buffers };
  }

  /**
   * What a checkpoint writes to frame `f`'s new slot: its sealed image, laid
   * out routed, in `buf`, and the image's read index (in a buffer of this
   * pager's, handed back by `endRound`).
   */
  buildImage(f: Frame, buf: PoolBuffer): { image: Uint8Array; index: Uint8Array } {
    const index = this.indexBuffers.pop() ?? this.io.allocAligned(READ_INDEX_BYTES);
    buildFrameImage(f, buf.bytes, buf.view, index, this.imageWriters);
    return { image: buf.view, index };
  }

  /**
   * The round's manifest (of `generation`) is durable: frames live in their
   * new slots; the old ones are retired (see `releaseRetired`).
   */
  commitRound(round: CapturedRound, generation: number): void {
    this.generation = generation;
    this.endRound(round);
    this.slots.publish(round.released, [...round.images.map((i) => [i.frameId, i.slot] as const), ...round.adopted], round.superseded, generation);
    this.slots.endAdoption(round.adopted, true);
    this.spiller.counters.framesPublished += round.adopted.length;
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
    // No published manifest ever named these slots: no reader can need them.
    const taken = round.images.map((i) => i.slot);
    this.cold.forgetSlots(taken);
    this.slots.free(taken);
    this.unspilled(this.slots.endAdoption(round.adopted, false));
  }

  private endRound(round: CapturedRound): void {
    for (const img of round.images) {
      this.inflight.delete(img.frameId);
      const f = this.cache.peek(img.frameId);
      if (f !== undefined) f.pins--;
    }
    for (const b of round.buffers) this.cache.pool.give(b);
    round.buffers.length = 0;
    for (const img of round.images) this.indexBuffers.push(img.index);
  }
}
