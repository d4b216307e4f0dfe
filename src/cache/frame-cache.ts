/**
 * FrameCache: which frames of a file-backed DB are in memory, and which one
 * leaves when a buffer is needed.
 *
 * Memory: every resident frame sits in a buffer of the BufferPool, so the
 * cache never holds more than the pool's capacity (plus overdraft, see
 * buffer-pool.ts). A frame that leaves gives its buffer back and is marked
 * `evicted`, so that an iterator still holding the Frame object knows its
 * bytes now belong to another frame.
 *
 * Protection, strongest first. A frame is never evicted while it is dirty,
 * pinned (a checkpoint writing its image, a walk standing in it) or used by
 * the running operation. Among the rest the victim is chosen by class:
 *
 *  - scan:      loaded by a scan and never read by a point operation. Scans
 *               evict these first, so a full scan recycles its own few
 *               buffers instead of pushing out the point-read working set.
 *  - probation: read by one point operation since it was loaded.
 *  - protected: read again by a point operation. Among these the victim is
 *               the one the frequency sketch counts least (TinyLFU), oldest
 *               first on ties; and a missing frame that is counted less than
 *               that victim comes in on probation only (an "admission
 *               protection"), so one-off reads cannot flush a hot set.
 *  - route anchors: frames with Crossings (the routing frames above the leaf
 *               frames) go last, the shallowest first, as many as fit in a
 *               quarter of the pool; so a cold point read usually costs the
 *               leaf frame only. A routing frame that leaves is a demotion.
 *
 * Access classes: point reads (`point`) refresh recency, promote and feed the
 * sketch; scans (`scan`) only count hits and misses; silent readers (stats,
 * verify) do not come through here at all.
 */
import type { Frame } from '../layout/frame.js';
import type { BufferPool, PoolBuffer } from './buffer-pool.js';
import { FrequencySketch } from './frequency-sketch.js';

export const CLASS_SCAN = 0;
export const CLASS_PROBATION = 1;
export const CLASS_PROTECTED = 2;

export interface AccessCounters {
  hits: number;
  misses: number;
  bytesRead: number;
}

export interface FrameCacheCounters {
  point: AccessCounters;
  scan: AccessCounters;
  evictions: number;
  /** Point misses that came in on probation because the victim was used more (TinyLFU). */
  admissionProtections: number;
  /** Route anchors evicted because anchors outgrew their quarter of the pool. */
  anchorDemotions: number;
}

/** Victim ranks: lower leaves first. */
const RANK_SCAN = 0;
const RANK_PROBATION = 1;
const RANK_PROTECTED = 2;
const RANK_ANCHOR = 3;
/** A scan's own frame while the scan is below its window: kept ahead of everything. */
const RANK_SPARED_SCAN = 4;

/**
 * Point reads of a non-resident frame (in the sketch's window) before it is
 * loaded whole: the sketch's saturation value. A whole frame costs 128 page
 * reads and a page walk of a routing frame two to four, so only frames read
 * tens of times are worth it. Measured at 4M keys, cacheMB 64 (bench/cold):
 * 3 -> 82 KiB read per cold get, 8 -> 77 KiB, 15 -> 51 KiB; steady gets
 * about 15 KiB at each.
 */
const READS_BEFORE_WHOLE = 15;
/**
 * Share of the pool a scan may fill with its own frames before it recycles
 * them: a scan that recycled one buffer would read a packed frame again each
 * time it came back to one of its roots.
 */
const SCAN_WINDOW_SHARE = 1 / 8;

export class FrameCache {
  readonly pool: BufferPool;
  private readonly sketch: FrequencySketch;
  /** Resident frames by id (ids are small and dense: an array beats a Map on the hot path). */
  private readonly resident: (Frame | undefined)[] = [];
  private readonly buffers: (PoolBuffer | undefined)[] = [];
  private count = 0;
  /** Frames taken out so far (evicted or dropped): FramePager.frameChanges. */
  removals = 0;
  /** Route anchors that may be kept ahead of other frames. */
  readonly anchorBudget: number;
  /** Current operation stamp: frames touched under it are not evicted. */
  private opStamp = 1;
  /** The class `acquire` decided for the frame it made room for. */
  incomingClass = CLASS_PROBATION;
  readonly counters: FrameCacheCounters = {
    point: { hits: 0, misses: 0, bytesRead: 0 },
    scan: { hits: 0, misses: 0, bytesRead: 0 },
    evictions: 0, admissionProtections: 0, anchorDemotions: 0,
  };

