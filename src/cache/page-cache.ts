/**
 * PageCache: 4 KiB data-file pages for cold point reads (read-index pages,
 * the pages of routing nodes and leaves a cold walk touches), held in the
 * same budget as whole frames.
 *
 * One budget: the page cache has no capacity of its own. Its pages live in
 * chunks that are buffers of the frame pool (one 512 KiB buffer = 128
 * pages), obtained through `grow` (a free buffer, or one the frame cache
 * gives up: see FrameCache.bufferForPages) and given back whole by
 * `releaseChunk` when a frame that pays for its pages needs the buffer. So
 * frames and pages together never hold more than the pool's buffers, and
 * the split between them follows use instead of a fixed share.
 *
 * Admission: navigation pages (read-index pages, the nodes of a page walk)
 * are cached at once; a leaf page only on its second touch (a count-min
 * sketch over page numbers remembers the first), so a uniform stream of
 * one-off reads does not push out the pages every read needs.
 *
 * Eviction is CLOCK with a bounded sweep: a page used since the hand last
 * passed gets a second chance, and a decision looks at PAGE_SAMPLE slots at
 * most, so its cost does not grow with the cache. Pages used by the running
 * operation (stamped) are never taken: a cold walk holds views of them.
 *
 * Pages are keyed by data-file byte offset; slots are never overwritten
 * while a manifest names them, so a cached page stays true until its slot is
 * retired and reused, when the pager drops the slot's pages (`dropRange`).
 */
import { PAGE_SIZE } from '../layout/read-index.js';
import type { BufferPool, PoolBuffer } from './buffer-pool.js';
import { FrequencySketch } from './frequency-sketch.js';

/** Slots a CLOCK sweep examines at most before it takes the best one seen. */
export const PAGE_SAMPLE = 16;
const FREE = -1;
const RESERVED = -2;

export interface PageCacheCounters {
  /** Pages served from the cache. */
  hits: number;
  /** Leaf pages read once and not cached (their first touch). */
  leafPagesDeferred: number;
  /** Pages evicted to make room for others. */
  evictions: number;
  /** Chunks (512 KiB buffers of pages) given back to the frame pool. */
  chunksReleased: number;
}

export class PageCache {
  /** Pages per chunk: one frame buffer. */
  readonly chunkPages: number;
  /** Chunks the cache keeps however much frames want the budget. */
  readonly floorChunks: number;
  private readonly grow: () => PoolBuffer | null;
  private readonly giveBack: (b: PoolBuffer) => void;
  private readonly chunks: PoolBuffer[] = [];
  /** Byte offset in the data file -> slot. */
  private readonly index = new Map<number, number>();
  /** Slot -> the offset it caches, FREE or RESERVED. */
  private readonly slotAt: Float64Array;
  /** CLOCK reference bits. */
  private readonly ref: Uint8Array;
  /** Operation stamp of a slot's last use. */
  private readonly stamp: Int32Array;
  /** Free slots (each at most once: `listed`); entries past the live chunks are skipped. */
  private readonly free: number[] = [];
  private readonly listed: Uint8Array;
  private hand = 0;
  private op = 1;
  private readonly leafSketch: FrequencySketch;
  readonly counters: PageCacheCounters = { hits: 0, leafPagesDeferred: 0, evictions: 0, chunksReleased: 0 };
  /** Slots examined by eviction decisions (the work they cost; see test/cache/decision-cost.test.ts). */
  examined = 0;

  /**
   * `maxChunks`: the most chunks there can be (the pool's capacity).
   * `grow` returns a buffer to become a chunk, or null; `giveBack` returns
   * one that is not needed after all.
   */
  constructor(maxChunks: number, chunkBytes: number, floorChunks: number, grow: () => PoolBuffer | null, giveBack: (b: PoolBuffer) => void) {
    this.chunkPages = Math.floor(chunkBytes / PAGE_SIZE);
    this.floorChunks = floorChunks;
    this.grow = grow;
    this.giveBack = giveBack;
    const slots = maxChunks * this.chunkPages;
    this.slotAt = new Float64Array(slots).fill(FREE);
    this.ref = new Uint8Array(slots);
    this.stamp = new Int32Array(slots);
    this.listed = new Uint8Array(slots);
    this.leafSketch = new FrequencySketch(slots);
  }

  /** Build a PageCache whose chunks are buffers of `pool`, grown through `grow`. */
  static over(pool: BufferPool, floorChunks: number, grow: () => PoolBuffer | null): PageCache {
    return new PageCache(pool.capacity, pool.bufferSize, floorChunks, grow, (b) => pool.give(b));
  }

  beginOperation(): void {
    this.op++;
  }

  /** Pages cached now. */
  get size(): number {
    return this.index.size;
  }

