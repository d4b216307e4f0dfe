/**
 * over 400 lines because victim choice, route anchors and the promotion of a
 * page-read frame to a whole one are one policy over one budget: they share
 * the class lists, the resident map and the operation stamp, and each decision
 * reads the others' state (a promotion picks a victim; an anchor's demotion
 * relists it in its class). Split apart, each would reach into another's state.
 *
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
 * the running operation. Among the rest the victim is chosen by class, each
 * class a list kept in order as frames are used (id-lists.ts), so a decision
 * looks at a bounded number of list heads (VICTIM_SAMPLE), never at every
 * resident frame:
 *
 *  - scan:      loaded by a scan and never read by a point operation. Scans
 *               evict these first, so a full scan recycles its own few
 *               buffers instead of pushing out the point-read working set.
 *  - probation: read by one point operation since it was loaded.
 *  - protected: read again by a point operation, least recently used first.
 *               The victim is the one the frequency sketch counts least
 *               (TinyLFU) among the oldest few; and a missing frame that is
 *               counted less than that victim comes in on probation only (an
 *               "admission protection"), so one-off reads cannot flush a hot set.
 *  - route anchors: frames with Crossings (the routing frames above the leaf
 *               frames) go last, the shallowest first, as many as fit in a
 *               quarter of the pool (one list per base depth; a shallower
 *               routing frame coming in demotes the deepest anchor to its
 *               class); so a cold point read usually costs the leaf frame only.
 *
 * Access classes: point reads (`point`) refresh recency, promote and feed the
 * sketch; scans (`scan`) only count hits and misses; silent readers (stats,
 * verify) do not come through here at all.
 */
import type { Frame } from '../layout/frame.js';
import type { BufferPool, PoolBuffer } from './buffer-pool.js';
import { FrequencySketch } from './frequency-sketch.js';
import { IdLists } from './id-lists.js';
import { PageCache } from './page-cache.js';

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
  /** Route anchors demoted to their class because a shallower routing frame took their place in the quarter of the pool. */
  anchorDemotions: number;
  /** Frames loaded whole because their page touches paid for them (the rest of the point misses read pages). */
  framesPromoted: number;
  /** Frames evicted to give their buffer to the page cache (scan, probation or cold frames only). */
  framesToPages: number;
}

/** Victim lists, drawn from in this order (anchors last, by depth, deepest first). */
const L_SCAN = 0;
const L_PROBATION = 1;
const L_PROTECTED = 2;
/**
 * Entries a decision examines in one list at most: ineligible ones (dirty,
 * pinned, in use) move to the list's tail as they are passed, and among
 * protected frames the least frequent of this many oldest is the victim. The
 * bound is what makes a decision cost the same with 100 or 100,000 frames.
 */
export const VICTIM_SAMPLE = 8;
/**
 * Page touches (cold reads' page lookups, hits or reads) of a frame that is
 * not resident, within the sketch's window, before it is loaded whole: a
 * frame costs 128 pages of the budget, so it comes in once its use has
 * paid for them. Under uniform reads over data larger than the cache a leaf
 * frame rarely gets there and reads stay a few pages; a routing frame every
 * read passes does at once, and so do the frames of a hot set.
 */
const PAGE_TOUCHES_TO_PAY = 128;
/**
 * Frame ids the sketch tells apart, per pool buffer: it counts frames served
 * from pages too, and its window (10 x width increments) must be long enough
 * for a hot frame's page touches to add up to PAGE_TOUCHES_TO_PAY.
 */
