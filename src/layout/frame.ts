/**
 * Frame: one 512 KiB blob frame and its allocator.
 *
 * Owns the bytes (an ArrayBuffer viewed through typed arrays so that a frame can
 * later live in a SharedArrayBuffer) and the three allocation mechanisms from
 * the layout: the bump cursor, the slot table log, and one LIFO free list per
 * fixed-size node type. Variable-size bodies (leaves, prefixes) are abandoned
 * when freed and counted as dead bytes until compaction rebuilds the frame.
 */
import {
  CROSSING_RESERVE, DATA_END, DATA_START, FRAME_FORMAT_VERSION, FRAME_MAGIC, FRAME_SIZE,
  FREE_LIST_COUNT, H_BASE_DEPTH, H_COMPACTIONS, H_CROSSINGS, H_DEAD_BYTES, H_FRAME_ID,
  H_EXTRA_ROOTS, H_FREE_LIST_BYTES, H_FREE_LIST_HEADS, H_LAYOUT, H_LEAF_START, H_LIVE_KEYS, H_ROUTING_END, LAYOUT_ROUTED, H_MAGIC, H_MAX_VERSION, H_ROOT_COUNT, H_ROOT_REF, MAX_ROOTS,
  H_SLOTS_USED, H_SPACE_USED, H_TREE_ID, SHARED_TREE_ID, H_VERSION, MAX_SLOTS, SLOT_TABLE_START,
} from './frame-header.js';
import { decodeRef, encodeRef } from './child-ref.js';
import { encodeSlot, slotOffset } from './slot-table.js';
import { EMPTY_ROOT_SIZE } from './empty-root.js';
import { FREE_BODY_NEXT, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_FREE, NODE_TYPE_OFFSET } from './node-types.js';

/** Types whose bodies have a fixed size and therefore a free list. */
function hasFreeList(type: number): boolean {
  return type >= NODE_CROSSING && type <= NODE_EMPTY_ROOT;
}

export class Frame {
  readonly id: number;
  readonly bytes: ArrayBuffer;
  /** Byte view; a Buffer so that values can be copied out with `copy` (no view allocation). */
  readonly u8: Buffer;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  /** 64-bit words: exact bit copies (a Float64Array may change NaN bit patterns), the fastest way to move bytes in JS. */
  readonly u64: BigUint64Array;
  /** Set by the pager when the frame differs from its stored image. */
  dirty = false;
  /** The pager's operation stamp when the frame was last used (eviction order). */
  lastTouched = 0;
  /** Cache bookkeeping (src/cache/frame-cache.ts): access class, holders that forbid eviction. */
  cacheClass = 0;
  pins = 0;
  /**
   * Set when the cache gave this frame's buffer to another frame: the object
   * must not be read any more (an iterator holding it seeks again instead).
   */
  evicted = false;
  /** Snapshot epoch this frame's bytes were last preserved at (store/frame-versions.ts). */
  cowEpoch = 0;

  constructor(id: number, bytes: ArrayBuffer) {
    if (bytes.byteLength !== FRAME_SIZE) throw new RangeError(`frame ${id}: ${bytes.byteLength} bytes, expected ${FRAME_SIZE}`);
    this.id = id;
    this.bytes = bytes;
    this.u8 = Buffer.from(bytes);
    this.u16 = new Uint16Array(bytes);
    this.u32 = new Uint32Array(bytes);
    this.u64 = new BigUint64Array(bytes);
    this.f64 = new Float64Array(bytes);
  }

  /** A fresh frame: header written, root is an EmptyRoot. */
  static create(id: number, treeId: number, baseDepth: number, bytes: ArrayBuffer = new ArrayBuffer(FRAME_SIZE)): Frame {
    const f = new Frame(id, bytes);
    f.initialize(treeId, baseDepth);
    return f;
  }

