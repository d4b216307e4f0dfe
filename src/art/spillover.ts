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
import { PREFIX_BYTES, PREFIX_CHILD } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX } from '../layout/node-types.js';
import { HoltError } from '../api/errors.js';
import { copySubtree, type CrossingTarget } from './copy-subtree.js';
import { compactFrame } from './compact.js';
import { bodySize, forEachChild, hasRef, innerCount, prefixLen, readRef } from './node-ops.js';
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
    if (f.u8[off + 1] === NODE_CROSSING) return;
    const c: Candidate = { off, bytes, depth, slash, first: firstOf.get(off)!, last: order };
    all.push(c);
    if (best === undefined || better(c, best)) best = c;
  };
  // Returns subtree bytes; `depth` is key bytes below the frame root.
  const visit = (off: number, depth: number): number => {
    firstOf.set(off, ++order);
    const type = f.u8[off + 1]!;
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

/** Move one subtree (or a pack of them) of `f` into a new frame. */
export function spill(core: TreeCore, f: Frame): void {
  const victims = chooseVictims(f);
  if (victims.length === 0) {
    throw new HoltError('INTERNAL', `spillover: frame ${f.id} has no subtree that can move`);
  }
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
}
