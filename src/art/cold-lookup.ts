/**
 * Cold point lookup: find the leaf of a key in frames that are not in memory
 * by reading 4 KiB pages through their read index (layout/read-index.ts)
 * instead of loading 512 KiB frames.
 *
 * Entered by `findLeaf` at a Crossing into a frame that is not resident. Per
 * frame: the directory page (usually cached) says whether the frame has
 * Crossings. Without, the key's bucket page answers: absent, or the leaf's
 * offset (one more page). With Crossings, or with an overflowed bucket, the
 * walk goes node by node, and into the next frame at a Crossing; when that
 * frame is resident (or read often enough to be worth loading whole), the
 * walk hands back to `findLeaf` there. A routed image (layout/frame-header.ts,
 * "Routed layout"; written by every checkpoint) has all its inner nodes in
 * the routing region at its front: the walk reads that region's pages at
 * once (the missing ones in one read, kept as navigation pages), then the
 * one page of the leaf it leads to. A legacy image is walked over the pages
 * each node occupies.
 *
 * Every page read from the data file is checked against the CRC the directory
 * lists for it (a mismatch is CORRUPT, naming file and offset), the directory
 * and buckets by their own CRCs, and a found leaf by a full key compare. A
 * damaged index page only sends the read back to the whole-frame path.
 */
