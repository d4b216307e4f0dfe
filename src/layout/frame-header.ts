/**
 * Blob frame geometry and header page.
 *
 * A frame is one 512 KiB ArrayBuffer holding part of one tree. It is
 * self-describing: the same bytes are written to disk, checksummed and read back.
 *
 * ```
 *  0x00000 +---------------------------+
 *          | header page (4 KiB)       |  fields below
 *  0x01000 +---------------------------+
 *          | slot table                |  10,240 x u32, append-only allocation log
 *  0x0B000 +---------------------------+
 *          | data area                 |  8-byte aligned node bodies, bump allocated;
 *          |   ...                     |  the last 64 bytes stay free for a crossing
 *  0x80000 +---------------------------+
 * ```
 *
 * Header page fields (little-endian; all offsets are byte offsets in the frame):
 * ```
 *  0x00 u32 magic "HLTF"        0x04 u16 format version   0x06 u16 reserved
 *  0x08 u32 frame id            0x0C u32 tree id
 *  0x10 u32 checksum (CRC32C of the frame with this field zeroed; set by the store)
 *  0x14 u16 root ref: root 0 (encoded child ref, see child-ref.ts)
 *  0x16 u16 root count (roots in use)
 *  0x18 u32 space used (absolute bump cursor)
 *  0x1C u32 slots used (slot-table high-water)
 *  0x20 u32 dead bytes (abandoned variable-size bodies; reclaimed by compaction)
 *  0x24 u32 free-list bytes (fixed-size bodies parked on free lists)
 *  0x28 u32 crossings (Crossing nodes in this frame)
 *  0x2C u32 compactions (times this frame was compacted)
 *  0x30 u32 base depth (key bytes consumed above this frame's root)
 *  0x34 u32 live keys (leaves in this frame)
 *  0x38 f64 max version (highest record version written into this frame)
 *  0x40 u32 free_list_head[8] (one per node type, absolute body offset, 0 = empty)
 *  0x60 u32 layout flags (0 = legacy: bodies in allocation order; see below)
 *  0x64 u32 routing end (routed: the routing region is [DATA_START, routing end))
 *  0x68 u32 leaf start (routed: where the leaf region begins; page-aligned with LAYOUT_LEAVES_ALIGNED)
 *  0x6C .. 0x100 reserved (zero)
 *  0x100 u16 roots 1..MAX_ROOTS-1 (encoded child refs, 0 = unused)
 *  ... .. 0x1000 reserved (zero)
 * ```
 * A tree's own root frame has one root. A child frame may hold several roots: a
 * spill packs several disjoint subtrees into one new frame so that it starts
 * well filled, and each Crossing names its frame and root index.
 *
 * Routed layout (written by a checkpoint, art/routed-image.ts): every inner
 * node (Prefix, Node4..256, Crossing, EmptyRoot) reachable from a root lies in
 * the routing region [DATA_START, routing end), packed in pre-order; every
 * leaf lies in [leaf start, space used). With LAYOUT_LEAVES_ALIGNED a leaf of
 * at most one page lies within one 4 KiB page and a larger one starts on a
 * page boundary, so a cold point read needs the header page, the routing
 * region's pages and one leaf page. The fields describe the bytes as written:
 * a frame changed in memory is legacy again (FilePager.markDirty clears them),
 * and a reader trusts them only when `routingRegionEnd` accepts them.
 *
 * A shared frame (tree id SHARED_TREE_ID) holds the whole of several small
 * trees, one root each: a new tree starts there and moves to a frame of its
 * own when it grows (art/shared-frame.ts). A shared frame never holds a
 * Crossing, and the manifest names each small tree's frame and root index.
 */

export const FRAME_SIZE = 512 * 1024;
export const HEADER_SIZE = 4096;

export const FRAME_MAGIC = 0x46544c48; // "HLTF" little-endian
export const FRAME_FORMAT_VERSION = 1;

export const H_MAGIC = 0x00;
export const H_VERSION = 0x04;
export const H_FRAME_ID = 0x08;
export const H_TREE_ID = 0x0c;
/** Tree id of a shared frame: whole small trees, one per root (never a real tree id). */
export const SHARED_TREE_ID = 0xffffffff;
export const H_CHECKSUM = 0x10;
export const H_ROOT_REF = 0x14;
export const H_ROOT_COUNT = 0x16;
/** Roots 1.. of a packed frame (root 0 is H_ROOT_REF). */
export const H_EXTRA_ROOTS = 0x100;
export const MAX_ROOTS = 1025;
export const H_SPACE_USED = 0x18;
export const H_SLOTS_USED = 0x1c;
export const H_DEAD_BYTES = 0x20;
export const H_FREE_LIST_BYTES = 0x24;
export const H_CROSSINGS = 0x28;
export const H_COMPACTIONS = 0x2c;
export const H_BASE_DEPTH = 0x30;
export const H_LIVE_KEYS = 0x34;
export const H_MAX_VERSION = 0x38;
export const H_FREE_LIST_HEADS = 0x40;
export const FREE_LIST_COUNT = 8;
export const H_LAYOUT = 0x60;
export const H_ROUTING_END = 0x64;
export const H_LEAF_START = 0x68;
/** Layout flag: inner nodes packed in the routing region, leaves after it. */
export const LAYOUT_ROUTED = 1;
/** Layout flag: no leaf of at most a page straddles a 4 KiB page; larger ones start on one. */
export const LAYOUT_LEAVES_ALIGNED = 2;
/** Page granularity of the routed layout (the cold reader's page). */
export const LAYOUT_PAGE = 4096;

/** Slot table: one u32 per allocation made by the bump allocator. */
export const SLOT_TABLE_START = 0x1000;
export const MAX_SLOTS = 10_240;
/** Data area: where node bodies live. */
export const DATA_START = 0xb000;
export const DATA_END = FRAME_SIZE;
export const DATA_AREA_BYTES = DATA_END - DATA_START;
/**
 * Every allocation except a Crossing leaves this many bytes unused at the end of
 * the data area, so that spilling a subtree can always install its crossing.
 */
export const CROSSING_RESERVE = 64;
