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
import { HoltError } from '../errors.js';
import { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { FileHandle, Io } from '../io/types.js';
import { BufferPool, wholeAlignedBuffer, type BufferPoolStats, type PoolBuffer } from '../cache/buffer-pool.js';
import { CLASS_PROBATION, CLASS_SCAN, FrameCache, type FrameCacheCounters } from '../cache/frame-cache.js';
import { PageCache } from '../cache/page-cache.js';
import { PAGE_SIZE, READ_INDEX_BYTES, SLOT_BYTES, indexPageValid, listedPageCrc } from '../layout/read-index.js';
import { crc32c } from '../checksum/crc32c.js';
import type { ColdReader, FramePager } from './frame-pager.js';
import { FrameVersions } from './frame-versions.js';
import { SharedRoots } from './shared-roots.js';
import { frameImageDefect, sealFrameImage } from './frame-checksum.js';

/** The fewest frames a cache holds, whatever cacheMB says: a walk holds a few at once. */
export const MIN_CACHE_FRAMES = 8;
/** Share of cacheMB given to the 4 KiB page cache of cold point reads. */
const PAGE_CACHE_SHARE = 1 / 8;

/** Writes the read index of a frame image (art/read-index.ts; injected so store/ stays below art/). */
export type ReadIndexBuilder = (frame: Frame, out: Uint8Array) => void;

/** Cold point reads served from read-index pages instead of whole frames. */
export interface ColdReadCounters {
  /** Frames probed through their read index. */
  probes: number;
  /** Page reads from the data file (index and leaf pages) and their bytes. */
  pageReads: number;
  pageBytesRead: number;
  /** Pages served from the page cache. */
  pageHits: number;
  /** Probes that could not answer (incomplete or damaged index page): the frame was loaded. */
  fallbacks: number;
}

/** One frame image a checkpoint writes. */
export interface CapturedImage {
  frameId: number;
  slot: number;
  image: Uint8Array;
  /** The image's read index, written right after it in the slot. */
  index: Uint8Array;
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

/** Byte offset of data-file slot `slot`. */
export function slotOffset(slot: number): number {
  return slot * SLOT_BYTES;
}

export class FilePager implements FramePager, ColdReader {
  readonly io: Io;
  readonly data: FileHandle;
  readonly dataPath: string;
  readonly cache: FrameCache;
  readonly versions = new FrameVersions();
  readonly shared = new SharedRoots();
  /** The running operation writes: frames are preserved for snapshots as they are reached. */
  private writing = false;
  readonly pages: PageCache;
  readonly coldReads: ColdReadCounters = { probes: 0, pageReads: 0, pageBytesRead: 0, pageHits: 0, fallbacks: 0 };
  /** Where a cold read assembles the pages of one leaf, at their offsets in the frame. */
  readonly coldFrame: Frame;
  /** Point reads of frames not in memory go through the read index (see art/cold-lookup.ts). */
  readonly cold: ColdReader = this;
  private readonly buildIndex: ReadIndexBuilder;
  /** Index buffers of past rounds, reused (one per frame a round writes). */
  private readonly indexBuffers: Uint8Array[] = [];
  /** Durable location of each frame id (as of the last published manifest). */
  private readonly slots: Map<number, number>;
  private readonly dirty = new Set<Frame>();
  /** Frames released since the last capture (their slots free up after the next checkpoint). */
  private readonly released = new Set<number>();
  /** Frames whose captured image a checkpoint is still writing (pinned meanwhile). */
  private readonly inflight = new Set<number>();
  private readonly freeSlots: number[] = [];
  /**
   * Slots no longer named by the newest manifest, by the generation (manifest
   * WAL segment) from which on they are unnamed: reusable once no reader
   * process reads an older manifest (see db/reader-table.ts).
   */
  private readonly retired: { generation: number; slots: number[] }[] = [];
  private nextSlot: number;
  private nextFrameId: number;

  constructor(
    io: Io, data: FileHandle, dataPath: string, slots: Map<number, number>, nextSlot: number, nextFrameId: number,
    cacheMB: number, buildIndex: ReadIndexBuilder, generation: number,
  ) {
    this.io = io;
    this.data = data;
    this.dataPath = dataPath;
    this.slots = slots;
    this.nextSlot = nextSlot;
    this.nextFrameId = nextFrameId;
    this.buildIndex = buildIndex;
    // One budget: an eighth for cold-read pages, the rest for whole frames.
    const budget = cacheMB * 1024 * 1024;
    const pageBytes = Math.floor((budget * PAGE_CACHE_SHARE) / PAGE_SIZE) * PAGE_SIZE;
    const capacity = Math.max(MIN_CACHE_FRAMES, Math.floor((budget - pageBytes) / FRAME_SIZE));
    this.cache = new FrameCache(new BufferPool(io, capacity, FRAME_SIZE));
    this.pages = new PageCache(io, pageBytes / PAGE_SIZE);
    this.coldFrame = new Frame(0, wholeAlignedBuffer(io, FRAME_SIZE).bytes);
    // Slots the manifest does not name may still be named by an older one a
    // reader process reads: free only once readers are at this generation.
    const used = new Set(slots.values());
    const unnamed: number[] = [];
    for (let s = 0; s < nextSlot; s++) if (!used.has(s)) unnamed.push(s);
    if (unnamed.length > 0) this.retired.push({ generation, slots: unnamed });
  }

  beginOperation(): void {
    this.cache.beginOperation();
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
    this.readImage(id, this.slotOf(id), view);
    return new Frame(id, bytes);
  }

  isResident(id: number): boolean {
    return this.cache.peek(id) !== undefined;
  }

  /**
   * A point read is about to probe frame `id` through its read index: false
   * when loading it whole is the better use of the cache (FrameCache.shouldLoadWhole).
   */
  beginColdRead(id: number): boolean {
    if (this.cache.shouldLoadWhole(id)) return false;
    this.coldReads.probes++;
    return true;
  }

  /** A probe could not answer; the caller loads the frame instead. */
  coldReadFellBack(): void {
    this.coldReads.fallbacks++;
  }

  /**
   * Page `page` of frame `id`'s read index, from the page cache or the data
   * file; null when it is unreadable or damaged (never cached then).
   */
  readIndexPage(id: number, page: number): Uint8Array | null {
    const at = slotOffset(this.slotOf(id)) + FRAME_SIZE + page * PAGE_SIZE;
    const cached = this.pages.get(at);
    if (cached !== undefined) { this.coldReads.pageHits++; return cached; }
    const r = this.pages.reserve(at);
    const buf = r?.page ?? new Uint8Array(this.coldFrame.bytes, 0, PAGE_SIZE);
    let n: number;
    try {
      n = this.data.pread(buf, at, PAGE_SIZE);
    } catch {
      n = 0; // the index is an accelerator: an unreadable page means "load the frame"
    }
    this.coldReads.pageReads++;
    this.coldReads.pageBytesRead += n;
    if (n !== PAGE_SIZE || !indexPageValid(buf, id)) {
      if (r !== undefined) this.pages.abandon(r);
      return null;
    }
    if (r !== undefined) this.pages.commit(at, r);
    return buf;
  }

  /**
   * Frame `id`'s bytes [from, to) placed at their offsets in `coldFrame`
   * (whole 4 KiB pages, from the page cache or the data file); the rest of
   * `coldFrame` is stale. Pages read from disk must match the CRCs listed in
   * the read-index directory `dir`. Valid until the next cold read.
   */
  readColdRange(id: number, from: number, to: number, dir: Uint8Array): Frame {
    const base = slotOffset(this.slotOf(id));
    const u8 = this.coldFrame.u8;
    let p = Math.floor(from / PAGE_SIZE) * PAGE_SIZE;
    while (p < to) {
      const cached = this.pages.get(base + p);
      if (cached !== undefined) {
        this.coldReads.pageHits++;
        u8.set(cached, p);
        p += PAGE_SIZE;
        continue;
      }
      // A run of pages not in the cache: one read straight into place.
      let end = p + PAGE_SIZE;
      while (end < to && this.pages.get(base + end) === undefined) end += PAGE_SIZE;
      this.readPages(u8.subarray(p, end), base + p, id);
      for (let q = p; q < end; q += PAGE_SIZE) {
        if (crc32c(u8, q, q + PAGE_SIZE) !== listedPageCrc(dir, q / PAGE_SIZE)) {
          throw new HoltError('CORRUPT', `${this.dataPath}: page checksum mismatch for frame ${id} at byte ${base + q}`, { file: this.dataPath, offset: base + q });
        }
        const r = this.pages.reserve(base + q);
        if (r === undefined) continue;
        r.page.set(u8.subarray(q, q + PAGE_SIZE));
        this.pages.commit(base + q, r);
      }
      p = end;
    }
    return this.coldFrame;
  }

  private readPages(into: Uint8Array, at: number, id: number): void {
    let n: number;
    try {
      n = this.data.pread(into, at, into.length);
    } catch (e) {
      throw new HoltError('IO_ERROR', `cannot read frame ${id} from ${this.dataPath} at byte ${at}: ${(e as Error).message}`, { file: this.dataPath, offset: at, cause: e });
    }
    this.coldReads.pageReads++;
    this.coldReads.pageBytesRead += n;
    if (n !== into.length) {
      throw new HoltError('CORRUPT', `${this.dataPath}: frame ${id} truncated at byte ${at + n}`, { file: this.dataPath, offset: at + n });
    }
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
    const offset = slotOffset(slot);
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
    const changed = new Set<number>();
    for (const f of this.dirty) changed.add(f.id);
    for (const [id, slot] of this.slots) {
      if (this.released.has(id) || changed.has(id)) continue;
      if (frames.get(id) !== slot) return false;
    }
    this.slots.clear();
    for (const [id, slot] of frames) this.slots.set(id, slot);
    return true;
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

  private freeSlotsNow(slots: Iterable<number>): void {
    for (const s of slots) {
      this.freeSlots.push(s);
      // The slot will hold another image: its cached pages would lie.
      this.pages.dropRange(slotOffset(s), slotOffset(s + 1));
    }
    this.freeSlots.sort((a, b) => b - a);
  }

  /** Make reusable the retired slots no reader needs: readers are all at `oldestReader` or newer. */
  releaseRetired(oldestReader: number): void {
    let kept = 0;
    for (const r of this.retired) {
      if (r.generation <= oldestReader) this.freeSlotsNow(r.slots);
      else this.retired[kept++] = r;
    }
    this.retired.length = kept;
  }

  /** Slots waiting for reader processes to move on (stats). */
  get retiredSlots(): number {
    let n = 0;
    for (const r of this.retired) n += r.slots.length;
    return n;
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
      const index = this.indexBuffers.pop() ?? this.io.allocAligned(READ_INDEX_BYTES);
      // From the sealed image, so that the page CRCs cover the bytes written.
      this.buildIndex(new Frame(f.id, buf.bytes), index);
      const slot = this.takeSlot();
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
      const old = this.slots.get(id);
      if (old !== undefined) superseded.push(old);
    }
    const frames = new Map(this.slots);
    for (const id of released) frames.delete(id);
    for (const img of images) frames.set(img.frameId, img.slot);
    return { images, released, superseded, frames, nextFrameId: this.nextFrameId, nextSlot: this.nextSlot, buffers };
  }

  /**
   * The round's manifest (of `generation`) is durable: frames live in their
   * new slots; the old ones are retired (see `releaseRetired`).
   */
  commitRound(round: CapturedRound, generation: number): void {
    this.endRound(round);
    for (const id of round.released) this.slots.delete(id);
    for (const img of round.images) this.slots.set(img.frameId, img.slot);
    if (round.superseded.length > 0) this.retired.push({ generation, slots: round.superseded });
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
    this.freeSlotsNow(round.images.map((i) => i.slot));
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
