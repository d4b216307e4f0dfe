/**
 * Building the read index (layout/read-index.ts) of a frame image.
 *
 * Built by the checkpoint for every image it writes, from the frame's live
 * leaves (a walk from its roots: dead bodies left by updates are never
 * listed), plus the CRC of every page of the image.
 */
import { crc32c } from '../checksum/crc32c.js';
import { Frame } from '../layout/frame.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { leafKeyLen, leafKeyStart } from '../layout/leaf.js';
import { NODE_256, NODE_4, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import {
  FRAME_PAGES, PAGE_SIZE, READ_INDEX_BYTES, READ_INDEX_PAGES, RI_COMPLETE, RI_COUNT, RI_CRC, RI_FLAGS,
  RI_FRAME_ID, RI_HAS_CROSSINGS, RI_MAGIC, RI_MAX_ENTRIES, RI_PAGE_CRCS, RI_ROOTS, RI_ROUTING_END, bucketPage, indexEntryAt, indexPageCrc,
  readIndexHash, writeIndexEntry,
} from '../layout/read-index.js';
import { forEachChild } from './inner-node.js';
import { hasRef, readRef } from './node-ops.js';

const OVERFLOWED = 0xffff;

/** Write the read index of `image` (a sealed frame image) into `out` (READ_INDEX_BYTES). */
export function buildReadIndex(image: Frame, out: Uint8Array): void {
  out.fill(0, 0, READ_INDEX_BYTES);
  const dv = new DataView(out.buffer, out.byteOffset, READ_INDEX_BYTES);
  const counts = new Uint16Array(READ_INDEX_PAGES);
  const u8 = image.u8;
  const addLeaf = (off: number): void => {
    const ks = leafKeyStart(off);
    const hash = readIndexHash(u8, ks, ks + leafKeyLen(image, off));
    const page = bucketPage(hash);
    const n = counts[page]!;
    if (n === OVERFLOWED) return;
    if (n >= RI_MAX_ENTRIES) { counts[page] = OVERFLOWED; return; }
    writeIndexEntry(dv, indexEntryAt(page * PAGE_SIZE, n), hash, off);
    counts[page] = n + 1;
  };
  const visit = (off: number): void => {
    const type = nodeType(u8, off);
    if (type === NODE_LEAF) { addLeaf(off); return; }
    if (type === NODE_PREFIX) { visit(readRef(image, off + PREFIX_CHILD)); return; }
    if (type >= NODE_4 && type <= NODE_256) {
      if (hasRef(image, off + INNER_TERMINAL)) visit(readRef(image, off + INNER_TERMINAL));
      forEachChild(image, off, type, (_b, child) => visit(child));
    }
    // A Crossing's keys live in its child frame; an EmptyRoot has none.
  };
  // A shared frame's roots are different trees whose keys may be equal, and the
  // index hashes keys alone: it lists none, so it is never complete and a cold
  // read loads the frame (a shared frame is a root frame: loaded whole anyway).
  if (!image.isShared) for (const r of image.rootIndices()) visit(image.rootAt(r));

  for (let i = 0; i < FRAME_PAGES; i++) dv.setUint32(RI_PAGE_CRCS + 4 * i, crc32c(u8, i * PAGE_SIZE, (i + 1) * PAGE_SIZE), true);
  for (let p = 0; p < READ_INDEX_PAGES; p++) {
    const base = p * PAGE_SIZE;
    dv.setUint32(base, RI_MAGIC, true);
    dv.setUint32(base + RI_FRAME_ID, image.id, true);
    if (p === 0) {
      dv.setUint16(base + RI_FLAGS, image.crossings > 0 ? RI_HAS_CROSSINGS : 0, true);
      // A routed image's walk starts here, without its header page.
      const routingEnd = image.routingRegionEnd;
      if (routingEnd !== 0) {
        dv.setUint32(RI_ROUTING_END, routingEnd, true);
        for (const r of image.rootIndices()) dv.setUint16(RI_ROOTS + 2 * r, image.u16[Frame.rootRefLoc(r) >>> 1]!, true);
      }
    } else {
      const overflowed = counts[p] === OVERFLOWED || image.isShared;
      dv.setUint16(base + RI_COUNT, overflowed ? 0 : counts[p]!, true);
      dv.setUint16(base + RI_FLAGS, overflowed ? 0 : RI_COMPLETE, true);
    }
    dv.setUint32(base + RI_CRC, indexPageCrc(out, base), true);
  }
}