import { decodeRef } from '../layout/child-ref.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { DATA_START, FRAME_SIZE, MAX_ROOTS } from '../layout/frame-header.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { LEAF_HEADER_SIZE, leafKeyEquals } from '../layout/leaf.js';
import {
  NODE_16, NODE_256, NODE_4, NODE_48, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType,
} from '../layout/node-types.js';
import { PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import {
  PAGE_SIZE, RI_COMPLETE, RI_COUNT, RI_FLAGS, RI_HAS_CROSSINGS, bucketPage, indexEntryAt, indexEntryHash, indexEntryLeaf,
  listedRootRef, listedRoutingEnd, readIndexHash,
} from '../layout/read-index.js';
import type { ColdReader } from '../store/frame-pager.js';
import { outFound } from './found-leaf.js';
import { findChildLoc } from './inner-node.js';
import { bodySize } from './node-ops.js';

/** Continue the ordinary walk at `outColdExit` (the frame is loaded whole there). */
export const COLD_CONTINUE = -1;
/** The key is not in the tree. */
export const COLD_ABSENT = 0;

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `coldFindLeaf`, read by `findLeaf`
 * after COLD_CONTINUE: where the ordinary walk resumes (a frame, one of its
 * roots, the key depth).
 */
export const outColdExit = { frameId: 0, root: 0, depth: 0 };

/** A cold walk crosses at most this many frames before handing back (a guard against damaged refs). */
const MAX_COLD_HOPS = 64;
/** Internal: a page walk stopped at a Crossing whose target is in `outColdExit`. */
const CROSSED = -2;

/**
 * Look `key[0..keyLen)` up from root `root` of frame `frameId`, entered at
 * key depth `depth`. Returns COLD_ABSENT, COLD_CONTINUE (see `outColdExit`), or
 * a leaf offset with `outFound` naming the leaf in the reader's scratch frame
 * (valid until the next cold read).
 */
export function coldFindLeaf(cold: ColdReader, frameId: number, root: number, key: Uint8Array, keyLen: number, depth: number): number {
  outColdExit.frameId = frameId;
  outColdExit.root = root;
  outColdExit.depth = depth;
  for (let hop = 0; hop < MAX_COLD_HOPS; hop++) {
    const id = outColdExit.frameId;
    if (hop > 0 && cold.isResident(id)) return COLD_CONTINUE;
    if (!cold.beginColdRead(id)) return COLD_CONTINUE;
    // Probed before (its directory page is cached): its routing region is worth fetching
    // whole (what earlier walks left out, in one read), and then serves every later read
    // from cache. A first probe reads only what its path needs: most frames a cold read
    // meets are never probed again.
    const seenBefore = cold.pageCached(id, FRAME_SIZE);
    // A first probe's likely next read is the key's bucket page: a batched read fetches it with the directory.
    const dir = cold.readIndexPage(id, 0, seenBefore ? -1 : bucketPage(readIndexHash(key, 0, keyLen)));
    if (dir === null) return fellBack(cold);
    if (!seenBefore && (view(dir).getUint16(RI_FLAGS, true) & RI_HAS_CROSSINGS) === 0) {
      const r = probeBucket(cold, id, dir, key, keyLen);
      if (r !== COLD_CONTINUE) return r;
    }
    const w = walkPages(cold, id, dir, key, keyLen, seenBefore);
    if (w !== CROSSED) return w;
  }
  return COLD_CONTINUE;
}

function view(page: Uint8Array): DataView {
  return new DataView(page.buffer, page.byteOffset, PAGE_SIZE);
}

function fellBack(cold: ColdReader): number {
  cold.coldReadFellBack();
  return COLD_CONTINUE;
}

/** Ask the key's bucket: COLD_ABSENT, a leaf offset, or COLD_CONTINUE when the bucket cannot say. */
function probeBucket(cold: ColdReader, id: number, dir: Uint8Array, key: Uint8Array, keyLen: number): number {
  const hash = readIndexHash(key, 0, keyLen);
  const bucket = cold.readIndexPage(id, bucketPage(hash));
  if (bucket === null) return COLD_CONTINUE;
  const dv = view(bucket);
  if (dv.getUint16(RI_FLAGS, true) !== RI_COMPLETE) return COLD_CONTINUE;
  const n = dv.getUint16(RI_COUNT, true);
  for (let i = 0; i < n; i++) {
    const at = indexEntryAt(0, i);
    if (indexEntryHash(dv, at) !== hash) continue;
    const off = indexEntryLeaf(dv, at);
    if (off + LEAF_HEADER_SIZE > FRAME_SIZE) return fellBack(cold);
    let f = cold.readColdRange(id, off, off + LEAF_HEADER_SIZE, dir, false);
    if (nodeType(f.u8, off) !== NODE_LEAF) return fellBack(cold);
    const end = off + bodySize(f, off);
    if (end > FRAME_SIZE) return fellBack(cold);
    f = cold.readColdRange(id, off, end, dir, false);
    if (leafKeyEquals(f, off, key, keyLen)) {
      outFound.frame = f;
      outFound.leaf = off;
      return off;
    }
  }
  return COLD_ABSENT;
}

/**
 * Walk frame `id` from root `outColdExit.root` at depth `outColdExit.depth`, node by
 * node over the pages each node occupies. Returns COLD_ABSENT, a leaf offset,
 * COLD_CONTINUE (damage: load the frame), or CROSSED with `outColdExit` naming
 * the next frame.
 */
function walkPages(cold: ColdReader, id: number, dir: Uint8Array, key: Uint8Array, keyLen: number, seenBefore: boolean): number {
  // A routed image's directory lists its routing end and roots; otherwise the header page does.
  let routingEnd = listedRoutingEnd(dir);
  let off: number;
  if (routingEnd > DATA_START && routingEnd <= FRAME_SIZE && outColdExit.root < MAX_ROOTS) {
    const ref = listedRootRef(dir, outColdExit.root);
    off = ref === 0 ? -1 : decodeRef(ref);
  } else {
    const header = cold.readColdRange(id, 0, PAGE_SIZE, dir, true); // root refs, layout
    routingEnd = header.routingRegionEnd;
    off = header.rootAt(outColdExit.root);
  }
  if (routingEnd !== 0 && seenBefore) cold.readColdRange(id, DATA_START, routingEnd, dir, true, true);
  let depth = outColdExit.depth;
  for (let steps = 0; steps < 2 * keyLen + 16; steps++) {
    if (off < PAGE_SIZE || off + LEAF_HEADER_SIZE > FRAME_SIZE) return fellBack(cold);
    // A routed image's leaf pages are leaf pages (cached on a second touch); a legacy image's are mixed.
    const navigation = routingEnd === 0 || off < routingEnd;
    const routing = routingEnd !== 0 && off < routingEnd;
    let f = cold.readColdRange(id, off, off + LEAF_HEADER_SIZE, dir, navigation, routing);
    const type = nodeType(f.u8, off);
    if (type === NODE_EMPTY_ROOT) return COLD_ABSENT;
    if (type < NODE_LEAF || type > NODE_EMPTY_ROOT) return fellBack(cold);
    const end = off + bodySize(f, off);
    if (end > FRAME_SIZE) return fellBack(cold);
    f = cold.readColdRange(id, off, end, dir, navigation, routing);
    let ref: number;
    switch (type) {
      case NODE_LEAF:
        if (!leafKeyEquals(f, off, key, keyLen)) return COLD_ABSENT;
        outFound.frame = f;
        outFound.leaf = off;
        return off;
      case NODE_PREFIX:
        depth += prefixLen(f, off);
        if (depth > keyLen) return COLD_ABSENT;
        ref = f.u16[(off + PREFIX_CHILD) >>> 1]!;
        break;
      case NODE_CROSSING:
        outColdExit.frameId = crossingChildFrame(f, off);
        outColdExit.root = crossingRoot(f, off);
        outColdExit.depth = depth;
        return CROSSED;
      case NODE_4: case NODE_16: case NODE_48: case NODE_256: {
        if (depth === keyLen) { ref = f.u16[(off + INNER_TERMINAL) >>> 1]!; break; }
        const loc = findChildLoc(f, off, type, key[depth++]!);
        ref = loc < 0 ? 0 : f.u16[loc >>> 1]!;
        break;
      }
      default:
        return fellBack(cold);
    }
    if (ref === 0) return COLD_ABSENT;
    off = decodeRef(ref);
  }
  return fellBack(cold);
}