  /**
   * Reset to an empty frame (used on fresh frames and on compaction scratch).
   * `zeroTo`: the bytes from there on are known to be zero already (the bump
   * allocator relies on every byte past the cursor being zero, so a frame's
   * own `spaceUsed` is always such a bound).
   */
  initialize(treeId: number, baseDepth: number, withEmptyRoot = true, zeroTo = FRAME_SIZE): void {
    this.u8.fill(0, 0, zeroTo);
    this.u32[H_MAGIC >>> 2] = FRAME_MAGIC;
    this.u16[H_VERSION >>> 1] = FRAME_FORMAT_VERSION;
    this.u32[H_FRAME_ID >>> 2] = this.id;
    this.u32[H_TREE_ID >>> 2] = treeId;
    this.u32[H_BASE_DEPTH >>> 2] = baseDepth;
    this.u32[H_SPACE_USED >>> 2] = DATA_START;
    if (withEmptyRoot) this.setRoot(0, this.alloc(EMPTY_ROOT_SIZE, NODE_EMPTY_ROOT));
  }

  get treeId(): number { return this.u32[H_TREE_ID >>> 2]!; }
  /** True for a shared frame: each root is a whole small tree (frame-header.ts). */
  get isShared(): boolean { return this.u32[H_TREE_ID >>> 2] === SHARED_TREE_ID; }
  get baseDepth(): number { return this.u32[H_BASE_DEPTH >>> 2]!; }
  set baseDepth(d: number) { this.u32[H_BASE_DEPTH >>> 2] = d; }

  /** Byte offset of root 0 (the only root of a tree's root frame). */
  get rootOffset(): number { return decodeRef(this.u16[H_ROOT_REF >>> 1]!); }

  /** Where root `i`'s ref is stored (a ref location like any child slot). */
  static rootRefLoc(i: number): number {
    return i === 0 ? H_ROOT_REF : H_EXTRA_ROOTS + 2 * (i - 1);
  }

  /** True when a ref location is a root slot in the header (node slots live in the data area). */
  static isRootRef(loc: number): boolean {
    return loc < DATA_START;
  }

  /** Root index of a root ref location. */
  static rootIndexOf(loc: number): number {
    return loc === H_ROOT_REF ? 0 : (loc - H_EXTRA_ROOTS) / 2 + 1;
  }

  /** Byte offset of root `i`, or -1 when the slot is unused. */
  rootAt(i: number): number {
    const r = this.u16[Frame.rootRefLoc(i) >>> 1]!;
    return r === 0 ? -1 : decodeRef(r);
  }

  /** Point root `i` at `off`, counting a newly used slot. */
  setRoot(i: number, off: number): void {
    const at = Frame.rootRefLoc(i) >>> 1;
    if (this.u16[at] === 0) this.u16[H_ROOT_COUNT >>> 1] = this.rootCount + 1;
    this.u16[at] = encodeRef(off);
  }

  /** Release root `i` (its subtree is gone or moved). */
  clearRoot(i: number): void {
    const at = Frame.rootRefLoc(i) >>> 1;
    if (this.u16[at] !== 0) this.u16[H_ROOT_COUNT >>> 1] = this.rootCount - 1;
    this.u16[at] = 0;
  }

  /** Roots in use. */
  get rootCount(): number { return this.u16[H_ROOT_COUNT >>> 1]!; }

  /** Indices of the roots in use, ascending. */
  rootIndices(): number[] {
    const out: number[] = [];
    for (let i = 0, seen = 0; i < MAX_ROOTS && seen < this.rootCount; i++) {
      if (this.u16[Frame.rootRefLoc(i) >>> 1] !== 0) { out.push(i); seen++; }
    }
    return out;
  }

