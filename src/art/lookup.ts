/**
 * Point lookup: walk from the root frame to the leaf for a key.
 *
 * Optimistic: Prefix bytes are skipped, not compared, because the leaf holds
 * the whole key and one comparison at the end decides. The result is left in
 * `outFound` (frame + leaf offset) so that a lookup allocates nothing.
 */
import type { Frame } from '../layout/frame.js';
import { decodeRef } from '../layout/child-ref.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import {
  INNER_COUNT, INNER_TERMINAL, N16_CHILDREN, N16_KEYS, N256_CHILDREN, N48_CHILDREN, N48_INDEX, N4_CHILDREN,
  N4_KEYS,
} from '../layout/inner-nodes.js';
import { PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import {
  NODE_16, NODE_256, NODE_4, NODE_48, NODE_CROSSING, NODE_LEAF, NODE_PREFIX, nodeType,
} from '../layout/node-types.js';
import { leafKeyEquals } from '../layout/leaf.js';
import type { TreeCore } from './tree-core.js';
import { outFound } from './found-leaf.js';
import { COLD_ABSENT, COLD_CONTINUE, coldFindLeaf, outColdExit } from './cold-lookup.js';

export { outFound };

/**
 * Find the leaf holding `key[0..keyLen)`; returns false if absent. With
 * `readOnly` (the caller only reads the leaf), a frame that is not in memory
 * is first asked through its read index (cold-lookup.ts), so a cold point
 * read costs a few pages, not the whole frame.
 */
export function findLeaf(core: TreeCore, key: Uint8Array, keyLen: number, readOnly = false): boolean {
  const pager = core.pager;
  let f = pager.frame(core.rootFrameId);
  let u8 = f.u8;
  let u16 = f.u16;
  let off = f.rootAt(core.rootIndex);
  let depth = 0;
  for (;;) {
    let ref = 0;
    switch (nodeType(u8, off)) {
      case NODE_LEAF:
        if (!leafKeyEquals(f, off, key, keyLen)) return false;
        outFound.frame = f;
        outFound.leaf = off;
        return true;
      case NODE_PREFIX:
        depth += prefixLen(f, off);
        if (depth > keyLen) return false;
        ref = u16[(off + PREFIX_CHILD) >>> 1]!;
        break;
      case NODE_4: {
        if (depth === keyLen) { ref = u16[(off + INNER_TERMINAL) >>> 1]!; break; }
        const b = key[depth++];
        const n = u8[off + INNER_COUNT]!;
        for (let i = 0; i < n; i++) {
          if (u8[off + N4_KEYS + i] === b) { ref = u16[((off + N4_CHILDREN) >>> 1) + i]!; break; }
        }
        break;
      }
      case NODE_16: {
        if (depth === keyLen) { ref = u16[(off + INNER_TERMINAL) >>> 1]!; break; }
        const b = key[depth++]!;
        const n = u8[off + INNER_COUNT]!;
        const k = off + N16_KEYS;
        // Keys are sorted and often a dense run (digits): try the slot a run would put b in first.
        let i = b - u8[k]!;
        if (i < 0 || i >= n || u8[k + i] !== b) {
          for (i = 0; i < n; i++) {
            const kb = u8[k + i]!;
            if (kb >= b) break;
          }
          if (i === n || u8[k + i] !== b) break;
        }
        ref = u16[((off + N16_CHILDREN) >>> 1) + i]!;
        break;
      }
      case NODE_48: {
        if (depth === keyLen) { ref = u16[(off + INNER_TERMINAL) >>> 1]!; break; }
        const idx = u8[off + N48_INDEX + key[depth++]!]!;
        if (idx !== 0) ref = u16[((off + N48_CHILDREN) >>> 1) + idx - 1]!;
        break;
      }
      case NODE_256:
        if (depth === keyLen) { ref = u16[(off + INNER_TERMINAL) >>> 1]!; break; }
        ref = u16[((off + N256_CHILDREN) >>> 1) + key[depth++]!]!;
        break;
      case NODE_CROSSING: {
        const root = crossingRoot(f, off);
        const childId = crossingChildFrame(f, off);
        const cold = pager.cold;
        if (readOnly && cold !== null && !cold.isResident(childId)) {
          const r = coldFindLeaf(cold, childId, root, key, keyLen, depth);
          if (r === COLD_ABSENT) return false;
          if (r !== COLD_CONTINUE) return true;
          // Resume the ordinary walk where the cold one stopped, loading that frame whole.
          f = pager.frame(outColdExit.frameId);
          u8 = f.u8;
          u16 = f.u16;
          off = f.rootAt(outColdExit.root);
          depth = outColdExit.depth;
          continue;
        }
        f = pager.frame(childId);
        u8 = f.u8;
        u16 = f.u16;
        off = f.rootAt(root);
        continue;
      }
      default:
        return false; // EmptyRoot
    }
    if (ref === 0) return false;
    off = decodeRef(ref);
  }
}
