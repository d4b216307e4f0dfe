/**
 * verify(): walk every frame of a tree and check the shape invariants.
 *
 * Checked: node types and body bounds; every reachable body appears in its
 * frame's slot table; inner-node capacities, sorted unique Node4/16 keys and
 * consistent Node48/256 bookkeeping; Prefix lengths; every leaf's key agrees
 * with the path to it and keys come out in strictly increasing order;
 * terminal leaves end exactly at their node's depth; every root of every
 * frame is reached through exactly one Crossing; free lists are
 * well formed; and each frame's header accounting (live keys, crossings, live
 * bytes) matches what the walk found. A small tree's shared root frame holds
 * other trees too: there the header is not compared, and it must hold no Crossing.
 */
import type { Frame } from '../layout/frame.js';
import { DATA_START, FREE_LIST_COUNT, MAX_SLOTS, SHARED_TREE_ID, SLOT_TABLE_START } from '../layout/frame-header.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import {
  INNER_COUNT, INNER_TERMINAL, N16_CAPACITY, N16_KEYS, N256_COUNT, N48_CAPACITY, N48_CHILDREN, N48_INDEX,
  N4_CAPACITY, N4_KEYS,
} from '../layout/inner-nodes.js';
import { PREFIX_BYTES, PREFIX_CHILD, PREFIX_MAX_INLINE, prefixLen } from '../layout/prefix.js';
import { slotOffset } from '../layout/slot-table.js';
import { NODE_16, NODE_256, NODE_4, NODE_48, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_FREE, NODE_LEAF, NODE_PREFIX, nodeTypeName, nodeType } from '../layout/node-types.js';
import { bodySize, hasRef, readRef } from './node-ops.js';
import { forEachChild, innerCount } from './inner-node.js';
import { leafKeyLen, leafKeyStart } from '../layout/leaf.js';
import type { TreeCore } from './tree-core.js';

export interface VerifyReport {
  ok: boolean;
  /** Human-readable descriptions of every violation found (empty when ok). */
  errors: string[];
  keys: number;
  frames: number;
  /** Deepest chain of frames from the root frame (1 = only the root frame). */
  frameDepth: number;
  nodes: Record<string, number>;
  /** Bytes held by reachable nodes, over all frames. */
  liveBytes: number;
}

const MAX_ERRORS = 50;