  get spaceUsed(): number { return this.u32[H_SPACE_USED >>> 2]!; }
  get slotsUsed(): number { return this.u32[H_SLOTS_USED >>> 2]!; }
  get deadBytes(): number { return this.u32[H_DEAD_BYTES >>> 2]!; }
  get freeListBytes(): number { return this.u32[H_FREE_LIST_BYTES >>> 2]!; }
  get crossings(): number { return this.u32[H_CROSSINGS >>> 2]!; }
  get compactions(): number { return this.u32[H_COMPACTIONS >>> 2]!; }
  get liveKeys(): number { return this.u32[H_LIVE_KEYS >>> 2]!; }
  get maxVersion(): number { return this.f64[H_MAX_VERSION >>> 3]!; }

  /** Bytes held by reachable nodes. */
  get liveBytes(): number { return this.spaceUsed - DATA_START - this.deadBytes - this.freeListBytes; }
  /** Bytes the bump allocator can still hand out to ordinary nodes. */
  get bumpFree(): number { return DATA_END - CROSSING_RESERVE - this.spaceUsed; }
  /** Bytes compaction would give back. */
  get reclaimable(): number { return this.deadBytes + this.freeListBytes; }

  /** Layout flags (frame-header.ts, "Routed layout"); 0 = legacy. */
  get layoutFlags(): number { return this.u32[H_LAYOUT >>> 2]!; }
  get routingEnd(): number { return this.u32[H_ROUTING_END >>> 2]!; }
  get leafStart(): number { return this.u32[H_LEAF_START >>> 2]!; }

  /** Record the layout the bytes have (art/routed-image.ts); flags 0 = legacy. */
  setLayout(flags: number, routingEnd: number, leafStart: number): void {
    this.u32[H_LAYOUT >>> 2] = flags;
    this.u32[H_ROUTING_END >>> 2] = routingEnd;
    this.u32[H_LEAF_START >>> 2] = leafStart;
  }

  /**
   * After the bodies were laid out anew (art/routed-image.ts): the bump
   * cursor, the slot-table high-water and the dead bytes are as given, and
   * the free lists are empty.
   */
  resetAllocation(spaceUsed: number, slotsUsed: number, deadBytes: number): void {
    this.u32[H_SPACE_USED >>> 2] = spaceUsed;
    this.u32[H_SLOTS_USED >>> 2] = slotsUsed;
    this.u32[H_DEAD_BYTES >>> 2] = deadBytes;
    this.u32[H_FREE_LIST_BYTES >>> 2] = 0;
    this.u32.fill(0, H_FREE_LIST_HEADS >>> 2, (H_FREE_LIST_HEADS >>> 2) + FREE_LIST_COUNT);
  }

  /**
   * End of the routing region when the header's routed layout is to be
   * trusted (flag set, DATA_START <= routing end <= leaf start <= space used
   * <= FRAME_SIZE), else 0: a legacy frame, read the old way.
   */
  get routingRegionEnd(): number {
    if ((this.layoutFlags & LAYOUT_ROUTED) === 0) return 0;
    const end = this.routingEnd;
    const leaves = this.leafStart;
    const used = this.spaceUsed;
    return end > DATA_START && end <= leaves && leaves <= used && used <= FRAME_SIZE ? end : 0;
  }

  addLiveKeys(delta: number): void { this.u32[H_LIVE_KEYS >>> 2] = this.liveKeys + delta; }
  addCrossings(delta: number): void { this.u32[H_CROSSINGS >>> 2] = this.crossings + delta; }
  noteVersion(v: number): void { if (v > this.maxVersion) this.f64[H_MAX_VERSION >>> 3] = v; }
  noteCompaction(previous: number): void { this.u32[H_COMPACTIONS >>> 2] = previous + 1; }

  /** Whether `bytes` more in `allocations` bump allocations would fit right now. */
  canAllocate(bytes: number, allocations: number): boolean {
    return this.bumpFree >= bytes && this.slotsUsed + allocations <= MAX_SLOTS;
  }