  /** Pages the chunks held now can take. */
  get capacity(): number {
    return this.chunks.length * this.chunkPages;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  private page(slot: number): Uint8Array {
    const at = (slot % this.chunkPages) * PAGE_SIZE;
    return this.chunks[Math.floor(slot / this.chunkPages)]!.view.subarray(at, at + PAGE_SIZE);
  }

  /** The cached page at file offset `at`, or undefined. */
  get(at: number): Uint8Array | undefined {
    const slot = this.index.get(at);
    if (slot === undefined) return undefined;
    this.ref[slot] = 1;
    this.stamp[slot] = this.op;
    this.counters.hits++;
    return this.page(slot);
  }

  /** True when the page at `at` is cached (no use recorded). */
  has(at: number): boolean {
    return this.index.has(at);
  }

  /**
   * A page buffer to fill for file offset `at` (an aligned 4 KiB view), or
   * undefined when the page is not to be cached: a leaf page on its first
   * touch, or no slot to be had. The caller fills it, then `commit`s it or
   * `abandon`s it if the read failed.
   */
  reserve(at: number, navigation: boolean): { page: Uint8Array; slot: number } | undefined {
    if (!navigation) {
      const n = Math.floor(at / PAGE_SIZE);
      this.leafSketch.increment(n);
      if (this.leafSketch.frequency(n) < 2) { this.counters.leafPagesDeferred++; return undefined; }
    }
    const slot = this.freeSlot() ?? this.newChunkSlot() ?? this.evictOne();
    if (slot === undefined) return undefined;
    this.slotAt[slot] = RESERVED;
    this.stamp[slot] = this.op;
    return { page: this.page(slot), slot };
  }

  commit(at: number, r: { slot: number }): void {
    this.index.set(at, r.slot);
    this.slotAt[r.slot] = at;
    this.ref[r.slot] = 1;
  }

  abandon(r: { slot: number }): void {
    this.freeSlotAgain(r.slot);
  }

  /** Forget every page in file bytes [from, to): their slot is being reused, or the frame is whole in memory. */
  dropRange(from: number, to: number): void {
    for (let at = from; at < to; at += PAGE_SIZE) {
      const slot = this.index.get(at);
      if (slot !== undefined) {
        this.index.delete(at);
        this.freeSlotAgain(slot);
      }
    }
  }

  /**
   * Give the last chunk's buffer up (its pages are dropped) for a frame, or
   * null when the cache is at its floor or a page of that chunk is being
   * filled. O(pages per chunk).
   */
  releaseChunk(): PoolBuffer | null {
    if (this.chunks.length <= this.floorChunks) return null;
    const c = this.chunks.length - 1;
    const first = c * this.chunkPages;
    for (let s = first; s < first + this.chunkPages; s++) if (this.slotAt[s] === RESERVED) return null;
    for (let s = first; s < first + this.chunkPages; s++) {
      const at = this.slotAt[s]!;
      if (at >= 0) this.index.delete(at);
      this.slotAt[s] = FREE; // its stack entry, if any, is skipped while the chunk is gone
    }
    if (this.hand >= first) this.hand = 0;
    this.counters.chunksReleased++;
    return this.chunks.pop()!;
  }

  private freeSlotAgain(slot: number): void {
    this.slotAt[slot] = FREE;
    this.ref[slot] = 0;
    if (this.listed[slot] === 0) {
      this.listed[slot] = 1;
      this.free.push(slot);
    }
  }

  private freeSlot(): number | undefined {
    const live = this.chunks.length * this.chunkPages;
    while (this.free.length > 0) {
      const s = this.free.pop()!;
      this.listed[s] = 0;
      if (s < live && this.slotAt[s] === FREE) return s;
    }
    return undefined;
  }

  private newChunkSlot(): number | undefined {
    const b = this.grow();
    if (b === null) return undefined;
    if (b.view.length < this.chunkPages * PAGE_SIZE) {
      this.giveBack(b);
      return undefined;
    }
    const first = this.chunks.length * this.chunkPages;
    this.chunks.push(b);
    for (let s = first + this.chunkPages - 1; s > first; s--) this.freeSlotAgain(s);
    return first;
  }

  /** CLOCK, at most PAGE_SAMPLE slots: the first page not used since the hand passed, else the first not in use. */
  private evictOne(): number | undefined {
    const live = this.chunks.length * this.chunkPages;
    if (live === 0) return undefined;
    let fallback = -1;
    for (let k = 0; k < PAGE_SAMPLE; k++) {
      const s = this.hand;
      this.hand = s + 1 === live ? 0 : s + 1;
      this.examined++;
      const at = this.slotAt[s]!;
      if (at < 0 || this.stamp[s] === this.op) continue;
      if (this.ref[s] === 1) {
        this.ref[s] = 0;
        if (fallback < 0) fallback = s;
        continue;
      }
      return this.evictSlot(s);
    }
    return fallback < 0 ? undefined : this.evictSlot(fallback);
  }

  private evictSlot(s: number): number {
    this.index.delete(this.slotAt[s]!);
    this.slotAt[s] = FREE;
    this.ref[s] = 0;
    this.counters.evictions++;
    return s;
  }
}
