/**
 * Prefix seek: find the subtree that holds exactly the keys starting with a
 * prefix. Prefix bytes are compared here (not skipped) because the answer is a
 * subtree, not one leaf that could confirm the path.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef } from '../layout/child-ref.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { PREFIX_BYTES, PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { findChildLoc } from './inner-node.js';
import { leafKeyLen, leafKeyStart } from '../layout/leaf.js';
import type { TreeCore } from './tree-core.js';

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `seekPrefix`: the top node of the
 * subtree under the prefix and that node's key depth, read by its callers
 * after a call that returned true; valid until the tree changes.
 */
export const outSubtree = { frame: null as unknown as Frame, off: 0, depth: 0 };

/**
 * Locate the subtree of keys starting with `prefix[0..len)`. Returns false when
 * there are none. On success `outSubtree` names its top node and that node's depth,
 * which is at most `len` (a prefix ending inside a Prefix node names that node).
 */
export function seekPrefix(core: TreeCore, prefix: Uint8Array, len: number): boolean {
  let f = core.pager.frame(core.rootFrameId);
  let off = f.rootAt(core.rootIndex);
  let depth = 0;
  for (;;) {
    const type = nodeType(f.u8, off);
    if (type === NODE_EMPTY_ROOT) return false;
    if (type === NODE_CROSSING) {
      const root = crossingRoot(f, off);
      f = core.pager.frame(crossingChildFrame(f, off));
      off = f.rootAt(root);
      continue;
    }
    if (depth >= len && type !== NODE_LEAF) break;
    if (type === NODE_LEAF) {
      const n = leafKeyLen(f, off);
      if (n < len) return false;
      const ks = leafKeyStart(off);
      for (let i = depth; i < len; i++) if (f.u8[ks + i] !== prefix[i]) return false;
      break;
    }
    if (type === NODE_PREFIX) {
      const plen = prefixLen(f, off);
      const pb = off + PREFIX_BYTES;
      const upto = Math.min(plen, len - depth);
      for (let i = 0; i < upto; i++) if (f.u8[pb + i] !== prefix[depth + i]) return false;
      if (upto < plen) break; // the prefix ends inside this node: its whole subtree matches
      depth += plen;
      off = decodeRef(f.u16[(off + PREFIX_CHILD) >>> 1]!);
      continue;
    }
    const loc = findChildLoc(f, off, type, prefix[depth]!);
    if (loc < 0) return false;
    off = decodeRef(f.u16[loc >>> 1]!);
    depth++;
  }
  outSubtree.frame = f;
  outSubtree.off = off;
  outSubtree.depth = depth;
  return true;
}