  /**
   * Allocate a body of `size` bytes (a multiple of 8) for a node of `type`.
   * Returns its offset, or -1 when the frame is out of space or slots; callers
   * check `canAllocate` first, so -1 means a sizing bug upstream.
   */
  alloc(size: number, type: number): number {
    if (hasFreeList(type)) {
      const headAt = (H_FREE_LIST_HEADS >>> 2) + type - 1;
      const head = this.u32[headAt]!;
      if (head !== 0) {
        this.u32[headAt] = this.u32[(head + FREE_BODY_NEXT) >>> 2]!;
        this.u32[H_FREE_LIST_BYTES >>> 2] = this.freeListBytes - size;
        // Node-sized: clearing by words beats a native fill call.
        for (let w = head >>> 2, end = (head + size) >>> 2; w < end; w++) this.u32[w] = 0;
        this.u8[head + NODE_TYPE_OFFSET] = type;
        return head;
      }
    }
    const off = this.spaceUsed;
    // Crossings and EmptyRoots may use the reserve: spilling and emptying must never fail.
    const limit = type === NODE_CROSSING || type === NODE_EMPTY_ROOT ? DATA_END : DATA_END - CROSSING_RESERVE;
    const slots = this.slotsUsed;
    if (off + size > limit || slots >= MAX_SLOTS) return -1;
    this.u32[H_SPACE_USED >>> 2] = off + size;
    this.u32[(SLOT_TABLE_START >>> 2) + slots] = encodeSlot(off, type);
    this.u32[H_SLOTS_USED >>> 2] = slots + 1;
    this.u8[off + NODE_TYPE_OFFSET] = type;
    return off;
  }

  /**
   * Give a body back: fixed-size types go on their free list; others become
   * dead bytes, unless the body is the last bump allocation, whose bytes go
   * back to the bump cursor (a create followed by a delete leaves nothing to
   * compact). `size` is the body's size as allocated.
   */
  free(off: number, size: number, type: number): void {
    if (hasFreeList(type)) {
      const headAt = (H_FREE_LIST_HEADS >>> 2) + type - 1;
      this.u8[off] = 0;
      this.u8[off + NODE_TYPE_OFFSET] = NODE_FREE;
      this.u32[(off + FREE_BODY_NEXT) >>> 2] = this.u32[headAt]!;
      this.u32[headAt] = off;
      this.u32[H_FREE_LIST_BYTES >>> 2] = this.freeListBytes + size;
    } else if (off + size === this.spaceUsed && this.lastSlotIs(off)) {
      // Past the cursor every byte is zero (the allocator relies on it): clear the body and its slot.
      const u32 = this.u32;
      for (let w = off >>> 2, end = (off + size) >>> 2; w < end; w++) u32[w] = 0;
      const slots = this.slotsUsed - 1;
      u32[(SLOT_TABLE_START >>> 2) + slots] = 0;
      u32[H_SLOTS_USED >>> 2] = slots;
      u32[H_SPACE_USED >>> 2] = off;
    } else {
      this.u8[off + NODE_TYPE_OFFSET] = NODE_FREE;
      this.u32[H_DEAD_BYTES >>> 2] = this.deadBytes + size;
    }
  }

  /** True when the newest slot-table entry is the body at `off` (the last bump allocation). */
  private lastSlotIs(off: number): boolean {
    const slots = this.slotsUsed;
    return slots > 0 && slotOffset(this.u32[(SLOT_TABLE_START >>> 2) + slots - 1]!) === off;
  }

  /** Count bytes abandoned without a free (e.g. the unused tail of a shrunk prefix). */
  addDeadBytes(n: number): void { this.u32[H_DEAD_BYTES >>> 2] = this.deadBytes + n; }

  /** Offsets on the free list of `type`, for verification. */
  freeListOffsets(type: number): number[] {
    const out: number[] = [];
    let cur = this.u32[(H_FREE_LIST_HEADS >>> 2) + type - 1]!;
    while (cur !== 0 && out.length <= FRAME_SIZE / 8) {
      out.push(cur);
      cur = this.u32[(cur + FREE_BODY_NEXT) >>> 2]!;
    }
    return out;
  }

  static readonly freeListCount = FREE_LIST_COUNT;
}
