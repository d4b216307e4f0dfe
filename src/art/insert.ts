/**
 * Insert (put): place a record, creating structure as needed.
 *
 * Each attempt walks from the root to the frame and node where the change
 * lands, checks that the frame has room for everything this change allocates,
 * and only then writes. A frame without room is compacted or spilled
 * (make-room.ts) and the walk restarts, so a write is never left half done.
 */
import { Frame } from '../layout/frame.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { EMPTY_ROOT_SIZE } from '../layout/empty-root.js';
import { INNER_TERMINAL, N4_SIZE } from '../layout/inner-nodes.js';
import { leafKeyLen, leafKeyStart, leafSize, writeLeafBody } from '../layout/leaf.js';
import { PREFIX_BYTES, PREFIX_CHILD, prefixSize, setPrefixLen, prefixLen } from '../layout/prefix.js';
import { NODE_4, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { HoltError } from '../errors.js';
import { makeRoom } from './make-room.js';
import { GRADUATE_KEYS, graduateIfGrown } from './shared-frame.js';
import { addChild, addChildBytes, findChildLoc } from './inner-node.js';
import { bodySize, hasRef, makeLeaf, readRef, writeRef } from './node-ops.js';
import { makePrefixChain, prefixChainBytes, prefixChainNodes } from './prefix-chain.js';
import type { TreeCore } from './tree-core.js';

const MAX_ATTEMPTS = 64;

/** Outcome of `insert`. */
export const INSERT_CREATED = 1;
export const INSERT_REPLACED = 2;

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of a failed `tryInsert`, read by
 * `insert` right after it: the frame that needs room, how many bytes in how
 * many allocations, and the Crossing the walk entered that frame through
 * (`parent` null for the root frame). Valid until the next attempt.
 */
const outNeedRoom = { frame: null as Frame | null, parent: null as Frame | null, crossing: 0, bytes: 0, allocs: 0 };

/** Fill `outNeedRoom` and return the failed-attempt result. */
function needRoom(f: Frame, bytes: number, allocs: number, parent: Frame | null, crossing: number): number {
  outNeedRoom.frame = f;
  outNeedRoom.parent = parent;
  outNeedRoom.crossing = crossing;
  outNeedRoom.bytes = bytes;
  outNeedRoom.allocs = allocs;
  return -1;
}

/**
 * Put `key -> value` with `version`. Returns INSERT_CREATED or INSERT_REPLACED.
 * Keys and values have been validated by the caller.
 */
export function insert(
  core: TreeCore, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number, version: number,
): number {
  if (core.shared && core.keyCount >= GRADUATE_KEYS) graduateIfGrown(core);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const r = tryInsert(core, key, keyLen, value, valueLen, version);
    if (r > 0) {
      core.mutations++;
      if (r === INSERT_CREATED) core.keyCount++;
      return r;
    }
    const need = outNeedRoom;
    const f = need.frame!;
    const parent = need.parent;
    need.frame = null; // do not keep frames alive from here
    need.parent = null;
    makeRoom(core, f, need.bytes, need.allocs, parent, need.crossing);
  }
  throw new HoltError('INTERNAL', `insert: no room after ${MAX_ATTEMPTS} attempts`);
}

function dirty(core: TreeCore, f: Frame): void {
  if (!f.dirty) core.pager.markDirty(f);
}

