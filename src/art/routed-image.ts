/**
 * Routed frame images: how a checkpoint lays out the image of a frame it
 * writes (frame-header.ts, "Routed layout"), so that a point read of a frame
 * that is not in memory needs its routing pages and one leaf page.
 *
 * A frame in memory keeps its bodies where the allocator put them: inner
 * nodes and leaves interleaved in the order they were written, so the path
 * to one key crosses as many 4 KiB pages as it has nodes, and a leaf may
 * straddle two. The image is written in a different order: every reachable
 * inner node (Prefix, Node4..256, Crossing, EmptyRoot) packed in pre-order
 * from DATA_START (the routing region), then every leaf in key order from the
 * next page boundary, a leaf moved to the next page when it would cross one
 * (a leaf larger than a page starts on one). The padding counts as dead bytes,
 * so the image's accounting stays exact (verify checks it), and free lists are
 * empty. When the padding does not fit the leaves are packed instead: still
 * routed, without LAYOUT_LEAVES_ALIGNED.
 *
 * Node types are kept as they are (no re-tiering: the image answers exactly
 * what the frame in memory answers), so the image never needs more bytes than
 * the frame's live bytes plus padding. The frame in memory keeps its own
 * layout: adopting the image would move the bodies under every iterator and
 * shared-frame position that holds an offset, for no gain to cold reads,
 * which read the image. A frame loaded whole from disk is routed until its
 * first change (FilePager.markDirty clears the flags).
 */
import type { Frame } from '../layout/frame.js';
import {
  CROSSING_RESERVE, DATA_END, DATA_START, FRAME_SIZE, HEADER_SIZE, LAYOUT_LEAVES_ALIGNED, LAYOUT_PAGE, LAYOUT_ROUTED,
  MAX_SLOTS, SLOT_TABLE_START,
} from '../layout/frame-header.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { NODE_256, NODE_4, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { PREFIX_CHILD } from '../layout/prefix.js';
import { encodeSlot } from '../layout/slot-table.js';
import { copyBody } from './copy-subtree.js';
import { findChildLoc, forEachChild } from './inner-node.js';
import { bodySize, hasRef, readRef, writeRef } from './node-ops.js';

/** Where each reachable body goes in the image, by its offset in the frame / 8 (reused across frames). */
const newOffset = new Int32Array(FRAME_SIZE >>> 3);
/** Reachable bodies by offset in the frame: inner nodes in pre-order, leaves in key order. */
const inners = new Int32Array(MAX_SLOTS);
const leaves = new Int32Array(MAX_SLOTS);
let innerCount = 0;
let leafCount = 0;
let innerBytes = 0;

/**
 * Write the routed image of frame `f` into `image` (a frame-sized buffer
 * with the same id; its previous contents are overwritten). The checksum
 * field is left for the caller to seal.
 */
export function writeRoutedImage(f: Frame, image: Frame): void {
  innerCount = 0;
  leafCount = 0;
  innerBytes = 0;
  const roots = f.rootIndices();
  for (const r of roots) collect(f, f.rootAt(r));
  const routingEnd = DATA_START + innerBytes;

  // Leaves from the next page boundary, none straddling a page; packed when that does not fit.
  let flags = LAYOUT_ROUTED | LAYOUT_LEAVES_ALIGNED;
  let leafStart = pageUp(routingEnd);
  let end = placeLeaves(f, leafStart, true);
  if (end > DATA_END - CROSSING_RESERVE) {
    flags = LAYOUT_ROUTED;
    leafStart = routingEnd;
    end = placeLeaves(f, leafStart, false);
  }

  const out = image.u8;
  out.set(f.u8.subarray(0, HEADER_SIZE), 0);
  out.fill(0, HEADER_SIZE, FRAME_SIZE);
  let slot = 0;
  let liveBytes = 0;
  for (let i = 0; i < innerCount; i++) liveBytes += copyNode(f, inners[i]!, image, slot++);
  for (let i = 0; i < leafCount; i++) liveBytes += copyNode(f, leaves[i]!, image, slot++);
  for (const r of roots) image.setRoot(r, newOffset[f.rootAt(r) >>> 3]!);
  image.resetAllocation(end, slot, end - DATA_START - liveBytes);
  image.setLayout(flags, routingEnd, leafStart);
}

/** Pre-order: number the inner nodes in the routing region, list the leaves in key order. */
function collect(f: Frame, off: number): void {
  const type = nodeType(f.u8, off);
  if (type === NODE_LEAF) {
    leaves[leafCount++] = off;
    return;
  }
  newOffset[off >>> 3] = DATA_START + innerBytes;
  inners[innerCount++] = off;
  innerBytes += bodySize(f, off);
  if (type === NODE_PREFIX) {
    collect(f, readRef(f, off + PREFIX_CHILD));
  } else if (type >= NODE_4 && type <= NODE_256) {
    if (hasRef(f, off + INNER_TERMINAL)) collect(f, readRef(f, off + INNER_TERMINAL));
    forEachChild(f, off, type, (_b, child) => collect(f, child));
  }
  // A Crossing's keys live in its child frame; an EmptyRoot has none.
}

/** Give every leaf its offset from `start` on; `aligned`: keep each within a page. Returns the end. */
function placeLeaves(f: Frame, start: number, aligned: boolean): number {
  let at = start;
  for (let i = 0; i < leafCount; i++) {
    const off = leaves[i]!;
    const size = bodySize(f, off);
    if (aligned) {
      const inPage = at & (LAYOUT_PAGE - 1);
      if (size <= LAYOUT_PAGE ? inPage + size > LAYOUT_PAGE : inPage !== 0) at = pageUp(at);
    }
    newOffset[off >>> 3] = at;
    at += size;
  }
  return at;
}

/** Copy the body at `off` of `f` to its place in `image`, its refs pointed at their children's places. Returns its size. */
function copyNode(f: Frame, off: number, image: Frame, slot: number): number {
  const type = nodeType(f.u8, off);
  const size = bodySize(f, off);
  const at = newOffset[off >>> 3]!;
  copyBody(f, off, image, at, size);
  image.u32[(SLOT_TABLE_START >>> 2) + slot] = encodeSlot(at, type);
  if (type === NODE_PREFIX) {
    writeRef(image, at + PREFIX_CHILD, newOffset[readRef(f, off + PREFIX_CHILD) >>> 3]!);
  } else if (type >= NODE_4 && type <= NODE_256) {
    if (hasRef(f, off + INNER_TERMINAL)) writeRef(image, at + INNER_TERMINAL, newOffset[readRef(f, off + INNER_TERMINAL) >>> 3]!);
    forEachChild(f, off, type, (b, child) => writeRef(image, findChildLoc(image, at, type, b), newOffset[child >>> 3]!));
  }
  return size;
}

function pageUp(n: number): number {
  return (n + LAYOUT_PAGE - 1) & ~(LAYOUT_PAGE - 1);
}
