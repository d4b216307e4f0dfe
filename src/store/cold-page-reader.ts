/**
 * ColdPageReader: point reads of frames not in memory, a few 4 KiB pages at a
 * time instead of a whole 512 KiB frame.
 *
 * A checkpoint writes each frame image with a read index after it in its slot
 * (layout/read-index.ts); a point read of a non-resident frame reads that
 * index's directory and bucket pages, then only the pages of the leaf it leads
 * to (art/cold-lookup.ts walks them). This class owns what that needs:
 *
 *   pages     the frame cache's PageCache of data-file pages read this way,
 *             keyed by byte offset (in pool buffers: one budget with frames).
 *             A slot's bytes never change while a manifest names it, so a
 *             cached page stays true until its slot is reused; the pager
 *             calls `forgetSlots` before that, and when a frame comes in whole.
 *   scratch   one frame-sized buffer where a cold read places the pages it
 *             read at their offsets in the frame, valid until the next cold
 *             read (the rest of it is stale bytes of earlier reads). Which
 *             pages of which slot it holds in the running operation is kept
 *             (`scratchBase`, `scratchPages`), so a leaf read as header then
 *             body, or a walk coming back to a page, finds it in place: a leaf
 *             page is cached on its second touch, which must not be the same read.
 *   counters  what cold reads did (stats).
 *   plan      while a walk runs in plan mode (read-plan.ts), the bytes it may
 *             use besides the page cache; a page in neither is recorded as a
 *             need and the walk stops with NEEDS_IO instead of reading.
 *
 * The frame cache decides whether a frame is better loaded whole
 * (`beginColdRead`), and the slot map where a frame lives; this class only reads.
 */
