// An independent reader of a tree's frames, for the checks.
//
// It reads node bodies straight from the bytes with the offsets and sizes that
// src/layout declares (its byte diagrams), not through src/art's accessors, so a
// bug in the code under check cannot also fool the reader. Every body it meets
// is checked against the layout; what it finds (leaves in key order, inner
// nodes, frames and roots reached) goes back to the caller, which compares it
// with its model.
import { loadAll } from './production.mjs';

/** The layout constants of the build under check. */
export async function loadLayout(dist) {
  return loadAll(dist, [
    'layout/frame-header.js', 'layout/inner-nodes.js', 'layout/leaf.js', 'layout/prefix.js',
    'layout/node-types.js', 'layout/crossing.js', 'layout/empty-root.js', 'layout/slot-table.js',
  ]);
}

const align8 = (x) => Math.ceil(x / 8) * 8;

/**
 * Walk every frame reachable from `core`'s root frame. `strictBands`: also
 * require every inner node to sit inside its hysteresis band and every
 * one-child node to have a terminal (true when frames never run out of room,
 * so erase could always shrink and collapse).
 */
export function walkTree(L, core, report, { strictBands = false } = {}) {
  const pager = core.pager;
  const leaves = [];
  const inner = [];
  const prefixes = [];
  /** Every body reached: { frame, off, type, size }. */
  const nodes = [];
  const shape = [];
  const tallies = new Map();
  let lastKey = null;
  const path = [];
  const bad = (msg) => report.check(false, msg);

  const capacity = { [L.NODE_4]: L.N4_CAPACITY, [L.NODE_16]: L.N16_CAPACITY, [L.NODE_48]: L.N48_CAPACITY, [L.NODE_256]: L.N256_CAPACITY };
  const size = { [L.NODE_4]: L.N4_SIZE, [L.NODE_16]: L.N16_SIZE, [L.NODE_48]: L.N48_SIZE, [L.NODE_256]: L.N256_SIZE };
  const shrinkAt = { [L.NODE_4]: 0, [L.NODE_16]: L.SHRINK_16_TO_4, [L.NODE_48]: L.SHRINK_48_TO_16, [L.NODE_256]: L.SHRINK_256_TO_48 };
  const refToOffset = (ref) => (ref + (L.DATA_START >>> 3) - 1) * 8;

  const frameTally = (id) => {
    let t = tallies.get(id);
    if (t !== undefined) return t;
    const f = pager.frames[id];
    if (f === undefined) return undefined;
    const dv = new DataView(f.bytes);
    const slots = new Map();
    const used = dv.getUint32(L.H_SLOTS_USED, true);
    for (let i = 0; i < Math.min(used, L.MAX_SLOTS); i++) {
      const e = dv.getUint32(L.SLOT_TABLE_START + 4 * i, true);
      slots.set((e & ((1 << L.SLOT_OFFSET_BITS) - 1)) * 8, e >>> L.SLOT_OFFSET_BITS);
    }
    t = { f, dv, slots, spaceUsed: dv.getUint32(L.H_SPACE_USED, true), leaves: 0, crossings: 0, bytes: 0, bodies: [], roots: new Set() };
    tallies.set(id, t);
    return t;
  };

  const rootRefAt = (dv, i) => dv.getUint16(i === 0 ? L.H_ROOT_REF : L.H_EXTRA_ROOTS + 2 * (i - 1), true);

  const visitFrame = (id, root, depth) => {
    const t = frameTally(id);
    if (t === undefined) return bad(`crossing into frame ${id}, which is not allocated (released or never made)`);
    if (t.roots.has(root)) return bad(`frame ${id} root ${root} is reached twice (a duplicated subtree)`);
    t.roots.add(root);
    const ref = root < L.MAX_ROOTS ? rootRefAt(t.dv, root) : 0;
    if (ref === 0) return bad(`crossing into frame ${id} root ${root}, which is unused`);
    shape.push(`[${root}`);
    visit(t, refToOffset(ref), depth, false, id === core.rootFrameId && root === 0);
    shape.push(']');
  };

  const visit = (t, off, depth, terminal, treeRoot) => {
    const { f, dv } = t;
    const where = () => `frame ${f.id} @${off}`;
    if (off < L.DATA_START || off >= t.spaceUsed || off % 8 !== 0) return bad(`${where()}: body offset outside [DATA_START, space used) or unaligned`);
    const type = f.u8[off + L.NODE_TYPE_OFFSET];
    const slotType = t.slots.get(off);
    report.check(slotType === type, () => `${where()}: type ${type} but the slot table says ${slotType}`);
    let bodySize;
    switch (type) {
      case L.NODE_LEAF: {
        const kl = dv.getUint16(off + L.LEAF_KEY_LEN, true);
        const vl = dv.getUint32(off + L.LEAF_VALUE_LEN, true);
        const version = dv.getFloat64(off + L.LEAF_VERSION, true);
        bodySize = align8(L.LEAF_HEADER_SIZE + kl + vl);
        const ks = off + L.LEAF_HEADER_SIZE;
        const key = Buffer.from(f.u8.subarray(ks, ks + kl));
        const value = f.u8.subarray(ks + kl, ks + kl + vl);
        report.check(kl <= L.MAX_KEY_BYTES && vl <= L.MAX_VALUE_BYTES, () => `${where()}: leaf key ${kl} / value ${vl} bytes over the limits`);
        report.check(terminal ? kl === depth : kl >= depth, () => `${where()}: leaf key length ${kl} at depth ${depth}${terminal ? ' (terminal)' : ''}`);
        for (let i = 0; i < Math.min(depth, kl); i++) {
          if (key[i] !== path[i]) { bad(`${where()}: leaf key byte ${i} disagrees with the path to it`); break; }
        }
        if (lastKey !== null) report.check(Buffer.compare(lastKey, key) < 0, () => `${where()}: key ${key.toString('hex')} does not follow ${lastKey.toString('hex')}`);
        lastKey = key;
        report.check(Number.isSafeInteger(version) && version >= 1, () => `${where()}: leaf version ${version}`);
        leaves.push({ key, value, version, frame: f.id, off });
        t.leaves++;
        shape.push(`L${key.toString('hex')}`);
        break;
      }
      case L.NODE_PREFIX: {
        const len = dv.getUint16(off + L.PREFIX_LEN, true);
        bodySize = align8(L.PREFIX_BYTES + len);
        const bytes = f.u8.subarray(off + L.PREFIX_BYTES, off + L.PREFIX_BYTES + len);
        report.check(len >= 1 && len <= L.PREFIX_MAX_INLINE, () => `${where()}: prefix length ${len} outside 1..${L.PREFIX_MAX_INLINE}`);
        const child = dv.getUint16(off + L.PREFIX_CHILD, true);
        prefixes.push({ frame: f.id, off, len });
        shape.push(`P${Buffer.from(bytes).toString('hex')}`);
        if (!report.check(child !== 0, () => `${where()}: prefix without a child`)) break;
        for (let i = 0; i < len; i++) path[depth + i] = bytes[i];
        visit(t, refToOffset(child), depth + len, false, false);
        break;
      }
      case L.NODE_CROSSING: {
        bodySize = L.CROSSING_SIZE;
        t.crossings++;
        shape.push('X');
        visitFrame(dv.getUint32(off + L.CROSSING_CHILD_FRAME, true), dv.getUint16(off + L.CROSSING_ROOT, true), depth);
        break;
      }
      case L.NODE_EMPTY_ROOT:
        bodySize = L.EMPTY_ROOT_SIZE;
        report.check(treeRoot, () => `${where()}: an EmptyRoot that is not the root of an empty tree`);
        shape.push('E');
        break;
      case L.NODE_4: case L.NODE_16: case L.NODE_48: case L.NODE_256:
        bodySize = size[type];
        visitInner(t, off, type, depth, where);
        break;
      default:
        return bad(`${where()}: invalid node type ${type}`);
    }
    t.bytes += bodySize;
    t.bodies.push([off, off + bodySize]);
    nodes.push({ frame: f.id, off, type, size: bodySize });
  };

  const visitInner = (t, off, type, depth, where) => {
    const { f, dv } = t;
    const u8 = f.u8;
    const cap = capacity[type];
    const children = [];
    let count;
    if (type === L.NODE_4 || type === L.NODE_16) {
      const keys = off + (type === L.NODE_4 ? L.N4_KEYS : L.N16_KEYS);
      const kids = off + (type === L.NODE_4 ? L.N4_CHILDREN : L.N16_CHILDREN);
      count = u8[off + L.INNER_COUNT];
      if (!report.check(count <= cap, () => `${where()}: ${type === L.NODE_4 ? 'Node4' : 'Node16'} count ${count} over capacity ${cap}`)) return;
      for (let i = 0; i < cap; i++) {
        const ref = dv.getUint16(kids + 2 * i, true);
        if (i < count) {
          report.check(ref !== 0, () => `${where()}: child ${i} of ${count} is null`);
          if (i > 0) report.check(u8[keys + i - 1] < u8[keys + i], () => `${where()}: keys not sorted and unique at ${i}`);
          children.push([u8[keys + i], ref]);
        } else {
          report.check(ref === 0 && u8[keys + i] === 0, () => `${where()}: unused key/child slot ${i} (count ${count}) is not zero`);
        }
      }
    } else if (type === L.NODE_48) {
      count = u8[off + L.INNER_COUNT];
      const usedSlots = new Set();
      for (let b = 0; b < 256; b++) {
        const idx = u8[off + L.N48_INDEX + b];
        if (idx === 0) continue;
        if (!report.check(idx <= L.N48_CAPACITY && !usedSlots.has(idx), () => `${where()}: Node48 index ${idx} for byte ${b} out of range or shared`)) continue;
        usedSlots.add(idx);
        const ref = dv.getUint16(off + L.N48_CHILDREN + 2 * (idx - 1), true);
        report.check(ref !== 0, () => `${where()}: Node48 byte ${b} names an empty child slot`);
        children.push([b, ref]);
      }
      for (let s = 1; s <= L.N48_CAPACITY; s++) {
        if (!usedSlots.has(s)) report.check(dv.getUint16(off + L.N48_CHILDREN + 2 * (s - 1), true) === 0, () => `${where()}: Node48 child slot ${s} is filled but unindexed`);
      }
      report.check(count === children.length, () => `${where()}: Node48 count ${count}, ${children.length} indexed children`);
    } else {
      count = dv.getUint16(off + L.N256_COUNT, true);
      for (let b = 0; b < 256; b++) {
        const ref = dv.getUint16(off + L.N256_CHILDREN + 2 * b, true);
        if (ref !== 0) children.push([b, ref]);
      }
      report.check(count === children.length, () => `${where()}: Node256 count ${count}, ${children.length} children`);
      report.check(u8[off + L.INNER_COUNT] === Math.min(count, 255), () => `${where()}: Node256 u8 count ${u8[off + L.INNER_COUNT]} for ${count}`);
    }
    const termRef = dv.getUint16(off + L.INNER_TERMINAL, true);
    const hasTerminal = termRef !== 0;
    report.check(count >= 1 || hasTerminal, () => `${where()}: inner node with no children and no terminal`);
    if (strictBands) {
      report.check(count > shrinkAt[type] || (type === L.NODE_4), () => `${where()}: type ${type} holds ${count}, at or below its shrink threshold ${shrinkAt[type]}`);
      report.check(count >= 2 || hasTerminal, () => `${where()}: one child and no terminal: should have collapsed into a Prefix`);
    }
    inner.push({ frame: t.f.id, off, type, count, hasTerminal, depth });
    shape.push(`N${type}.${count}${hasTerminal ? 't' : ''}`);
    if (hasTerminal) {
      const leafOff = refToOffset(termRef);
      if (report.check(leafOff >= L.DATA_START && leafOff < t.spaceUsed && t.f.u8[leafOff + L.NODE_TYPE_OFFSET] === L.NODE_LEAF, () => `${where()}: terminal is not a leaf`)) {
        visit(t, leafOff, depth, true, false);
      }
    }
    for (const [b, ref] of children) {
      path[depth] = b;
      shape.push(`.${b}`);
      visit(t, refToOffset(ref), depth + 1, false, false);
    }
  };

  visitFrame(core.rootFrameId, 0, 0);

  // Per frame: every root reached once, accounting in the header, bodies disjoint.
  for (const [id, t] of tallies) {
    const dv = t.dv;
    const rootCount = dv.getUint16(L.H_ROOT_COUNT, true);
    let inUse = 0;
    for (let i = 0; i < L.MAX_ROOTS; i++) {
      if (rootRefAt(dv, i) === 0) continue;
      inUse++;
      report.check(t.roots.has(i), () => `frame ${id}: root ${i} is in use but no crossing reaches it (a lost subtree)`);
    }
    report.check(inUse === rootCount, () => `frame ${id}: header root count ${rootCount}, ${inUse} roots in use`);
    report.check(dv.getUint32(L.H_LIVE_KEYS, true) === t.leaves, () => `frame ${id}: header says ${dv.getUint32(L.H_LIVE_KEYS, true)} keys, found ${t.leaves}`);
    report.check(dv.getUint32(L.H_CROSSINGS, true) === t.crossings, () => `frame ${id}: header says ${dv.getUint32(L.H_CROSSINGS, true)} crossings, found ${t.crossings}`);
    const live = t.spaceUsed - L.DATA_START - dv.getUint32(L.H_DEAD_BYTES, true) - dv.getUint32(L.H_FREE_LIST_BYTES, true);
    report.check(live === t.bytes, () => `frame ${id}: reachable bodies hold ${t.bytes} bytes, the header accounts ${live}`);
    report.check(t.spaceUsed <= L.DATA_END, () => `frame ${id}: space used ${t.spaceUsed} past the frame`);
    t.bodies.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < t.bodies.length; i++) {
      report.check(t.bodies[i - 1][1] <= t.bodies[i][0], () => `frame ${id}: bodies @${t.bodies[i - 1][0]} and @${t.bodies[i][0]} overlap`);
    }
    if (t.bodies.length > 0) report.check(t.bodies[t.bodies.length - 1][1] <= t.spaceUsed, () => `frame ${id}: a body runs past space used`);
  }
  // Every allocated frame is part of the tree: none leaked, none lost.
  const live = pager.liveIds();
  for (const id of live) report.check(tallies.has(id), () => `frame ${id} is allocated but unreachable (a leaked or lost frame)`);
  for (const p of pager.problems.splice(0)) bad(`pager: ${p}`);

  const frames = [...tallies.values()].map((t) => ({
    id: t.f.id, roots: t.roots.size, liveBytes: t.bytes,
    reclaimable: t.dv.getUint32(L.H_DEAD_BYTES, true) + t.dv.getUint32(L.H_FREE_LIST_BYTES, true),
    slots: t.dv.getUint32(L.H_SLOTS_USED, true), spaceUsed: t.spaceUsed, compactions: t.dv.getUint32(L.H_COMPACTIONS, true),
  }));
  return { leaves, inner, prefixes, nodes, frames, shape: shape.join('') };
}