  constructor(pool: BufferPool) {
    this.pool = pool;
    this.sketch = new FrequencySketch(pool.capacity);
    this.anchorBudget = Math.max(1, Math.floor(pool.capacity / 4));
  }

  get residentCount(): number {
    return this.count;
  }

  beginOperation(): void {
    this.opStamp++;
  }

  /** Keep `f` for the running operation (an iterator resuming in frames it holds). */
  touch(f: Frame): void {
    f.lastTouched = this.opStamp;
  }

  /** The resident frame `id` for a point read, or undefined. */
  pointHit(id: number): Frame | undefined {
    const f = this.resident[id];
    if (f === undefined) return undefined;
    f.lastTouched = this.opStamp;
    this.counters.point.hits++;
    this.sketch.increment(id);
    if (f.cacheClass !== CLASS_PROTECTED) f.cacheClass = f.cacheClass === CLASS_SCAN ? CLASS_PROBATION : CLASS_PROTECTED;
    return f;
  }

  /** The resident frame `id` for a scan, or undefined. Recency stays; a reused scan frame goes on probation. */
  scanHit(id: number, stamp: boolean): Frame | undefined {
    const f = this.resident[id];
    if (f === undefined) return undefined;
    // A scan frame fetched again after a pause is being reused (short listings
    // of the same prefix, one after another), not streamed past: it joins the
    // point-read frames on probation instead of being the next to go.
    if (f.cacheClass === CLASS_SCAN && this.opStamp - f.lastTouched > 1) f.cacheClass = CLASS_PROBATION;
    if (stamp) f.lastTouched = this.opStamp;
    this.counters.scan.hits++;
    return f;
  }

  /**
   * Count a point read of `id`, which is not resident, and say whether to
   * load it whole (true) or read its pages (false). Loading pays off when the
   * pool has room, or when `id` is used more than the frame it would push out
   * (the TinyLFU test): under uniform reads over data larger than the cache
   * that is rarely so, and every read stays a few pages.
   */
  shouldLoadWhole(id: number): boolean {
    this.sketch.increment(id);
    const freq = this.sketch.frequency(id);
    if (freq < READS_BEFORE_WHOLE) return false;
    if (this.pool.hasRoom) return true;
    const victim = this.chooseVictim(CLASS_PROBATION, false);
    // A whole frame costs 64 times a page read: only clearly hotter frames displace others.
    return victim !== undefined && freq > 2 * this.sketch.frequency(victim.id) + 1;
  }

  /** Resident without any bookkeeping (silent readers). */
  peek(id: number): Frame | undefined {
    return this.resident[id];
  }

  /**
   * A buffer for frame `id` about to come in under `cls`: a free one, one
   * taken from an evicted frame, or an overdraft loan when nothing can leave.
   * Sets `incomingClass`, the class the frame is admitted under (see below).
   */
  acquire(id: number, cls: number): PoolBuffer {
    this.incomingClass = cls;
    if (cls !== CLASS_SCAN) {
      // A frame read often enough recently (it was evicted and is back) skips probation.
      this.incomingClass = this.sketch.frequency(id) >= 2 ? CLASS_PROTECTED : CLASS_PROBATION;
    }
    const free = this.pool.take();
    if (free !== null) return free;
    const victim = this.chooseVictim(cls);
    if (victim === undefined) return this.pool.lend();
    if (cls !== CLASS_SCAN && victim.cacheClass === CLASS_PROTECTED && this.sketch.frequency(victim.id) > this.sketch.frequency(id)) {
      // TinyLFU admission: the frame making room was used more than the newcomer.
      this.incomingClass = CLASS_PROBATION;
      this.counters.admissionProtections++;
    }
    this.counters.evictions++;
    return this.remove(victim); // the victim's buffer passes straight to the newcomer
  }