const SKETCHED_FRAMES_PER_BUFFER = 8;
/** The page cache keeps this share of the pool (at least one chunk) whatever frames want: the pages every cold read needs (read-index directories, routing nodes) stay cached under any hot set. */
const PAGE_FLOOR_SHARE = 1 / 8;
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
  /** Victim order: the class lists, then one list of route anchors per base depth. */
  private readonly lists = new IdLists();
  /** Base depth -> its anchor list; `anchorDepths` lists those depths ascending. */
  private readonly anchorListOf = new Map<number, number>();
  private readonly anchorDepths: number[] = [];
  private anchors = 0;
  /** Resident frames that had Crossings when they came in (stats). */
  private readonly routing = new Set<number>();
  /** Frames taken out so far (evicted or dropped): FramePager.frameChanges. */
  removals = 0;
  /** Route anchors that may be kept ahead of other frames. */
  readonly anchorBudget: number;
  /**
   * Entries (list entries, anchor depths) examined by cache decisions so far:
   * the work a decision costs, which must not grow with the number of frames.
   */
  examined = 0;
  /** Current operation stamp: frames touched under it are not evicted. */
  private opStamp = 1;
  /** The class `acquire` decided for the frame it made room for. */
  incomingClass = CLASS_PROBATION;
  readonly counters: FrameCacheCounters = {
    point: { hits: 0, misses: 0, bytesRead: 0 },
    scan: { hits: 0, misses: 0, bytesRead: 0 },
    evictions: 0, admissionProtections: 0, anchorDemotions: 0, framesPromoted: 0, framesToPages: 0,
  };
  /** 4 KiB pages of non-resident frames, in buffers of the same pool (one budget). */
  readonly pages: PageCache;
  /** Page touches per frame id within the sketch's window (halved when it ages). */
  private touches: Uint16Array = new Uint16Array(64);
  private agesSeen = 0;

  constructor(pool: BufferPool) {
    this.pool = pool;
    // Frames read through pages are counted as well as resident ones: several times the pool.
    this.sketch = new FrequencySketch(pool.capacity * SKETCHED_FRAMES_PER_BUFFER);
    this.anchorBudget = Math.max(1, Math.floor(pool.capacity / 4));
    this.pages = PageCache.over(pool, Math.max(1, Math.floor(pool.capacity * PAGE_FLOOR_SHARE)), () => this.bufferForPages());
    this.lists.addList(); // L_SCAN
    this.lists.addList(); // L_PROBATION
    this.lists.addList(); // L_PROTECTED
  }

  get residentCount(): number {
    return this.count;
  }

  beginOperation(): void {
    this.opStamp++;
    this.pages.beginOperation();
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
    if (f.cacheClass !== CLASS_PROTECTED) {
      f.cacheClass = f.cacheClass === CLASS_SCAN ? CLASS_PROBATION : CLASS_PROTECTED;
      this.relist(f);
    } else if (this.lists.listOf(id) === L_PROTECTED) {
      this.lists.append(L_PROTECTED, id); // most recently used last
    }
    return f;
  }

  /** The resident frame `id` for a scan, or undefined. Recency stays; a reused scan frame goes on probation. */
  scanHit(id: number, stamp: boolean): Frame | undefined {
    const f = this.resident[id];
    if (f === undefined) return undefined;
    // A scan frame fetched again after a pause is being reused (short listings
    // of the same prefix, one after another), not streamed past: it joins the
    // point-read frames on probation instead of being the next to go.
    if (f.cacheClass === CLASS_SCAN && this.opStamp - f.lastTouched > 1) {
      f.cacheClass = CLASS_PROBATION;
      this.relist(f);
    }
    if (stamp) f.lastTouched = this.opStamp;
    this.counters.scan.hits++;
    return f;
  }

  /**
   * Count a point read of `id`, which is not resident, and say whether to
   * load it whole (true) or read its pages (false). Loading pays off once
   * the frame's page touches paid for its 128 pages, and then only into a
   * free buffer, in place of a frame read once or used much less (the
   * TinyLFU test), or in place of a chunk of pages above the page cache's
   * floor: a hot set whose frames fit the budget ends up in whole frames.
   */
  shouldLoadWhole(id: number): boolean {
    this.sketch.increment(id);
    this.ageTouches();
    if (id >= this.touches.length || this.touches[id]! < PAGE_TOUCHES_TO_PAY) return false;
    if (this.pool.hasRoom || this.victimGivesWay(this.chooseVictim(CLASS_PROBATION), id) || this.pages.chunkCount > this.pages.floorChunks) {
      this.counters.framesPromoted++;
      return true;
    }
    return false;
  }

  /** A cold read of frame `id` touched one of its pages or of its read index. */
  notePageTouch(id: number): void {
    if (id >= this.touches.length) {
      let n = this.touches.length;
      while (n <= id) n *= 2;
      const t = new Uint16Array(n);
      t.set(this.touches);
      this.touches = t;
    }
    if (this.touches[id]! < 0xffff) this.touches[id]!++;
  }

  /** When the sketch aged, page touches age too: O(frame ids) once per window of 10 x width increments. */
  private ageTouches(): void {
    if (this.sketch.ages === this.agesSeen) return;
    this.agesSeen = this.sketch.ages;
    for (let i = 0; i < this.touches.length; i++) this.touches[i] = this.touches[i]! >>> 1;
  }

  /**
   * `v` may leave for frame `id`: it was read once (scan, probation), or is
   * used less than half as often (equally hot frames must not evict each
   * other back and forth on the sketch's noise).
   */
  private victimGivesWay(v: Frame | undefined, id: number): boolean {
    return v !== undefined && (v.cacheClass !== CLASS_PROTECTED || 2 * this.sketch.frequency(v.id) < this.sketch.frequency(id));
  }

  /**
   * A buffer for the page cache to grow by: a free one, or the buffer of a
   * frame that is worth less than pages (loaded by a scan, or cold in the
   * sketch); null otherwise, and the page cache recycles its own pages.
   */
  private bufferForPages(): PoolBuffer | null {
    const free = this.pool.take();
    if (free !== null) return free;
    const v = this.chooseVictim(CLASS_PROBATION);
    // A frame a point read loaded paid for its pages (or was written): only cold ones give way.
    if (v === undefined || (v.cacheClass !== CLASS_SCAN && this.sketch.frequency(v.id) > 1)) return null;
    this.counters.evictions++;
    this.counters.framesToPages++;
    return this.remove(v);
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
    const cheap = cls === CLASS_SCAN ? victim?.cacheClass === CLASS_SCAN : this.victimGivesWay(victim, id);
    if (!cheap) {
      // Nothing cheaper than a frame in use: a chunk of pages above the floor goes first.
      const chunk = this.pages.releaseChunk();
      if (chunk !== null) return chunk;
    }
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
    if (f.crossings > 0) this.routing.add(f.id);
    this.relist(f);
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
    if (this.lists.listOf(f.id) > L_PROTECTED) this.anchors--;
    this.lists.remove(f.id);
    this.routing.delete(f.id);
    this.resident[f.id] = undefined;
    this.buffers[f.id] = undefined;
    this.count--;
    this.removals++;
    f.evicted = true;
    return buf;
  }

  /** How many resident frames are routing frames (frames with Crossings). */
  get anchorCount(): number {
    return this.routing.size;
  }

  /** Route anchors: routing frames kept ahead of every other frame. */
  get anchorFrames(): number {
    return this.anchors;
  }

  /**
   * Put `f` in the list of its class, or keep it among the route anchors:
   * a frame with Crossings becomes an anchor while the anchors fit their
   * budget or it is shallower than the deepest anchor, which then goes back
   * to its class (a demotion). The shallowest routing frames win, as before,
   * but the order is kept up to date instead of recomputed per decision.
   */
  private relist(f: Frame): void {
    const list = this.lists.listOf(f.id);
    if (list > L_PROTECTED) return; // an anchor stays one until it leaves
    if (f.crossings > 0) {
      const depth = f.baseDepth;
      if (this.anchors < this.anchorBudget) { this.addAnchor(f.id, depth); return; }
      const deepest = this.deepestAnchorList();
      if (deepest >= 0 && depth < this.anchorDepths[deepest]!) {
        const demoted = this.resident[this.lists.head(this.anchorListOf.get(this.anchorDepths[deepest]!)!)]!;
        this.anchors--;
        this.lists.append(classList(demoted.cacheClass), demoted.id);
        this.counters.anchorDemotions++;
        this.addAnchor(f.id, depth);
        return;
      }
    }
    this.lists.append(classList(f.cacheClass), f.id);
  }

  private addAnchor(id: number, depth: number): void {
    let list = this.anchorListOf.get(depth);
    if (list === undefined) {
      list = this.lists.addList();
      this.anchorListOf.set(depth, list);
      let i = this.anchorDepths.length;
      while (i > 0 && this.anchorDepths[i - 1]! > depth) i--;
      this.anchorDepths.splice(i, 0, depth);
    }
    this.lists.append(list, id);
    this.anchors++;
  }

  /** Index in `anchorDepths` of the deepest depth holding an anchor, or -1. */
  private deepestAnchorList(): number {
    for (let i = this.anchorDepths.length - 1; i >= 0; i--) {
      this.examined++;
      if (this.lists.length(this.anchorListOf.get(this.anchorDepths[i]!)!) > 0) return i;
    }
    return -1;
  }

  /** A frame that may leave now: not dirty, not pinned, not used by the running operation. */
  private evictable(f: Frame): boolean {
    return !f.dirty && f.pins === 0 && f.lastTouched !== this.opStamp;
  }

  /**
   * The oldest evictable frame of `list` within VICTIM_SAMPLE entries, or
   * with `leastFrequent` the least frequent of the first VICTIM_SAMPLE
   * evictable ones. Passed-over entries move to the tail.
   */
  private pick(list: number, leastFrequent: boolean): Frame | undefined {
    let best: Frame | undefined;
    let bestFreq = 99;
    let id = this.lists.head(list);
    for (let k = 0; k < VICTIM_SAMPLE && id >= 0; k++) {
      this.examined++;
      const f = this.resident[id]!;
      const next = this.lists.after(id);
      if (!this.evictable(f)) {
        if (next >= 0) this.lists.append(list, id);
      } else if (!leastFrequent) {
        return f;
      } else {
        const freq = this.sketch.frequency(id);
        if (freq < bestFreq) { best = f; bestFreq = freq; }
      }
      id = next;
    }
    return best;
  }

  /**
   * The frame to evict, or undefined when none of the entries examined may
   * leave. Scan frames first (unless a scan is below its window: it takes
   * from the others then), probation, the least frequent of the oldest
   * protected frames, route anchors deepest first; a bounded number of
   * entries per list, so a decision costs the same however many frames are
   * resident.
   */
  private chooseVictim(cls: number): Frame | undefined {
    const spareScans = cls === CLASS_SCAN && this.lists.length(L_SCAN) < Math.floor(this.pool.capacity * SCAN_WINDOW_SHARE);
    const victim = (spareScans ? undefined : this.pick(L_SCAN, false))
      ?? this.pick(L_PROBATION, false)
      ?? this.pick(L_PROTECTED, true);
    if (victim !== undefined) return victim;
    // Anchors, deepest first: at most two depths are examined per decision.
    let examinedDepths = 0;
    for (let i = this.deepestAnchorList(); i >= 0 && examinedDepths < 2; i--) {
      const list = this.anchorListOf.get(this.anchorDepths[i]!)!;
      this.examined++;
      if (this.lists.length(list) === 0) continue;
      examinedDepths++;
      const f = this.pick(list, false);
      if (f !== undefined) return f;
    }
    return spareScans ? this.pick(L_SCAN, false) : undefined;
  }

  /** Note a read from storage of `bytes` for `cls`. */
  countMiss(cls: number, bytes: number): void {
    const c = cls === CLASS_SCAN ? this.counters.scan : this.counters.point;
    c.misses++;
    c.bytesRead += bytes;
  }
}

function classList(cls: number): number {
  return cls === CLASS_SCAN ? L_SCAN : cls === CLASS_PROBATION ? L_PROBATION : L_PROTECTED;
}
