/**
 * Erase (delete): remove a key's leaf and tidy the structure above it.
 *
 * The walk records every node it passes (frame, offset, where its ref is
 * stored). Removing the leaf may empty its parent, and so on upward: an inner
 * node left with no children and no terminal disappears, one left with a single
 * child becomes a Prefix (merged into a Prefix below when they fit), one left
 * with only its terminal leaf is replaced by that leaf, and a node that falls
 * to a shrink threshold moves to a smaller type. A child frame whose whole
 * subtree disappears is released and its Crossing removed from the parent
 * frame. Afterwards a small child frame folds back into its parent (merge.ts).
 */
import { Frame } from '../layout/frame.js';
import { CROSSING_SIZE, crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import { INNER_TERMINAL, innerSize, shrinkTarget } from '../layout/inner-nodes.js';
import { leafKeyEquals, MAX_KEY_BYTES } from '../layout/leaf.js';
import { PREFIX_BYTES, PREFIX_CHILD, PREFIX_MAX_INLINE, prefixSize, setPrefixLen, prefixLen } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { HoltError } from '../errors.js';
import { maybeMerge } from './merge.js';
import { compactFrame } from './compact.js';
import { bodySize, hasRef, readRef, writeRef } from './node-ops.js';
import { findChildLoc, forEachChild, innerCount, rebuildInner, removeChild } from './inner-node.js';
import type { TreeCore } from './tree-core.js';

// The walk's path, one entry per node: frame, body offset, ref location holding it,
// and the byte it was reached by from an inner parent (-1: terminal, prefix or root).
const STACK = MAX_KEY_BYTES * 2 + 64;
const stFrame: Frame[] = new Array(STACK);
const stOff = new Int32Array(STACK);
const stRef = new Int32Array(STACK);
const stByte = new Int32Array(STACK);

/** Delete `key`; returns false when it was not present. */
export function erase(core: TreeCore, key: Uint8Array, keyLen: number): boolean {
  return findForErase(core, key, keyLen) && eraseFound(core);
}

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `findForErase`: the leaf it found
 * and its depth on the path stack (`top`, -1 when none), read by `eraseFound`
 * and by rename's `checkRename`; valid until the tree changes.
 */
export const outEraseTarget = { frame: null as unknown as Frame, leaf: 0, top: -1 };

/**
 * The first half of `erase`: walk to the leaf of `key`, recording the path;
 * false when the key is absent. `eraseFound` then removes it without walking
 * again, so a caller can log the delete in between (Tree.delete). Nothing
 * may change the tree between the two calls.
 */
export function findForErase(core: TreeCore, key: Uint8Array, keyLen: number): boolean {
  outEraseTarget.top = -1;
  const pager = core.pager;
  let f = pager.frame(core.rootFrameId);
  let off = f.rootAt(core.rootIndex);
  let refLoc = Frame.rootRefLoc(core.rootIndex);
  let via = -1;
  let depth = 0;
  let top = 0;
  for (;;) {
    stFrame[top] = f;
    stOff[top] = off;
    stRef[top] = refLoc;
    stByte[top] = via;
    const type = nodeType(f.u8, off);
    if (type === NODE_LEAF) {
      if (!leafKeyEquals(f, off, key, keyLen)) return false;
      outEraseTarget.top = top;
      outEraseTarget.frame = f;
      outEraseTarget.leaf = off;
      return true;
    }
    if (type === NODE_EMPTY_ROOT) return false;
    top++;
    if (type === NODE_PREFIX) {
      const len = prefixLen(f, off);
      depth += len;
      if (depth > keyLen) return false;
      refLoc = off + PREFIX_CHILD;
      via = -1;
    } else if (type === NODE_CROSSING) {
      const root = crossingRoot(f, off);
      f = pager.frame(crossingChildFrame(f, off));
      refLoc = Frame.rootRefLoc(root);
      off = f.rootAt(root);
      via = -1;
      continue;
    } else if (depth === keyLen) {
      refLoc = off + INNER_TERMINAL;
      if (!hasRef(f, refLoc)) return false;
      via = -1;
    } else {
      via = key[depth]!;
      refLoc = findChildLoc(f, off, type, via);
      if (refLoc < 0) return false;
      depth++;
    }
    off = readRef(f, refLoc);
  }
}

/** The second half of `erase`: remove the leaf `findForErase` just found, then repair upward. Returns true. */
export function eraseFound(core: TreeCore): boolean {
  const top = outEraseTarget.top;
  if (top < 0) throw new HoltError('INTERNAL', 'eraseFound without a leaf found by findForErase');
  outEraseTarget.top = -1;
  outEraseTarget.frame = null as unknown as Frame;
  const pager = core.pager;
  const leafFrame = stFrame[top]!;
  if (!leafFrame.dirty) pager.markDirty(leafFrame);
  leafFrame.free(stOff[top]!, bodySize(leafFrame, stOff[top]!), NODE_LEAF);
  leafFrame.addLiveKeys(-1);
  removeUpward(core, top);
  core.mutations++;
  core.keyCount--;
  mergeAfterErase(core, top);
  for (let i = 0; i <= top; i++) stFrame[i] = undefined as unknown as Frame;
  return true;
}

/** The node at stack level `i` is gone: unlink it from its holder, cascading. */
function removeUpward(core: TreeCore, i: number): void {
  const pager = core.pager;
  for (;;) {
    const f = stFrame[i]!;
    if (Frame.isRootRef(stRef[i]!)) {
      if (i === 0) {
        // The tree is empty. Every body left in its own frame is garbage, so when
        // the allocator is out of slots, starting the frame afresh is exact; a
        // shared frame holds other trees and is compacted instead.
        const empty = f.alloc(EMPTY_ROOT_SIZE, NODE_EMPTY_ROOT);
        if (empty >= 0) f.setRoot(core.rootIndex, empty);
        else if (f.isShared) {
          f.clearRoot(core.rootIndex);
          compactFrame(core, f);
          f.setRoot(core.rootIndex, f.alloc(EMPTY_ROOT_SIZE, NODE_EMPTY_ROOT));
        } else {
          const compactions = f.compactions;
          f.initialize(f.treeId, f.baseDepth);
          f.noteCompaction(compactions);
        }
        return;
      }
      // A root of a child frame emptied: drop it (and the frame with its last
      // root), then remove the Crossing above.
      f.clearRoot(Frame.rootIndexOf(stRef[i]!));
      if (f.rootCount === 0) {
        pager.releaseFrame(f.id);
        core.counters.framesReleased++;
      }
      i--;
      const pf = stFrame[i]!;
      if (!pf.dirty) pager.markDirty(pf);
      pf.free(stOff[i]!, CROSSING_SIZE, NODE_CROSSING);
      pf.addCrossings(-1);
      continue;
    }
    const p = i - 1;
    const pOff = stOff[p]!;
    const pType = nodeType(f.u8, pOff);
    if (pType === NODE_PREFIX) {
      f.free(pOff, bodySize(f, pOff), NODE_PREFIX);
      i = p;
      continue;
    }
    // Inner parent: drop the entry, then normalise the node.
    if (stByte[i] === -1) f.u16[(pOff + INNER_TERMINAL) >>> 1] = 0;
    else removeChild(f, pOff, pType, stByte[i]!);
    const count = innerCount(f, pOff, pType);
    const hasTerminal = hasRef(f, pOff + INNER_TERMINAL);
    if (count === 0 && !hasTerminal) {
      f.free(pOff, innerSize(pType), pType);
      i = p;
      continue;
    }
    if (count === 0) {
      const leaf = readRef(f, pOff + INNER_TERMINAL);
      f.free(pOff, innerSize(pType), pType);
      replaceAt(core, p, leaf);
      return;
    }
    if (count === 1 && !hasTerminal) {
      collapseUnary(core, p, pType);
      return;
    }
    const target = shrinkTarget(pType, count);
    if (target !== pType) {
      // Shrinking allocates before it frees; with no room, keep the bigger node.
      if (f.canAllocate(innerSize(target), 1)) {
        const small = rebuildInner(f, pOff, pType, target);
        writeRef(f, stRef[p]!, small);
        f.free(pOff, innerSize(pType), pType);
      }
    }
    return;
  }
}

/**
 * Replace the node at level `i` by `off` (a leaf floating up). A Prefix that
 * would then lead only to that leaf is dropped too: leaves carry whole keys.
 */
function replaceAt(core: TreeCore, i: number, off: number): void {
  const f = stFrame[i]!;
  while (i > 0 && !Frame.isRootRef(stRef[i]!) && nodeType(f.u8, off) === NODE_LEAF) {
    const pOff = stOff[i - 1]!;
    if (nodeType(f.u8, pOff) !== NODE_PREFIX) break;
    f.free(pOff, bodySize(f, pOff), NODE_PREFIX);
    i--;
  }
  writeRef(f, stRef[i]!, off);
  void core;
}

/** An inner node at level `i` with one child and no terminal becomes a Prefix (or vanishes into its child). */
function collapseUnary(core: TreeCore, i: number, type: number): void {
  const f = stFrame[i]!;
  const off = stOff[i]!;
  let b = 0;
  let child = 0;
  forEachChild(f, off, type, (byte, c) => { b = byte; child = c; });
  const childType = nodeType(f.u8, child);
  if (childType === NODE_LEAF) {
    f.free(off, innerSize(type), type);
    replaceAt(core, i, child);
    return;
  }
  if (childType === NODE_PREFIX) {
    const clen = prefixLen(f, child);
    if (clen + 1 <= PREFIX_MAX_INLINE && f.canAllocate(prefixSize(clen + 1), 1)) {
      const p = f.alloc(prefixSize(clen + 1), NODE_PREFIX);
      setPrefixLen(f, p, clen + 1);
      writeRef(f, p + PREFIX_CHILD, readRef(f, child + PREFIX_CHILD));
      const u8 = f.u8;
      u8[p + PREFIX_BYTES] = b;
      // A fresh body never overlaps the child's; a loop beats a native copy for prefix-sized runs.
      for (let j = 0, from = child + PREFIX_BYTES, to = p + PREFIX_BYTES + 1; j < clen; j++) u8[to + j] = u8[from + j]!;
      f.free(child, prefixSize(clen), NODE_PREFIX);
      f.free(off, innerSize(type), type);
      writeRef(f, stRef[i]!, p);
      return;
    }
  }
  if (!f.canAllocate(prefixSize(1), 1)) return; // keep the Node4 with one child: valid, just not minimal
  const p = f.alloc(prefixSize(1), NODE_PREFIX);
  setPrefixLen(f, p, 1);
  f.u8[p + PREFIX_BYTES] = b;
  writeRef(f, p + PREFIX_CHILD, child);
  f.free(off, innerSize(type), type);
  writeRef(f, stRef[i]!, p);
}

/** After an erase, fold the deepest surviving child frame on the path into its parent if small. */
function mergeAfterErase(core: TreeCore, top: number): void {
  for (let i = top; i > 0; i--) {
    if (!Frame.isRootRef(stRef[i]!)) continue;
    const child = stFrame[i]!;
    const parent = stFrame[i - 1]!;
    const crossing = stOff[i - 1]!;
    const root = Frame.rootIndexOf(stRef[i]!);
    // The root (or its frame) may have gone during removeUpward.
    if (nodeType(parent.u8, crossing) !== NODE_CROSSING || crossingChildFrame(parent, crossing) !== child.id) return;
    if (child.rootAt(root) < 0) return;
    maybeMerge(core, parent, crossing, stRef[i - 1]!, child, root);
    return;
  }
}