  /** Make `f` (whose bytes are `buf`) resident under `cls`; a point miss also counts in the sketch. */
  admit(f: Frame, buf: PoolBuffer, cls: number, stamp: boolean): void {
    if (cls !== CLASS_SCAN) this.sketch.increment(f.id);
    f.cacheClass = cls;
    f.lastTouched = stamp ? this.opStamp : 0;
    f.evicted = false;
    this.resident[f.id] = f;
    this.buffers[f.id] = buf;
    this.count++;
  }

  /** Resident frames (a snapshot of the set). */
  residentFrames(): Frame[] {
    const out: Frame[] = [];
    for (const f of this.resident) if (f !== undefined) out.push(f);
    return out;
  }

  /** Take `f` out of the cache with its buffer, which leaves this pool (see FilePager.inheritFrom). */
  handOver(f: Frame): PoolBuffer {
    const buf = this.remove(f);
    this.pool.disown(buf);
    return buf;
  }

  /** The frame no longer exists (released): its buffer goes back to the pool. */
  drop(id: number): void {
    const f = this.resident[id];
    if (f !== undefined) this.pool.give(this.remove(f));
  }

  /** Take `f` out of the cache and return its buffer (the caller reuses or gives it back). */
  private remove(f: Frame): PoolBuffer {
    const buf = this.buffers[f.id]!;
    this.resident[f.id] = undefined;
    this.buffers[f.id] = undefined;
    this.count--;
    this.removals++;
    f.evicted = true;
    return buf;
  }

  /** How many resident frames are routing frames (frames with Crossings). */
  get anchorCount(): number {
    let n = 0;
    for (const f of this.resident) if (f !== undefined && f.crossings > 0) n++;
    return n;
  }

  /**
   * The deepest base depth a routing frame may have and still be kept as a
   * route anchor: the shallowest routing frames win, up to `anchorBudget`.
   */
  private anchorDepthLimit(): number {
    const depths: number[] = [];
    for (const f of this.resident) if (f !== undefined && f.crossings > 0) depths.push(f.baseDepth);
    if (depths.length <= this.anchorBudget) return Infinity;
    depths.sort((a, b) => a - b);
    const last = depths[this.anchorBudget - 1]!;
    // A depth shared across the budget's edge is left out whole: never more anchors than the budget.
    return depths[this.anchorBudget]! > last ? last : last - 1;
  }

  /**
   * The frame to evict, or undefined when every resident frame is held. One
   * linear pass: a miss costs a disk read, next to which a pass over the
   * pool's few hundred frames is free.
   */
  private chooseVictim(cls: number, count = true): Frame | undefined {
    const anchorDepth = this.anchorDepthLimit();
    // A scan below its window takes a buffer from the least valuable other frame.
    let scanFrames = 0;
    if (cls === CLASS_SCAN) for (const f of this.resident) if (f !== undefined && f.cacheClass === CLASS_SCAN) scanFrames++;
    const spareScans = cls === CLASS_SCAN && scanFrames < Math.floor(this.pool.capacity * SCAN_WINDOW_SHARE);
    let best: Frame | undefined;
    let bestRank = 99;
    let bestFreq = 99;
    for (const f of this.resident) {
      if (f === undefined || f.dirty || f.pins > 0 || f.lastTouched === this.opStamp) continue;
      let rank = f.cacheClass === CLASS_SCAN ? RANK_SCAN : f.cacheClass === CLASS_PROBATION ? RANK_PROBATION : RANK_PROTECTED;
      if (f.crossings > 0 && f.baseDepth <= anchorDepth) rank = RANK_ANCHOR;
      if (spareScans && rank === RANK_SCAN) rank = RANK_SPARED_SCAN;
      const freq = rank >= RANK_PROTECTED ? this.sketch.frequency(f.id) : 0;
      if (rank < bestRank || (rank === bestRank && (freq < bestFreq || (freq === bestFreq && f.lastTouched < best!.lastTouched)))) {
        best = f;
        bestRank = rank;
        bestFreq = freq;
      }
    }
    if (count && best !== undefined && best.crossings > 0) this.counters.anchorDemotions++;
    return best;
  }

  /** Note a read from storage of `bytes` for `cls`. */
  countMiss(cls: number, bytes: number): void {
    const c = cls === CLASS_SCAN ? this.counters.scan : this.counters.point;
    c.misses++;
    c.bytesRead += bytes;
  }
}
