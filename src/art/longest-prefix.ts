/**
 * Longest prefix: the longest stored key that is a byte-prefix of a query.
 *
 * One walk down the query's path. Every terminal leaf passed (a key ending at
 * that depth) and the leaf the walk ends on are candidates; since Prefix bytes
 * are skipped optimistically, each candidate is confirmed by comparing its
 * whole key with the query's head, and the deepest confirmed one wins.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef } from '../layout/child-ref.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { outFound } from './lookup.js';
import { findChildLoc } from './inner-node.js';
import { leafKeyLen, leafKeyStart } from '../layout/leaf.js';
import type { TreeCore } from './tree-core.js';

function leafIsPrefixOf(f: Frame, leaf: number, key: Uint8Array, keyLen: number): boolean {
  const n = leafKeyLen(f, leaf);
  if (n > keyLen) return false;
  const ks = leafKeyStart(leaf);
  for (let i = 0; i < n; i++) if (f.u8[ks + i] !== key[i]) return false;
  return true;
}

/** Leaves the answer in `outFound` and returns true, or returns false when no key is a prefix. */
export function findLongestPrefix(core: TreeCore, key: Uint8Array, keyLen: number): boolean {
  let f = core.pager.frame(core.rootFrameId);
  let off = f.rootAt(core.rootIndex);
  let depth = 0;
  let bestFrame: Frame | null = null;
  let bestLeaf = 0;
  for (;;) {
    const type = nodeType(f.u8, off);
    if (type === NODE_LEAF) {
      if (leafIsPrefixOf(f, off, key, keyLen)) { bestFrame = f; bestLeaf = off; }
      break;
    }
    if (type === NODE_EMPTY_ROOT) break;
    if (type === NODE_CROSSING) {
      const root = crossingRoot(f, off);
      f = core.pager.frame(crossingChildFrame(f, off));
      off = f.rootAt(root);
      continue;
    }
    if (type === NODE_PREFIX) {
      depth += prefixLen(f, off);
      if (depth > keyLen) break;
      off = decodeRef(f.u16[(off + PREFIX_CHILD) >>> 1]!);
      continue;
    }
    const term = f.u16[(off + INNER_TERMINAL) >>> 1]!;
    if (term !== 0) {
      const leaf = decodeRef(term);
      if (leafIsPrefixOf(f, leaf, key, keyLen)) { bestFrame = f; bestLeaf = leaf; }
      else break; // the path already diverged from the query: nothing deeper can match
    }
    if (depth === keyLen) break;
    const loc = findChildLoc(f, off, type, key[depth]!);
    if (loc < 0) break;
    off = decodeRef(f.u16[loc >>> 1]!);
    depth++;
  }
  if (bestFrame === null) return false;
  outFound.frame = bestFrame;
  outFound.leaf = bestLeaf;
  return true;
}