export function verifyTree(core: TreeCore): VerifyReport {
  const errors: string[] = [];
  const err = (msg: string): void => { if (errors.length < MAX_ERRORS) errors.push(msg); };
  const nodes: Record<string, number> = {};
  const seenFrames = new Set<number>();
  let keys = 0;
  let liveBytes = 0;
  let frameDepth = 0;
  let lastKey: Buffer | null = null;
  const path: number[] = [];

  const checkLeaf = (f: Frame, off: number, depth: number, terminal: boolean): void => {
    const n = leafKeyLen(f, off);
    const ks = leafKeyStart(off);
    const key = Buffer.from(f.u8.subarray(ks, ks + n));
    if (n < depth) err(`frame ${f.id} leaf @${off}: key length ${n} shorter than its depth ${depth}`);
    if (terminal && n !== depth) err(`frame ${f.id} terminal leaf @${off}: key length ${n} != depth ${depth}`);
    for (let i = 0; i < Math.min(depth, n, path.length); i++) {
      if (key[i] !== path[i]) { err(`frame ${f.id} leaf @${off}: key byte ${i} disagrees with its path`); break; }
    }
    if (lastKey !== null && Buffer.compare(lastKey, key) >= 0) {
      err(`frame ${f.id} leaf @${off}: key ${key.toString('hex')} not after ${lastKey.toString('hex')}`);
    }
    lastKey = key;
    keys++;
  };

  // Per-frame tallies, summed over every root of the frame and checked at the end.
  interface Tally { f: Frame; slots: Set<number>; leaves: number; crossings: number; bytes: number; roots: Set<number> }
  const tallies = new Map<number, Tally>();

  const visitFrame = (frameId: number, root: number, depth: number, level: number): void => {
    frameDepth = Math.max(frameDepth, level);
    let tally = tallies.get(frameId);
    if (tally === undefined) {
      let frame: Frame;
      try { frame = core.pager.frameSilently(frameId); } catch (e) { err(`frame ${frameId}: ${(e as Error).message}`); return; }
      const expected = frameId === core.rootFrameId && core.shared ? SHARED_TREE_ID : core.treeId;
      if (frame.treeId !== expected) err(`frame ${frame.id}: tree id ${frame.treeId}, expected ${expected}`);
      const slots = new Set<number>();
      const used = frame.slotsUsed;
      if (used > MAX_SLOTS) err(`frame ${frame.id}: ${used} slots used`);
      for (let i = 0; i < Math.min(used, MAX_SLOTS); i++) slots.add(slotOffset(frame.u32[(SLOT_TABLE_START >>> 2) + i]!));
      tally = { f: frame, slots, leaves: 0, crossings: 0, bytes: 0, roots: new Set() };
      tallies.set(frameId, tally);
      seenFrames.add(frameId);
    }
    const t = tally;
    const f = t.f;
    if (t.roots.has(root)) { err(`frame ${frameId} root ${root} reached twice`); return; }
    t.roots.add(root);
    const rootOff = f.rootAt(root);
    if (rootOff < 0) { err(`frame ${frameId}: crossing to unused root ${root}`); return; }
    const slots = t.slots;

    const visit = (off: number, depth: number, terminal: boolean): void => {
      if (off < DATA_START || off >= f.spaceUsed || (off & 7) !== 0) { err(`frame ${f.id}: node offset ${off} out of bounds`); return; }
      if (!slots.has(off)) err(`frame ${f.id}: node @${off} missing from the slot table`);
      const type = nodeType(f.u8, off);
      const name = nodeTypeName(type);
      nodes[name] = (nodes[name] ?? 0) + 1;
      if (type === NODE_FREE || type > NODE_EMPTY_ROOT) { err(`frame ${f.id}: node @${off} has type ${name}`); return; }
      const size = bodySize(f, off);
      t.bytes += size;
      if (off + size > f.spaceUsed) err(`frame ${f.id}: ${name} @${off} runs past the bump cursor`);
      switch (type) {
        case NODE_LEAF: t.leaves++; checkLeaf(f, off, depth, terminal); return;
        case NODE_EMPTY_ROOT: return;
        case NODE_CROSSING: {
          t.crossings++;
          visitFrame(crossingChildFrame(f, off), crossingRoot(f, off), depth, level + 1);
          return;
        }
        case NODE_PREFIX: {
          const len = prefixLen(f, off);
          if (len < 1 || len > PREFIX_MAX_INLINE) err(`frame ${f.id}: Prefix @${off} length ${len}`);
          if (!hasRef(f, off + PREFIX_CHILD)) { err(`frame ${f.id}: Prefix @${off} without child`); return; }
          for (let i = 0; i < len; i++) path[depth + i] = f.u8[off + PREFIX_BYTES + i]!;
          visit(readRef(f, off + PREFIX_CHILD), depth + len, false);
          return;
        }
        default: {
          const count = innerCount(f, off, type);
          const cap = type === NODE_4 ? N4_CAPACITY : type === NODE_16 ? N16_CAPACITY : type === NODE_48 ? N48_CAPACITY : 256;
          if (count > cap) err(`frame ${f.id}: ${name} @${off} holds ${count} > ${cap}`);
          let seen = 0;
          let prev = -1;
          forEachChild(f, off, type, (b) => {
            if (b <= prev) err(`frame ${f.id}: ${name} @${off} keys not sorted/unique`);
            prev = b;
            seen++;
          });
          if (seen !== count) err(`frame ${f.id}: ${name} @${off} count ${count} but ${seen} children`);
          if (type === NODE_4 || type === NODE_16) {
            const keysAt = off + (type === NODE_4 ? N4_KEYS : N16_KEYS);
            for (let i = 1; i < count; i++) if (f.u8[keysAt + i - 1]! >= f.u8[keysAt + i]!) err(`frame ${f.id}: ${name} @${off} keys unsorted`);
          }
          if (type === NODE_48) {
            let used48 = 0;
            for (let s = 0; s < 48; s++) if (f.u16[((off + N48_CHILDREN) >>> 1) + s] !== 0) used48++;
            if (used48 !== count) err(`frame ${f.id}: Node48 @${off} has ${used48} filled slots, count ${count}`);
            for (let b = 0; b < 256; b++) if (f.u8[off + N48_INDEX + b]! > 48) err(`frame ${f.id}: Node48 @${off} bad index`);
          }
          if (type === NODE_256 && f.u8[off + INNER_COUNT] !== Math.min(f.u16[(off + N256_COUNT) >>> 1]!, 255)) err(`frame ${f.id}: Node256 @${off} count bytes disagree`);
          const hasTerm = hasRef(f, off + INNER_TERMINAL);
          if (count === 0 && !hasTerm) err(`frame ${f.id}: ${name} @${off} is empty`);
          if (hasTerm) {
            const t = readRef(f, off + INNER_TERMINAL);
            if (nodeType(f.u8, t) !== NODE_LEAF) err(`frame ${f.id}: ${name} @${off} terminal is not a leaf`);
            else visit(t, depth, true);
          }
          forEachChild(f, off, type, (b, child) => {
            path[depth] = b;
            visit(child, depth + 1, false);
          });
        }
      }
    };
    visit(rootOff, depth, false);
  };

  visitFrame(core.rootFrameId, core.rootIndex, 0, 1);
  for (const [id, t] of tallies) {
    const f = t.f;
    if (f.isShared) {
      // The frame's header counts every tree in it: only this tree's part is known here.
      if (f.crossings !== 0 || t.crossings !== 0) err(`shared frame ${id}: ${Math.max(f.crossings, t.crossings)} crossings`);
    } else {
      if (t.leaves !== f.liveKeys) err(`frame ${id}: header says ${f.liveKeys} keys, found ${t.leaves}`);
      if (t.crossings !== f.crossings) err(`frame ${id}: header says ${f.crossings} crossings, found ${t.crossings}`);
      if (t.bytes !== f.liveBytes) err(`frame ${id}: live bytes ${t.bytes}, header accounting says ${f.liveBytes}`);
      const roots = f.rootIndices();
      if (roots.length !== t.roots.size || roots.some((r) => !t.roots.has(r))) {
        err(`frame ${id}: roots in use ${roots.join(',')}, reached ${[...t.roots].join(',')}`);
      }
    }
    liveBytes += t.bytes;
    for (let type = 1; type <= FREE_LIST_COUNT; type++) {
      for (const o of f.freeListOffsets(type)) {
        if (o < DATA_START || o >= f.spaceUsed || nodeType(f.u8, o) !== NODE_FREE) { err(`frame ${id}: free list ${type} entry @${o} is not a free body`); break; }
      }
    }
  }
  if (keys !== core.keyCount) err(`tree counts ${core.keyCount} keys, walk found ${keys}`);
  return { ok: errors.length === 0, errors, keys, frames: seenFrames.size, frameDepth, nodes, liveBytes };
}