import { HoltError } from '../errors.js';
import { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import { PAGE_SIZE, indexPageValid, listedPageCrc } from '../layout/read-index.js';
import type { FileHandle, Io } from '../io/types.js';
import { wholeAlignedBuffer } from '../cache/buffer-pool.js';
import type { FrameCache } from '../cache/frame-cache.js';
import type { PageCache } from '../cache/page-cache.js';
import { crc32c } from '../checksum/crc32c.js';
import { readFrameBytes } from './checked-read.js';
import type { ColdReader } from './frame-pager.js';
import { NEEDS_IO, NEED_FRAME_PAGE, NEED_INDEX_PAGE, type ReadPlan } from './read-plan.js';
import { slotOffset, type SlotMap } from './slot-map.js';

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

export class ColdPageReader implements ColdReader {
  readonly pages: PageCache;
  readonly counters: ColdReadCounters = { probes: 0, pageReads: 0, pageBytesRead: 0, pageHits: 0, fallbacks: 0 };
  /** Where a cold read assembles the pages of one leaf, at their offsets in the frame. */
  private readonly scratch: Frame;
  private readonly data: FileHandle;
  private readonly dataPath: string;
  private readonly slots: SlotMap;
  private readonly cache: FrameCache;
  /** The slot offset whose pages `scratch` holds in this operation (-1: none), and which (bits). */
  private scratchBase = -1;
  private readonly scratchPages = new Uint32Array(FRAME_SIZE / PAGE_SIZE / 32);
  /** Index pages read when the page cache has no slot to give: one for the directory, one for a bucket. */
  private readonly indexScratch: Uint8Array;
  /** Set by the pager for a walk in plan mode (FilePager.usePlan); null: read the data file. */
  plan: ReadPlan | null = null;
  /** Calls of `forgetSlots` so far: a batched read admits its pages only if none happened while it was in flight. */
  forgets = 0;

  /** A reader of `data` (at `dataPath`) caching pages in `cache`'s page cache. */
  constructor(io: Io, data: FileHandle, dataPath: string, slots: SlotMap, cache: FrameCache) {
    this.data = data;
    this.dataPath = dataPath;
    this.slots = slots;
    this.cache = cache;
    this.pages = cache.pages;
    this.scratch = new Frame(0, wholeAlignedBuffer(io, FRAME_SIZE).bytes);
    this.indexScratch = io.allocAligned(2 * PAGE_SIZE);
  }

  /** A new operation: the scratch frame's pages are not to be reused across operations. */
  beginOperation(): void {
    this.scratchBase = -1;
  }

  isResident(id: number): boolean {
    return this.cache.peek(id) !== undefined;
  }

  /**
   * A point read is about to probe frame `id` through its read index: false
   * when loading it whole is the better use of the cache (FrameCache.shouldLoadWhole).
   */
  beginColdRead(id: number): boolean {
    // A walk in plan mode passes here again on each pass: the first pass decides and counts.
    const decided = this.plan?.probed.get(id);
    if (decided !== undefined) return decided;
    const probe = !this.cache.shouldLoadWhole(id);
    if (probe) this.counters.probes++;
    this.plan?.probed.set(id, probe);
    return probe;
  }

  /** A probe could not answer; the caller loads the frame instead. */
  coldReadFellBack(): void {
    this.counters.fallbacks++;
  }

  /**
   * Page `page` of frame `id`'s read index, from the page cache or the data
   * file; null when it is unreadable or damaged (never cached then).
   */
  readIndexPage(id: number, page: number, guess = -1): Uint8Array | null {
    const index = slotOffset(this.slots.slotOf(id)) + FRAME_SIZE;
    const at = index + page * PAGE_SIZE;
    this.notePageTouch(id, at);
    const cached = this.pages.get(at);
    if (cached !== undefined) { this.counters.pageHits++; return cached; }
    const plan = this.plan;
    if (plan !== null) {
      const got = plan.got.get(at);
      if (got === undefined) {
        plan.need({ key: at, at, kind: NEED_INDEX_PAGE, frameId: id, crc: 0, navigation: true });
        const also = index + guess * PAGE_SIZE;
        if (guess >= 0 && !this.pages.has(also) && !plan.got.has(also)) {
          plan.need({ key: also, at: also, kind: NEED_INDEX_PAGE, frameId: id, crc: 0, navigation: true });
        }
        throw NEEDS_IO;
      }
      return got instanceof Uint8Array ? got : null;
    }
    const r = this.pages.reserve(at, true);
    // No slot to be had (everything cached is in use): a scratch page of its own, so that
    // the directory, a bucket and the frame's own pages never overwrite each other.
    const buf = r?.page ?? this.indexScratch.subarray(page === 0 ? 0 : PAGE_SIZE, page === 0 ? PAGE_SIZE : 2 * PAGE_SIZE);
    let n: number;
    try {
      n = this.data.pread(buf, at, PAGE_SIZE);
    } catch {
      n = 0; // the index is an accelerator: an unreadable page means "load the frame"
    }
    this.counters.pageReads++;
    this.counters.pageBytesRead += n;
    if (n !== PAGE_SIZE || !indexPageValid(buf, id)) {
      if (r !== undefined) this.pages.abandon(r);
      return null;
    }
    if (r !== undefined) this.pages.commit(at, r);
    return buf;
  }

  /**
   * Frame `id`'s bytes [from, to) placed at their offsets in the scratch frame
   * (whole 4 KiB pages, from the page cache or the data file); the rest of it
   * is stale. Pages read from disk must match the CRCs listed in the
   * read-index directory `dir`. Valid until the next cold read.
   * `navigation`: the pages lead on (nodes of a walk), cached at once;
   * otherwise they hold a leaf, cached on their second touch.
   */
  readColdRange(id: number, from: number, to: number, dir: Uint8Array, navigation: boolean, routing = false): Frame {
    const base = slotOffset(this.slots.slotOf(id));
    const touches = !routing;
    const u8 = this.scratch.u8;
    if (base !== this.scratchBase) {
      this.scratchBase = base;
      this.scratchPages.fill(0);
    }
    let p = Math.floor(from / PAGE_SIZE) * PAGE_SIZE;
    while (p < to) {
      if (this.inScratch(p)) { p += PAGE_SIZE; continue; }
      this.holdInScratch(id, base, p, touches);
      const cached = this.pages.get(base + p);
      if (cached !== undefined) {
        this.counters.pageHits++;
        u8.set(cached, p);
        p += PAGE_SIZE;
        continue;
      }
      if (this.plan !== null) {
        p = this.fromPlan(this.plan, id, base, p, to, dir, navigation);
        continue;
      }
      // A run of pages not in the cache: one read straight into place.
      let end = p + PAGE_SIZE;
      while (end < to && !this.inScratch(end) && !this.pages.has(base + end)) {
        this.holdInScratch(id, base, end, touches);
        end += PAGE_SIZE;
      }
      try {
        readFrameBytes(this.data, this.dataPath, id, u8.subarray(p, end), base + p, end - p);
        this.counters.pageReads++;
        this.counters.pageBytesRead += end - p;
        for (let q = p; q < end; q += PAGE_SIZE) {
          if (crc32c(u8, q, q + PAGE_SIZE) !== listedPageCrc(dir, q / PAGE_SIZE)) {
            throw new HoltError('CORRUPT', `${this.dataPath}: page checksum mismatch for frame ${id} at byte ${base + q}`, { file: this.dataPath, offset: base + q });
          }
        }
      } catch (e) {
        this.scratchBase = -1; // the pages in place are not to be trusted
        throw e;
      }
      for (let q = p; q < end; q += PAGE_SIZE) {
        const r = this.pages.reserve(base + q, navigation);
        if (r === undefined) continue;
        r.page.set(u8.subarray(q, q + PAGE_SIZE));
        this.pages.commit(base + q, r);
      }
      p = end;
    }
    return this.scratch;
  }

  /**
   * Plan mode: page `p` (in the scratch frame, held) from the plan's bytes;
   * when the plan lacks it, every page of [p, to) missing from cache and plan
   * is recorded as a need and the walk stops. Returns the next page offset.
   */
  private fromPlan(plan: ReadPlan, id: number, base: number, p: number, to: number, dir: Uint8Array, navigation: boolean): number {
    const got = plan.got.get(base + p);
    if (got instanceof Uint8Array) {
      this.scratch.u8.set(got, p);
      return p + PAGE_SIZE;
    }
    this.scratchBase = -1; // pages marked as in place are not all filled
    if (got !== undefined && got !== null) throw got; // the read's HoltError
    for (let q = p; q < to; q += PAGE_SIZE) {
      if (this.pages.has(base + q) || plan.got.has(base + q)) continue;
      plan.need({ key: base + q, at: base + q, kind: NEED_FRAME_PAGE, frameId: id, crc: listedPageCrc(dir, q / PAGE_SIZE), navigation });
    }
    throw NEEDS_IO;
  }


  /**
   * A page a batched read brought in (checked), into the page cache as a
   * synchronous read would put it there (`navigation`: at once; a leaf page
   * on its second touch). Nothing happens when it is cached already.
   */
  admitPage(at: number, bytes: Uint8Array, navigation: boolean): void {
    if (this.pages.has(at)) return;
    const r = this.pages.reserve(at, navigation);
    if (r === undefined) return;
    r.page.set(bytes);
    this.pages.commit(at, r);
  }

  pageCached(id: number, at: number): boolean {
    return this.pages.has(slotOffset(this.slots.slotOf(id)) + at);
  }

  private inScratch(p: number): boolean {
    const page = p / PAGE_SIZE;
    return (this.scratchPages[page >>> 5]! & (1 << (page & 31))) !== 0;
  }

  /** Page at `p` of frame `id` is being placed in the scratch frame: a touch for the frame cache (when `touch`). */
  private holdInScratch(id: number, base: number, p: number, touch: boolean): void {
    const page = p / PAGE_SIZE;
    this.scratchPages[page >>> 5]! |= 1 << (page & 31);
    if (touch) this.notePageTouch(id, base + p);
  }

  /** A touch of the page at file offset `at` of frame `id`, for the cache; once per plan in plan mode. */
  private notePageTouch(id: number, at: number): void {
    const plan = this.plan;
    if (plan !== null) {
      if (plan.touched.has(at)) return;
      plan.touched.add(at);
    }
    this.cache.notePageTouch(id);
  }

  /** `slots` are about to hold other images: their cached pages would lie. */
  forgetSlots(slots: Iterable<number>): void {
    this.forgets++;
    for (const s of slots) this.pages.dropRange(slotOffset(s), slotOffset(s + 1));
  }
}
