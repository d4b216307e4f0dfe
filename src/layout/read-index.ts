/**
 * Read index: a small hash directory written beside each frame image in its
 * data-file slot, so that a point read of a frame that is not in memory can
 * fetch one 4 KiB index page and the page(s) of one leaf instead of the whole
 * 512 KiB frame.
 *
 * A data-file slot is the frame image followed by its index:
 * ```
 *  slot + 0x00000  frame image (512 KiB, FRAME_SIZE)
 *  slot + 0x80000  read index: 16 pages of 4 KiB
 * ```
 * Page 0 is the directory, pages 1..15 are hash buckets; each page carries
 * its own magic, frame id and CRC, so each is checked on its own:
 * ```
 *  +0  u32 magic "HRIX"      +4  u32 frame id
 *  +8  u16 count             +10 u16 flags
 *  +12 u32 CRC32C of the page with this field zero
 *  directory (page 0):  flags bit 1 = the frame has Crossings
 *    +16 u32 x 128  CRC32C of each 4 KiB page of the frame image
 *    +528 u32       routing end of a routed image (0: legacy, read the header page)
 *    +532 u16 x 1025 the image's root refs (root 0 first; routed images only), so
 *                   that a cold walk of a routed image needs no header page
 *  bucket (pages 1..15): flags bit 0 = complete (every live leaf whose key hash
 *                        selects this page is listed; 0 when it overflowed)
 *    +16 entries of 8 bytes:  +0 u32 key hash   +4 u32 leaf offset in the frame
 * ```
 * A point read of a frame without Crossings asks the bucket of its key: one
 * page for "absent", one more for the leaf. A frame with Crossings (or an
 * overflowed bucket) is walked node by node instead, reading only the pages
 * the walk touches, each checked against the directory. The index is written
 * in the same write as the image it describes, so a slot the manifest names
 * always holds a matching pair; a damaged index page only costs speed (the
 * reader loads the whole frame, whose own checksum then decides).
 */
import { crc32c } from '../checksum/crc32c.js';
import { FRAME_SIZE } from './frame-header.js';

export const PAGE_SIZE = 4096;
export const READ_INDEX_PAGES = 16;
export const READ_INDEX_BYTES = READ_INDEX_PAGES * PAGE_SIZE;
/** Bytes per data-file slot: a frame image and its read index. */
export const SLOT_BYTES = FRAME_SIZE + READ_INDEX_BYTES;

export const RI_MAGIC = 0x58495248; // "HRIX" little-endian
export const RI_FRAME_ID = 4;
export const RI_COUNT = 8;
export const RI_FLAGS = 10;
export const RI_CRC = 12;
export const RI_ENTRIES = 16;
export const RI_ENTRY_BYTES = 8;
/** Within a bucket entry: the key hash, then the leaf's offset in the frame. */
export const RI_ENTRY_HASH = 0;
export const RI_ENTRY_LEAF = 4;
export const RI_MAX_ENTRIES = Math.floor((PAGE_SIZE - RI_ENTRIES) / RI_ENTRY_BYTES);
export const RI_COMPLETE = 1;
export const RI_HAS_CROSSINGS = 2;
/** Directory: the frame's page CRCs start here. */
export const RI_PAGE_CRCS = 16;
export const FRAME_PAGES = FRAME_SIZE / PAGE_SIZE;
/** Directory: the routing end of a routed image, and its root refs (see the diagram). */
export const RI_ROUTING_END = RI_PAGE_CRCS + 4 * (FRAME_SIZE / PAGE_SIZE);
export const RI_ROOTS = RI_ROUTING_END + 4;
/** Pages 1.. are buckets. */
export const RI_BUCKETS = READ_INDEX_PAGES - 1;

/** The key hash the index is keyed by (FNV-1a with a final avalanche), as a u32. */
export function readIndexHash(key: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** The bucket page a key hash selects. */
export function bucketPage(hash: number): number {
  return 1 + (hash % RI_BUCKETS);
}

const ZERO4 = new Uint8Array(4);

/** CRC32C of the index page at `base` of `bytes` with its CRC field counted as zero. */
export function indexPageCrc(bytes: Uint8Array, base: number): number {
  let crc = crc32c(bytes, base, base + RI_CRC);
  crc = crc32c(ZERO4, 0, 4, crc);
  return crc32c(bytes, base + RI_CRC + 4, base + PAGE_SIZE, crc);
}

/** True when `page` (one index page) is intact and belongs to frame `frameId`. */
export function indexPageValid(page: Uint8Array, frameId: number): boolean {
  const dv = new DataView(page.buffer, page.byteOffset, PAGE_SIZE);
  return dv.getUint32(0, true) === RI_MAGIC && dv.getUint32(RI_FRAME_ID, true) === frameId && dv.getUint32(RI_CRC, true) === indexPageCrc(page, 0);
}

/** Byte offset of entry `i` of the bucket page that starts at byte `page` of a view. */
export function indexEntryAt(page: number, i: number): number {
  return page + RI_ENTRIES + i * RI_ENTRY_BYTES;
}

/** The key hash of the bucket entry at byte `at` of `dv`. */
export function indexEntryHash(dv: DataView, at: number): number {
  return dv.getUint32(at + RI_ENTRY_HASH, true);
}

/** The leaf offset of the bucket entry at byte `at` of `dv`. */
export function indexEntryLeaf(dv: DataView, at: number): number {
  return dv.getUint32(at + RI_ENTRY_LEAF, true);
}

export function writeIndexEntry(dv: DataView, at: number, hash: number, leaf: number): void {
  dv.setUint32(at + RI_ENTRY_HASH, hash, true);
  dv.setUint32(at + RI_ENTRY_LEAF, leaf, true);
}

/** The routing end the directory page `dir` lists (0: a legacy image or index). */
export function listedRoutingEnd(dir: Uint8Array): number {
  const at = RI_ROUTING_END;
  return (dir[at]! | (dir[at + 1]! << 8) | (dir[at + 2]! << 16) | (dir[at + 3]! << 24)) >>> 0;
}

/** The ref of root `i` the directory page `dir` lists (routed images only; 0 = unused). */
export function listedRootRef(dir: Uint8Array, i: number): number {
  const at = RI_ROOTS + 2 * i;
  return dir[at]! | (dir[at + 1]! << 8);
}

/** The CRC the directory page `dir` lists for page `page` of the frame image. */
export function listedPageCrc(dir: Uint8Array, page: number): number {
  const at = RI_PAGE_CRCS + 4 * page;
  return (dir[at]! | (dir[at + 1]! << 8) | (dir[at + 2]! << 16) | (dir[at + 3]! << 24)) >>> 0;
}
