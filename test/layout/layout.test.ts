import { describe, expect, it } from 'vitest';
import { decodeRef, encodeRef, NULL_REF } from '../../src/layout/child-ref.js';
import { CROSSING_CHILD_FRAME, CROSSING_ROOT, CROSSING_SIZE, crossingChildFrame, crossingRoot, setCrossingTarget } from '../../src/layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../../src/layout/empty-root.js';
import * as H from '../../src/layout/frame-header.js';
import { Frame } from '../../src/layout/frame.js';
import * as I from '../../src/layout/inner-nodes.js';
import { LEAF_HEADER_SIZE, LEAF_KEY_LEN, LEAF_VALUE_LEN, LEAF_VERSION, leafSize, MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../../src/layout/leaf.js';
import * as T from '../../src/layout/node-types.js';
import {
  NODE_PATH_RESERVE, PREFIX_BYTES, PREFIX_CHILD, PREFIX_LEN, PREFIX_MAX_INLINE, prefixLen, prefixSize, setPrefixLen,
} from '../../src/layout/prefix.js';
import * as RI from '../../src/layout/read-index.js';
import { encodeSlot, SLOT_OFFSET_BITS, SLOT_OFFSET_MASK, slotOffset, slotType } from '../../src/layout/slot-table.js';

// These numbers are the on-disk format: a failing test here means a frame written
// by one build would be misread by another. Change them only with a format bump.

describe('frame geometry and header', () => {
  it('pins the frame geometry', () => {
    expect(H.FRAME_SIZE).toBe(524_288);
    expect(H.HEADER_SIZE).toBe(4096);
    expect(H.SLOT_TABLE_START).toBe(0x1000);
    expect(H.MAX_SLOTS).toBe(10_240);
    expect(H.SLOT_TABLE_START + H.MAX_SLOTS * 4).toBe(H.DATA_START);
    expect(H.DATA_START).toBe(0xb000);
    expect(H.DATA_END).toBe(H.FRAME_SIZE);
    expect(H.DATA_AREA_BYTES).toBe(479_232);
    expect(H.CROSSING_RESERVE).toBe(64);
  });

  it('pins every header field offset', () => {
    expect({
      magic: H.H_MAGIC, version: H.H_VERSION, frameId: H.H_FRAME_ID, treeId: H.H_TREE_ID, checksum: H.H_CHECKSUM,
      rootRef: H.H_ROOT_REF, spaceUsed: H.H_SPACE_USED, slotsUsed: H.H_SLOTS_USED, deadBytes: H.H_DEAD_BYTES,
      freeListBytes: H.H_FREE_LIST_BYTES, crossings: H.H_CROSSINGS, compactions: H.H_COMPACTIONS,
      baseDepth: H.H_BASE_DEPTH, liveKeys: H.H_LIVE_KEYS, maxVersion: H.H_MAX_VERSION, freeListHeads: H.H_FREE_LIST_HEADS,
    }).toEqual({
      magic: 0x00, version: 0x04, frameId: 0x08, treeId: 0x0c, checksum: 0x10, rootRef: 0x14, spaceUsed: 0x18,
      slotsUsed: 0x1c, deadBytes: 0x20, freeListBytes: 0x24, crossings: 0x28, compactions: 0x2c, baseDepth: 0x30,
      liveKeys: 0x34, maxVersion: 0x38, freeListHeads: 0x40,
    });
    expect([H.H_ROOT_COUNT, H.H_EXTRA_ROOTS, H.MAX_ROOTS]).toEqual([0x16, 0x100, 1025]);
    // Extra roots of a packed frame fit before the end of the header page.
    expect(H.H_EXTRA_ROOTS + 2 * (H.MAX_ROOTS - 1)).toBeLessThanOrEqual(H.HEADER_SIZE);
    expect(H.FREE_LIST_COUNT).toBe(8);
    // The free-list heads end where the reserved area starts.
    expect(H.H_FREE_LIST_HEADS + H.FREE_LIST_COUNT * 4).toBe(0x60);
    // Then the routed layout's fields (art/routed-image.ts).
    expect([H.H_LAYOUT, H.H_ROUTING_END, H.H_LEAF_START]).toEqual([0x60, 0x64, 0x68]);
    expect([H.LAYOUT_ROUTED, H.LAYOUT_LEAVES_ALIGNED, H.LAYOUT_PAGE]).toEqual([1, 2, 4096]);
    expect(H.FRAME_MAGIC).toBe(0x46544c48);
    expect(Buffer.from('HLTF').readUInt32LE(0)).toBe(H.FRAME_MAGIC);
    expect(H.FRAME_FORMAT_VERSION).toBe(1);
  });

  it('a fresh frame has these exact bytes in its header', () => {
    const f = Frame.create(7, 3, 11);
    const dv = new DataView(f.bytes);
    expect(f.u8.toString('latin1', 0, 4)).toBe('HLTF');
    expect(dv.getUint16(0x04, true)).toBe(1);
    expect(dv.getUint32(0x08, true)).toBe(7);
    expect(dv.getUint32(0x0c, true)).toBe(3);
    expect(dv.getUint32(0x30, true)).toBe(11);
    // The EmptyRoot is the first body: at DATA_START, ref 1, one slot, space used 0xB008.
    expect(dv.getUint16(0x14, true)).toBe(1);
    expect(dv.getUint32(0x18, true)).toBe(0xb008);
    expect(dv.getUint32(0x1c, true)).toBe(1);
    expect(f.u8[0xb000 + 1]).toBe(T.NODE_EMPTY_ROOT);
    expect(dv.getUint32(0x1000, true)).toBe(encodeSlot(0xb000, T.NODE_EMPTY_ROOT));
    // Everything else in the header page is zero.
    expect(dv.getUint16(0x06, true)).toBe(0);
    expect(dv.getUint32(0x10, true)).toBe(0);
    expect(dv.getUint16(0x16, true)).toBe(1); // root count: the EmptyRoot
    for (const at of [0x20, 0x24, 0x28, 0x2c, 0x34]) expect(dv.getUint32(at, true)).toBe(0);
    expect(dv.getFloat64(0x38, true)).toBe(0);
    expect(f.u8.subarray(0x40, 0x1000).every((b) => b === 0)).toBe(true);
    expect(f.rootOffset).toBe(0xb000);
    expect(f.liveBytes).toBe(EMPTY_ROOT_SIZE);
  });

  it('max version is an f64 at 0x38', () => {
    const f = Frame.create(1, 1, 0);
    f.noteVersion(2 ** 40 + 3);
    expect(new DataView(f.bytes).getFloat64(0x38, true)).toBe(2 ** 40 + 3);
  });
});

describe('child refs', () => {
  it('encodes offset/8 - DATA_START/8 + 1, 0 is null', () => {
    expect(NULL_REF).toBe(0);
    expect(encodeRef(0xb000)).toBe(1);
    expect(encodeRef(0xb008)).toBe(2);
    expect(decodeRef(1)).toBe(0xb000);
    const last = H.FRAME_SIZE - 8;
    expect(encodeRef(last)).toBe(59_904);
    expect(encodeRef(last)).toBeLessThan(0x10000);
  });

  it('round-trips every 8-byte aligned data offset', () => {
    for (let off = H.DATA_START; off < H.FRAME_SIZE; off += 8) {
      const r = encodeRef(off);
      if (r < 1 || r > 0xffff || decodeRef(r) !== off) throw new Error(`ref for ${off} is ${r}`);
    }
  });
});

describe('slot table', () => {
  it('packs offset/8 in 17 bits and the type above', () => {
    expect(SLOT_OFFSET_BITS).toBe(17);
    expect(SLOT_OFFSET_MASK).toBe(0x1ffff);
    const e = encodeSlot(H.FRAME_SIZE - 8, T.NODE_256);
    expect(e).toBe((((H.FRAME_SIZE - 8) / 8) | (7 << 17)) >>> 0);
    expect(slotOffset(e)).toBe(H.FRAME_SIZE - 8);
    expect(slotType(e)).toBe(T.NODE_256);
    for (let t = 0; t <= 8; t++) expect(slotType(encodeSlot(0xb000, t))).toBe(t);
  });
});

describe('node layouts', () => {
  it('pins type tags', () => {
    expect([T.NODE_FREE, T.NODE_LEAF, T.NODE_PREFIX, T.NODE_CROSSING, T.NODE_4, T.NODE_16, T.NODE_48, T.NODE_256, T.NODE_EMPTY_ROOT])
      .toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(T.NODE_TYPE_OFFSET).toBe(1);
    expect(T.align8(1)).toBe(8);
    expect(T.align8(16)).toBe(16);
    expect(T.align8(17)).toBe(24);
  });

  it('pins inner node fields and sizes', () => {
    expect([I.INNER_COUNT, I.INNER_TERMINAL]).toEqual([0, 2]);
    expect([I.N4_KEYS, I.N4_CHILDREN, I.N4_SIZE, I.N4_CAPACITY]).toEqual([4, 8, 16, 4]);
    expect([I.N16_KEYS, I.N16_CHILDREN, I.N16_SIZE, I.N16_CAPACITY]).toEqual([8, 24, 56, 16]);
    expect([I.N48_INDEX, I.N48_CHILDREN, I.N48_SIZE, I.N48_CAPACITY]).toEqual([8, 264, 360, 48]);
    expect([I.N256_COUNT, I.N256_CHILDREN, I.N256_SIZE, I.N256_CAPACITY]).toEqual([4, 8, 520, 256]);
    // Each body ends exactly after its last field.
    expect(I.N4_CHILDREN + 2 * I.N4_CAPACITY).toBe(I.N4_SIZE);
    expect(I.N16_CHILDREN + 2 * I.N16_CAPACITY).toBe(I.N16_SIZE - 0); // 24 + 32 = 56
    expect(I.N48_INDEX + 256).toBe(I.N48_CHILDREN);
    expect(I.N48_CHILDREN + 2 * I.N48_CAPACITY).toBe(I.N48_SIZE);
    expect(I.N256_CHILDREN + 2 * 256).toBe(I.N256_SIZE);
    expect([I.SHRINK_256_TO_48, I.SHRINK_48_TO_16, I.SHRINK_16_TO_4]).toEqual([37, 12, 3]);
    expect([1, 4, 5, 16, 17, 48, 49, 256].map(I.innerTypeFor)).toEqual([4, 4, 5, 5, 6, 6, 7, 7]);
    expect([4, 5, 6, 7].map(I.innerSize)).toEqual([16, 56, 360, 520]);
    expect([4, 5, 6, 7].map(I.innerCapacity)).toEqual([4, 16, 48, 256]);
    for (const size of [I.N4_SIZE, I.N16_SIZE, I.N48_SIZE, I.N256_SIZE]) expect(size % 8).toBe(0);
  });

  it('pins the leaf header and size formula', () => {
    expect([LEAF_KEY_LEN, LEAF_VALUE_LEN, LEAF_VERSION, LEAF_HEADER_SIZE]).toEqual([2, 4, 8, 16]);
    expect(MAX_KEY_BYTES).toBe(16_384);
    expect(MAX_VALUE_BYTES).toBe(131_072);
    expect(leafSize(1, 0)).toBe(24);
    expect(leafSize(8, 0)).toBe(24);
    expect(leafSize(8, 1)).toBe(32);
    for (let k = 0; k < 40; k++) for (let v = 0; v < 40; v++) expect(leafSize(k, v)).toBe(Math.ceil((16 + k + v) / 8) * 8);
    // The largest leaf fits a frame with room for at least three.
    expect(3 * leafSize(MAX_KEY_BYTES, MAX_VALUE_BYTES)).toBeLessThan(H.DATA_AREA_BYTES - H.CROSSING_RESERVE);
    expect(MAX_KEY_BYTES).toBeLessThan(0x10000); // key length is a u16
  });

  it('pins Prefix, Crossing and EmptyRoot', () => {
    expect([PREFIX_LEN, PREFIX_CHILD, PREFIX_BYTES, PREFIX_MAX_INLINE]).toEqual([2, 4, 8, 248]);
    expect(prefixSize(1)).toBe(16);
    expect(prefixSize(8)).toBe(16);
    expect(prefixSize(9)).toBe(24);
    expect(prefixSize(PREFIX_MAX_INLINE)).toBe(256);
    // A scan's path room per node covers a whole Prefix and one branch byte.
    expect(NODE_PATH_RESERVE).toBeGreaterThanOrEqual(PREFIX_MAX_INLINE + 1);
    expect([CROSSING_ROOT, CROSSING_CHILD_FRAME, CROSSING_SIZE, EMPTY_ROOT_SIZE]).toEqual([2, 4, 8, 8]);
    // The reserve always fits a crossing.
    expect(H.CROSSING_RESERVE).toBeGreaterThanOrEqual(CROSSING_SIZE);
  });

  it('accessors read and write the pinned bytes', () => {
    const f = Frame.create(1, 1, 0);
    const dv = new DataView(f.bytes);
    const c = f.alloc(CROSSING_SIZE, T.NODE_CROSSING);
    expect(T.nodeType(f.u8, c)).toBe(T.NODE_CROSSING);
    expect(f.u8[c + 1]).toBe(T.NODE_CROSSING);
    setCrossingTarget(f, c, 0x01020304, 0x0506);
    expect([dv.getUint16(c + 2, true), dv.getUint32(c + 4, true)]).toEqual([0x0506, 0x01020304]);
    expect([crossingRoot(f, c), crossingChildFrame(f, c)]).toEqual([0x0506, 0x01020304]);
    const p = f.alloc(prefixSize(3), T.NODE_PREFIX);
    setPrefixLen(f, p, 3);
    expect(dv.getUint16(p + 2, true)).toBe(3);
    expect(prefixLen(f, p)).toBe(3);
    expect(T.nodeType(f.u8, p)).toBe(T.NODE_PREFIX);
  });
});

describe('read index', () => {
  it('pins the slot, page and entry geometry', () => {
    expect([RI.PAGE_SIZE, RI.READ_INDEX_PAGES, RI.READ_INDEX_BYTES, RI.SLOT_BYTES]).toEqual([4096, 16, 65_536, 589_824]);
    expect([RI.RI_FRAME_ID, RI.RI_COUNT, RI.RI_FLAGS, RI.RI_CRC, RI.RI_ENTRIES, RI.RI_PAGE_CRCS]).toEqual([4, 8, 10, 12, 16, 16]);
    expect([RI.RI_ENTRY_BYTES, RI.RI_ENTRY_HASH, RI.RI_ENTRY_LEAF, RI.RI_MAX_ENTRIES]).toEqual([8, 0, 4, 510]);
    expect(Buffer.from('HRIX').readUInt32LE(0)).toBe(RI.RI_MAGIC);
    // The directory lists a CRC for every page of the frame image.
    expect(RI.RI_PAGE_CRCS + 4 * RI.FRAME_PAGES).toBeLessThanOrEqual(RI.PAGE_SIZE);
    // A routed image's routing end and root refs follow the page CRCs, and fit the page.
    expect([RI.RI_ROUTING_END, RI.RI_ROOTS]).toEqual([528, 532]);
    expect(RI.RI_ROOTS + 2 * H.MAX_ROOTS).toBeLessThanOrEqual(RI.PAGE_SIZE);
  });

  it('entry accessors read and write the pinned bytes', () => {
    const bytes = new Uint8Array(2 * RI.PAGE_SIZE);
    const dv = new DataView(bytes.buffer);
    const at = RI.indexEntryAt(RI.PAGE_SIZE, 3);
    expect(at).toBe(RI.PAGE_SIZE + 16 + 3 * 8);
    RI.writeIndexEntry(dv, at, 0xdeadbeef, 0xb010);
    expect([dv.getUint32(at, true), dv.getUint32(at + 4, true)]).toEqual([0xdeadbeef, 0xb010]);
    expect([RI.indexEntryHash(dv, at), RI.indexEntryLeaf(dv, at)]).toEqual([0xdeadbeef, 0xb010]);
  });
});

describe('allocator', () => {
  it('bump allocates, logs slots, and keeps the crossing reserve', () => {
    const f = Frame.create(1, 1, 0);
    const off = f.alloc(16, T.NODE_4);
    expect(off).toBe(0xb008);
    expect(f.spaceUsed).toBe(0xb018);
    expect(f.slotsUsed).toBe(2);
    expect(slotOffset(f.u32[(H.SLOT_TABLE_START >>> 2) + 1]!)).toBe(0xb008);
    expect(f.u8[off + 1]).toBe(T.NODE_4);
    // Fill up to the reserve: an ordinary node may not take it, a crossing may.
    const rest = H.DATA_END - H.CROSSING_RESERVE - f.spaceUsed;
    expect(f.alloc(rest, T.NODE_LEAF)).toBeGreaterThan(0);
    expect(f.bumpFree).toBe(0);
    expect(f.alloc(8, T.NODE_LEAF)).toBe(-1);
    expect(f.alloc(CROSSING_SIZE, T.NODE_CROSSING)).toBe(H.DATA_END - H.CROSSING_RESERVE);
  });

  it('fixed-size bodies go to a LIFO free list and come back zeroed', () => {
    const f = Frame.create(1, 1, 0);
    const a = f.alloc(16, T.NODE_4);
    const b = f.alloc(16, T.NODE_4);
    f.u8[a + 5] = 9;
    f.free(a, 16, T.NODE_4);
    f.free(b, 16, T.NODE_4);
    expect(f.freeListBytes).toBe(32);
    expect(f.freeListOffsets(T.NODE_4)).toEqual([b, a]);
    expect(new DataView(f.bytes).getUint32(H.H_FREE_LIST_HEADS + 4 * (T.NODE_4 - 1), true)).toBe(b);
    expect(f.alloc(16, T.NODE_4)).toBe(b);
    const again = f.alloc(16, T.NODE_4);
    expect(again).toBe(a);
    expect(f.u8[a + 5]).toBe(0);
    expect(f.freeListBytes).toBe(0);
    // Leaves and Prefixes are abandoned, not listed...
    const l = f.alloc(24, T.NODE_LEAF);
    const p = f.alloc(16, T.NODE_PREFIX);
    f.free(l, 24, T.NODE_LEAF);
    expect(f.deadBytes).toBe(24);
    // ...except the last bump allocation, whose bytes go back to the cursor, cleared, with its slot.
    const used = f.spaceUsed;
    const slots = f.slotsUsed;
    f.u8[p + 9] = 7;
    f.free(p, 16, T.NODE_PREFIX);
    expect(f.deadBytes).toBe(24);
    expect(f.spaceUsed).toBe(used - 16);
    expect(f.slotsUsed).toBe(slots - 1);
    expect(f.u8.subarray(p, p + 16).every((b) => b === 0)).toBe(true);
    expect(f.alloc(16, T.NODE_PREFIX)).toBe(p);
  });
});