function tryInsert(
  core: TreeCore, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number, version: number,
): number {
  const pager = core.pager;
  let f = pager.frame(core.rootFrameId);
  // The Crossing the walk entered `f` through (none for the root frame).
  let entryParent: Frame | null = null;
  let entryCrossing = 0;
  let refLoc = Frame.rootRefLoc(core.rootIndex);
  let off = f.rootAt(core.rootIndex);
  let depth = 0;
  const lsize = leafSize(keyLen, valueLen);
  for (;;) {
    const type = nodeType(f.u8, off);
    switch (type) {
      case NODE_EMPTY_ROOT: {
        if (!f.canAllocate(lsize, 1)) return needRoom(f, lsize, 1, entryParent, entryCrossing);
        dirty(core, f);
        writeRef(f, refLoc, makeLeaf(f, key, keyLen, value, valueLen, version));
        f.free(off, EMPTY_ROOT_SIZE, NODE_EMPTY_ROOT);
        return INSERT_CREATED;
      }

      case NODE_LEAF: {
        const u8 = f.u8;
        const otherLen = leafKeyLen(f, off);
        const ks = leafKeyStart(off);
        const lim = keyLen < otherLen ? keyLen : otherLen;
        let m = depth;
        while (m < lim && u8[ks + m] === key[m]) m++;
        if (m === keyLen && m === otherLen) {
          const oldSize = bodySize(f, off);
          if (lsize <= oldSize) {
            dirty(core, f);
            writeLeafBody(f, off, key, keyLen, value, valueLen, version);
            if (lsize < oldSize) f.addDeadBytes(oldSize - lsize);
            return INSERT_REPLACED;
          }
          if (!f.canAllocate(lsize, 1)) return needRoom(f, lsize, 1, entryParent, entryCrossing);
          dirty(core, f);
          writeRef(f, refLoc, makeLeaf(f, key, keyLen, value, valueLen, version));
          f.free(off, oldSize, NODE_LEAF);
          f.addLiveKeys(-1);
          return INSERT_REPLACED;
        }
        // Split: [Prefix chain of the shared bytes] -> Node4 {old leaf, new leaf}.
        const shared = m - depth;
        const bytes = lsize + N4_SIZE + prefixChainBytes(shared);
        const allocs = 2 + prefixChainNodes(shared);
        if (!f.canAllocate(bytes, allocs)) return needRoom(f, bytes, allocs, entryParent, entryCrossing);
        dirty(core, f);
        const n4 = f.alloc(N4_SIZE, NODE_4);
        const leaf = makeLeaf(f, key, keyLen, value, valueLen, version);
        if (m === keyLen) writeRef(f, n4 + INNER_TERMINAL, leaf);
        else addChild(f, -1, n4, NODE_4, key[m]!, leaf);
        if (m === otherLen) writeRef(f, n4 + INNER_TERMINAL, off);
        else addChild(f, -1, n4, NODE_4, u8[ks + m]!, off);
        writeRef(f, refLoc, makePrefixChain(f, key, depth, m, n4));
        return INSERT_CREATED;
      }

      case NODE_PREFIX: {
        const u8 = f.u8;
        const len = prefixLen(f, off);
        const pb = off + PREFIX_BYTES;
        let i = 0;
        while (i < len && depth + i < keyLen && u8[pb + i] === key[depth + i]) i++;
        if (i === len) {
          depth += len;
          refLoc = off + PREFIX_CHILD;
          off = readRef(f, refLoc);
          continue;
        }
        // Split at i: [head Prefix (this node, shortened)] -> Node4 {P[i] -> tail -> child, new leaf}.
        const tailLen = len - i - 1;
        const bytes = lsize + N4_SIZE + prefixChainBytes(tailLen);
        const allocs = 2 + prefixChainNodes(tailLen);
        if (!f.canAllocate(bytes, allocs)) return needRoom(f, bytes, allocs, entryParent, entryCrossing);
        dirty(core, f);
        const child = readRef(f, off + PREFIX_CHILD);
        const tail = makePrefixChain(f, u8, pb + i + 1, pb + len, child);
        const n4 = f.alloc(N4_SIZE, NODE_4);
        addChild(f, -1, n4, NODE_4, u8[pb + i]!, tail);
        const leaf = makeLeaf(f, key, keyLen, value, valueLen, version);
        if (depth + i === keyLen) writeRef(f, n4 + INNER_TERMINAL, leaf);
        else addChild(f, -1, n4, NODE_4, key[depth + i]!, leaf);
        if (i > 0) {
          f.addDeadBytes(prefixSize(len) - prefixSize(i));
          setPrefixLen(f, off, i);
          writeRef(f, off + PREFIX_CHILD, n4);
        } else {
          writeRef(f, refLoc, n4);
          f.free(off, prefixSize(len), NODE_PREFIX);
        }
        return INSERT_CREATED;
      }

      case NODE_CROSSING: {
        const root = crossingRoot(f, off);
        entryParent = f;
        entryCrossing = off;
        f = pager.frame(crossingChildFrame(f, off));
        refLoc = Frame.rootRefLoc(root);
        off = f.rootAt(root);
        continue;
      }

      default: {
        if (depth === keyLen) {
          const tloc = off + INNER_TERMINAL;
          if (hasRef(f, tloc)) {
            refLoc = tloc;
            off = readRef(f, tloc);
            continue;
          }
          if (!f.canAllocate(lsize, 1)) return needRoom(f, lsize, 1, entryParent, entryCrossing);
          dirty(core, f);
          writeRef(f, tloc, makeLeaf(f, key, keyLen, value, valueLen, version));
          return INSERT_CREATED;
        }
        const b = key[depth]!;
        const loc = findChildLoc(f, off, type, b);
        if (loc >= 0) {
          refLoc = loc;
          off = readRef(f, loc);
          depth++;
          continue;
        }
        const bytes = lsize + addChildBytes(f, off, type);
        if (!f.canAllocate(bytes, 2)) return needRoom(f, bytes, 2, entryParent, entryCrossing);
        dirty(core, f);
        addChild(f, refLoc, off, type, b, makeLeaf(f, key, keyLen, value, valueLen, version));
        return INSERT_CREATED;
      }
    }
  }
}
