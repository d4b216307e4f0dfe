/**
 * Spillover: when a frame is full, move a well-chosen subtree into a new frame
 * and leave a Crossing in its place.
 *
 * Victim choice: every edge inside the frame (except the root and edges that
 * already point at a Crossing) is a candidate, weighed by the bytes of its
 * subtree. The aim is a balanced split: a subtree near 70% of the data area
 * (at least 35%) so that the new frame starts well filled and the old one has
 * room to grow. Inside the band an edge that starts a path component (its
 * branch byte, or its Prefix's last byte, is '/') wins, then closeness to the
 * target; outside the band the candidate closer to the band wins.
 *
 * Packing: when even the best single subtree is below the band (a wide node
 * whose children are each small, like the digits of numbered files), more
 * disjoint subtrees join it, largest first, until the band is reached. They
 * all move into the same new frame as separate roots, each behind its own
 * Crossing, so child frames start about 70% full instead of at the size of
 * one small subtree.
 */
import type { Frame } from '../layout/frame.js';
import { DATA_AREA_BYTES } from '../layout/frame-header.js';
import { INNER_TERMINAL, innerSize, innerTypeFor } from '../layout/inner-nodes.js';
import { PREFIX_BYTES, PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { copySubtree, freeSubtree, subtreeFootprint, type CrossingTarget } from './copy-subtree.js';
import { crossingsInto } from './frame-walk.js';
import { crossingRoot, setCrossingTarget } from '../layout/crossing.js';
import { compactFrame } from './compact.js';
import { bodySize, hasRef, readRef } from './node-ops.js';
import { forEachChild, innerCount } from './inner-node.js';
import type { TreeCore } from './tree-core.js';

export const SPILL_TARGET_BYTES = Math.floor(DATA_AREA_BYTES * 0.7);
export const SPILL_MIN_BYTES = Math.floor(DATA_AREA_BYTES * 0.35);
const SLASH = 0x2f;

interface Candidate {
  off: number;
  bytes: number;
  depth: number;
  slash: boolean;
  /** Pre-order interval of the subtree, to tell disjoint candidates apart. */
  first: number;
  last: number;
}

/** Most subtrees one spill packs into a new frame. */
const MAX_PACKED_ROOTS = 256;
/**
 * Smallest subtree worth moving. Packing tiny subtrees would fill frames with
 * roots that cannot be split further; below this the written root moves out
 * whole instead (moveRootOut).
 */
const MIN_VICTIM_BYTES = 1024;

function inBand(bytes: number): boolean {
  return bytes >= SPILL_MIN_BYTES && bytes <= SPILL_TARGET_BYTES;
}

/** True when `a` is a better victim than `b`. */
function better(a: Candidate, b: Candidate): boolean {
  const ia = inBand(a.bytes);
  const ib = inBand(b.bytes);
  if (ia !== ib) return ia;
  if (ia) {
    if (a.slash !== b.slash) return a.slash;
    return SPILL_TARGET_BYTES - a.bytes < SPILL_TARGET_BYTES - b.bytes;
  }
  const da = a.bytes < SPILL_MIN_BYTES ? SPILL_MIN_BYTES - a.bytes : a.bytes - SPILL_TARGET_BYTES;
  const db = b.bytes < SPILL_MIN_BYTES ? SPILL_MIN_BYTES - b.bytes : b.bytes - SPILL_TARGET_BYTES;
  if (da !== db) return da < db;
  if (a.slash !== b.slash) return a.slash;
  return a.depth < b.depth;
}

/** Walk the frame once, measuring subtrees; returns the victims to move together. */
function chooseVictims(f: Frame): Candidate[] {
  let best: Candidate | undefined;
  const all: Candidate[] = [];
  let order = 0;
  const firstOf = new Map<number, number>();
  const consider = (off: number, depth: number, slash: boolean, bytes: number): void => {
    if (nodeType(f.u8, off) === NODE_CROSSING || bytes < MIN_VICTIM_BYTES) return;
    const c: Candidate = { off, bytes, depth, slash, first: firstOf.get(off)!, last: order };
    all.push(c);
    if (best === undefined || better(c, best)) best = c;
  };
  // Returns subtree bytes; `depth` is key bytes below the frame root.
  const visit = (off: number, depth: number): number => {
    firstOf.set(off, ++order);
    const type = nodeType(f.u8, off);
    if (type === NODE_LEAF || type === NODE_CROSSING || type === NODE_EMPTY_ROOT) return bodySize(f, off);
    if (type === NODE_PREFIX) {
      const len = prefixLen(f, off);
      const child = readRef(f, off + PREFIX_CHILD);
      const cb = visit(child, depth + len);
      consider(child, depth + len, f.u8[off + PREFIX_BYTES + len - 1] === SLASH, cb);
      return bodySize(f, off) + cb;
    }
    let total = innerSize(innerTypeFor(innerCount(f, off, type)));
    if (hasRef(f, off + INNER_TERMINAL)) total += bodySize(f, readRef(f, off + INNER_TERMINAL));
    forEachChild(f, off, type, (b, child) => {
      const cb = visit(child, depth + 1);
      consider(child, depth + 1, b === SLASH, cb);
      total += cb;
    });
    return total;
  };
  for (const r of f.rootIndices()) visit(f.rootAt(r), 0);
  if (best === undefined) return [];
  const chosen = [best];
  if (best.bytes >= SPILL_MIN_BYTES) return chosen;
  let total = best.bytes;
  all.sort((a, b) => b.bytes - a.bytes);
  for (const c of all) {
    if (total >= SPILL_MIN_BYTES || chosen.length >= MAX_PACKED_ROOTS) break;
    if (total + c.bytes > SPILL_TARGET_BYTES) continue;
    if (chosen.some((x) => !(c.last < x.first || x.last < c.first))) continue;
    chosen.push(c);
    total += c.bytes;
  }
  return chosen;
}

/** Move one subtree (or a pack of them) of `f` into a new frame; false when nothing can move. */
export function spill(core: TreeCore, f: Frame): boolean {
  const victims = chooseVictims(f);
  if (victims.length === 0) return false;
  const child = core.pager.allocateFrame(core.treeId, f.baseDepth + victims[0]!.depth);
  child.initialize(core.treeId, f.baseDepth + victims[0]!.depth, false);
  const targets = new Map<number, CrossingTarget>();
  victims.forEach((v, root) => {
    child.setRoot(root, copySubtree(f, v.off, child));
    targets.set(v.off, { childFrameId: child.id, root });
  });
  compactFrame(core, f, targets);
  core.counters.compactions--;
  core.pager.markDirty(child);
  core.counters.spillovers++;
  return true;
}

/**
 * Split a packed frame `f` that is full of roots too small to split further:
 * the roots whose Crossings live in `parent` (the frame the walk came from)
 * are divided, about half of `f`'s bytes moving to a new frame, each moved
 * root's Crossing repointed. Like a B-tree split, both frames end about half
 * full. Returns false when no root could move (their Crossings are elsewhere).
 */
export function splitPackedFrame(core: TreeCore, f: Frame, parent: Frame): boolean {
  const known = crossingsInto(parent, f.id);
  if (known.size === 0) return false;
  const sized = [...known].map(([root, crossing]) => ({ root, crossing, bytes: subtreeFootprint(f, f.rootAt(root)).bytes }));
  sized.sort((a, b) => b.bytes - a.bytes);
  const half = f.liveBytes / 2;
  const moving: typeof sized = [];
  let total = 0;
  for (const s of sized) {
    if (total >= half * 0.8 || moving.length >= MAX_PACKED_ROOTS) break;
    if (total + s.bytes > SPILL_TARGET_BYTES) continue;
    moving.push(s);
    total += s.bytes;
  }
  if (moving.length === 0 || moving.length === f.rootCount) moving.splice(Math.max(1, moving.length - 1));
  if (moving.length === 0) return false;
  const pager = core.pager;
  const child = pager.allocateFrame(core.treeId, f.baseDepth);
  child.initialize(core.treeId, f.baseDepth, false);
  moving.forEach((m, k) => {
    const rootOff = f.rootAt(m.root);
    child.setRoot(k, copySubtree(f, rootOff, child));
    freeSubtree(f, rootOff);
    f.clearRoot(m.root);
    setCrossingTarget(parent, m.crossing, child.id, k);
  });
  pager.markDirty(parent);
  pager.markDirty(child);
  compactFrame(core, f);
  core.counters.compactions--;
  core.counters.spillovers++;
  return true;
}

/**
 * Move root `r` of the packed frame `f` (the one behind the Crossing at
 * `crossingOff` in `parent`) into a frame of its own and repoint that Crossing.
 * The fallback when `f` is full of roots too small to split further.
 */
export function moveRootOut(core: TreeCore, f: Frame, parent: Frame, crossingOff: number): void {
  const pager = core.pager;
  const root = crossingRoot(parent, crossingOff);
  const rootOff = f.rootAt(root);
  const child = pager.allocateFrame(core.treeId, f.baseDepth);
  child.initialize(core.treeId, f.baseDepth, false);
  child.setRoot(0, copySubtree(f, rootOff, child));
  freeSubtree(f, rootOff);
  f.clearRoot(root);
  setCrossingTarget(parent, crossingOff, child.id, 0);
  pager.markDirty(parent);
  pager.markDirty(child);
  compactFrame(core, f);
  core.counters.compactions--;
  core.counters.spillovers++;
}
