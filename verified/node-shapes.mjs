// Node shapes: the production insert and erase (src/art, which grow, shrink,
// split and collapse nodes through node-ops) run on real frames, and every
// state they reach is read back byte by byte (lib/tree-walk.mjs) and checked
// against src/layout. Original invariants 1-7 and 12 (holt-facts §11).
//
// Two searches, both exhaustive within their bound:
//  A. One inner node under a shared prefix ("dir/" + one byte per child, and
//     optionally "dir/" itself as the terminal). Breadth-first over every
//     (node type, child count, terminal) state reachable from the two-child
//     Node4 a leaf split builds, by adding or removing a child at the low end,
//     the high end or the middle, and adding or removing the terminal. This
//     reaches every count 0..256 in every type's band.
//  B. Every sequence of puts and erases over a set of keys that share prefixes
//     (the empty key, keys that are prefixes of others, keys whose common head
//     is longer than one Prefix node holds). States are identified by their
//     tree shape, so the search ends when no new shape appears.
// Every state is also compacted (a copy) to check the packed shapes.
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';
import { loadTreeDriver } from './lib/tree-driver.mjs';
import { loadLayout, walkTree } from './lib/tree-walk.mjs';
import { checkContents } from './lib/contents.mjs';

const DIR = Buffer.from('dir/');
const SMALL = 3;
const LARGE = 40;

export async function checkNodeShapes({ dist, fast = false }) {
  const report = new Report('node shapes', 'verified/node-shapes.mjs');
  const L = await loadLayout(dist);
  const { put, del, fresh, fork: forkState } = await loadTreeDriver(dist, report);
  const { compactFrame } = await load(dist, 'art/compact.js');
  const { verifyTree } = await load(dist, 'art/verify.js');
  const { findLeaf } = await load(dist, 'art/lookup.js');
  const { outFound: found } = await load(dist, 'art/found-leaf.js');

  const TYPES = [L.NODE_4, L.NODE_16, L.NODE_48, L.NODE_256];
  const NAME = { [L.NODE_4]: 'Node4', [L.NODE_16]: 'Node16', [L.NODE_48]: 'Node48', [L.NODE_256]: 'Node256' };
  const CAP = { [L.NODE_4]: L.N4_CAPACITY, [L.NODE_16]: L.N16_CAPACITY, [L.NODE_48]: L.N48_CAPACITY, [L.NODE_256]: L.N256_CAPACITY };
  const SHRINK = { [L.NODE_16]: L.SHRINK_16_TO_4, [L.NODE_48]: L.SHRINK_48_TO_16, [L.NODE_256]: L.SHRINK_256_TO_48 };
  const up = (t) => TYPES[TYPES.indexOf(t) + 1];
  const down = (t) => TYPES[TYPES.indexOf(t) - 1];
  /** The smallest type that holds `count` children: what compaction must build. */
  const packed = (count) => TYPES.find((t) => CAP[t] >= count);

  let statesChecked = 0;
  let compactions = 0;
  const typeCounts = new Map();

  const fork = (s) => ({ ...forkState(s), ...s.extra?.() });

  /** Walk and check one state; returns the walk. `where` names the path that reached it. */
  const checkState = (s, where) => {
    statesChecked++;
    const w = walkTree(L, s.core, report, { strictBands: true });
    checkContents(report, w.leaves, s.model, where);
    const v = verifyTree(s.core);
    report.check(v.ok, () => `${where}: the engine's own verify() rejects the state: ${v.errors[0]}`);
    // Lookup (original invariant 2): every key is found at its own leaf; one byte more or less is not.
    for (const leaf of w.leaves) {
      report.check(findLeaf(s.core, leaf.key, leaf.key.length) && found.frame.id === leaf.frame && found.leaf === leaf.off, () => `${where}: lookup of ${JSON.stringify(leaf.key.toString('latin1'))} misses its leaf`);
      const longer = Buffer.concat([leaf.key, Buffer.from([0x01])]);
      report.check(s.model.has(longer.toString('latin1')) || !findLeaf(s.core, longer, longer.length), () => `${where}: lookup of an absent key finds a leaf`);
    }
    for (const node of w.inner) typeCounts.set(`${node.type}/${node.count}`, true);
    // Packed shapes: compaction rebuilds each inner node at the smallest type for its children.
    const c = fork(s);
    const frame = c.core.pager.frame(c.core.rootFrameId);
    compactFrame(c.core, frame);
    compactions++;
    const pw = walkTree(L, c.core, report, { strictBands: false });
    checkContents(report, pw.leaves, s.model, `${where}, compacted`);
    for (const node of pw.inner) {
      report.check(node.type === packed(node.count), () => `${where}, compacted: ${NAME[node.type]} holds ${node.count}, the packed shape is ${NAME[packed(node.count)]}`);
    }
    report.check(pw.frames[0].reclaimable === 0, () => `${where}, compacted: ${pw.frames[0].reclaimable} reclaimable bytes left`);
    report.check(pw.frames[0].spaceUsed - L.DATA_START === pw.frames[0].liveBytes, () => `${where}, compacted: bodies are not packed`);
    return w;
  };

  // ---- A: one inner node, every count ----
  const nodeOf = (w) => w.inner.find((x) => x.depth === DIR.length);
  const childKey = (b) => Buffer.concat([DIR, Buffer.from([b])]);
  const startA = () => {
    const s = { ...fresh(), bytes: [0x7f, 0x80], terminal: false };
    s.extra = () => ({ bytes: [...s.bytes], terminal: s.terminal });
    for (const b of s.bytes) put(s, childKey(b), SMALL);
    return s;
  };
  let transitionsA = 0;
  let growsSeen = 0;
  let shrinksSeen = 0;
  const seenA = new Map();
  const queue = [];
  {
    const s0 = startA();
    const w = checkState(s0, 'A: Node4{0x7f, 0x80}');
    const node = nodeOf(w);
    report.check(node?.type === L.NODE_4 && node.count === 2, 'A: a leaf split does not build a two-child Node4');
    seenA.set(`${node?.type}/2/f`, true);
    queue.push({ s: s0, type: node?.type, path: 'Node4{2}' });
  }
  // What a state looks like after an op, from the walk: an inner node, a lone leaf, or nothing.
  const describe = (w) => {
    const node = nodeOf(w);
    if (node !== undefined) return { type: node.type, count: node.count, terminal: node.hasTerminal };
    return { type: w.leaves.length === 1 ? 'leaf' : w.leaves.length === 0 ? 'empty' : 'other', count: 0, terminal: false };
  };
  const applyA = (s, op) => {
    const c = fork(s);
    c.extra = () => ({ bytes: [...c.bytes], terminal: c.terminal });
    if (op.kind === 'add') { put(c, childKey(op.b), SMALL); c.bytes = [...c.bytes, op.b].sort((a, b) => a - b); }
    else if (op.kind === 'remove') { del(c, childKey(op.b)); c.bytes = c.bytes.filter((x) => x !== op.b); }
    else if (op.kind === 'term+') { put(c, DIR, SMALL); c.terminal = true; }
    else { del(c, DIR); c.terminal = false; }
    return c;
  };
  // Fast bounds stop adding at 64 children (past Node48's grow and Node256's shrink band start).
  const maxChildrenA = fast ? 64 : 256;
  const opsA = (s) => {
    const ops = [];
    const bytes = s.bytes;
    if (bytes.length > 0) {
      const lo = bytes[0];
      const hi = bytes[bytes.length - 1];
      const room = bytes.length < maxChildrenA;
      if (room && lo > 0) ops.push({ kind: 'add', b: lo - 1 });
      if (room && hi < 255) ops.push({ kind: 'add', b: hi + 1 });
      for (let i = 1; room && i < bytes.length; i++) {
        if (bytes[i] - bytes[i - 1] > 1) { ops.push({ kind: 'add', b: bytes[i - 1] + 1 }); break; }
      }
      ops.push({ kind: 'remove', b: lo });
      if (bytes.length > 1) ops.push({ kind: 'remove', b: hi });
      if (bytes.length > 2) ops.push({ kind: 'remove', b: bytes[bytes.length >> 1] });
    }
    ops.push({ kind: s.terminal ? 'term-' : 'term+' });
    return ops;
  };
  const inverse = (op) => (op.kind === 'add' ? { kind: 'remove', b: op.b } : op.kind === 'remove' ? { kind: 'add', b: op.b } : { kind: op.kind === 'term+' ? 'term-' : 'term+' });
  const showOp = (op) => (op.b === undefined ? op.kind : `${op.kind} 0x${op.b.toString(16)}`);
  while (queue.length > 0) {
    const { s, path } = queue.shift();
    const before = describe(walkTree(L, s.core, report, { strictBands: true }));
    for (const op of opsA(s)) {
      transitionsA++;
      const c = applyA(s, op);
      const where = `A: ${path} → ${showOp(op)}`;
      const w = checkState(c, where);
      const after = describe(w);
      const expected = expectA(before, op, c);
      report.check(after.type === expected.type && after.count === expected.count && after.terminal === expected.terminal,
        () => `${where}: became ${show(after)}, the rules say ${show(expected)}`);
      if (typeof before.type === 'number' && typeof after.type === 'number' && before.type !== after.type) {
        // Hysteresis, on the production result: the opposite op right after a grow or a shrink must not move the node back.
        if (TYPES.indexOf(after.type) > TYPES.indexOf(before.type)) growsSeen++;
        else shrinksSeen++;
        const back = applyA(c, inverse(op));
        const bw = walkTree(L, back.core, report, { strictBands: true });
        const again = describe(bw);
        report.check(again.type === after.type, () => `${where} → ${showOp(inverse(op))}: ${NAME[before.type]} → ${NAME[after.type]} → ${NAME[again.type] ?? again.type} (oscillates)`);
      }
      if (typeof after.type !== 'number') continue;
      const key = `${after.type}/${after.count}/${after.terminal ? 't' : 'f'}`;
      if (seenA.has(key)) continue;
      seenA.set(key, true);
      queue.push({ s: c, path: `${NAME[after.type]}{${after.count}${after.terminal ? '+t' : ''}}` });
    }
  }

  function show(d) {
    return typeof d.type === 'number' ? `${NAME[d.type]} with ${d.count} children${d.terminal ? ' and a terminal' : ''}` : d.type;
  }

  /** The rules from holt-facts §2 with the numbers from src/layout. */
  function expectA(before, op, after) {
    const count = after.bytes.length;
    const terminal = after.terminal;
    if (count === 0) return { type: terminal ? 'leaf' : 'empty', count: 0, terminal: false };
    if (count === 1 && !terminal) return { type: 'leaf', count: 0, terminal: false }; // the one child (a leaf) floats up
    let type = before.type;
    if (op.kind === 'add' && before.count === CAP[type]) type = up(type);
    if (op.kind === 'remove' && SHRINK[type] !== undefined && count <= SHRINK[type]) type = down(type);
    return { type, count, terminal };
  }

  const bands = TYPES.map((t) => {
    const counts = [...seenA.keys()].filter((k) => k.startsWith(`${t}/`)).map((k) => Number(k.split('/')[1]));
    return `${NAME[t]} ${Math.min(...counts)}..${Math.max(...counts)}`;
  }).join(', ');
  report.check(growsSeen >= 3 && shrinksSeen >= 3, `A: only ${growsSeen} grows and ${shrinksSeen} shrinks were exercised`);
  report.check(TYPES.every((t) => [...seenA.keys()].some((k) => k.startsWith(`${t}/${Math.min(CAP[t], maxChildrenA)}/`))), 'A: not every type was filled to capacity (or the fast bound)');

  // ---- B: every sequence of puts and erases over keys that share prefixes ----
  const long = 'L'.repeat(L.PREFIX_MAX_INLINE + 2);
  const universe = (fast
    ? ['', 'a', 'ab', 'abc', 'b/x', 'b/y', `${long}1`, `${long}2`]
    : ['', 'a', 'ab', 'abc', 'abd', 'b', 'b/x', 'b/y', `${long}1`, `${long}2`, `${long.slice(0, 100)}M`]
  ).map((k) => Buffer.from(k, 'latin1'));
  const seenB = new Set();
  let transitionsB = 0;
  let depthB = 0;
  {
    const s0 = fresh();
    checkState(s0, 'B: empty tree');
    seenB.add(walkTree(L, s0.core, report).shape);
    let frontier = [{ s: s0, path: [] }];
    while (frontier.length > 0) {
      depthB++;
      const next = [];
      for (const { s, path } of frontier) {
        for (const key of universe) {
          for (const kind of ['put', 'erase']) {
            const k = key.toString('latin1');
            if (kind === 'erase' && !s.model.has(k)) continue;
            transitionsB++;
            const c = fork(s);
            // A put alternates small and large values: in-place overwrite, then a replacement leaf.
            if (kind === 'put') put(c, key, s.model.get(k)?.size === SMALL ? LARGE : SMALL);
            else del(c, key);
            const where = `B: ${[...path, `${kind}(${JSON.stringify(k.length > 12 ? `${k.slice(0, 4)}…${k.slice(-2)}` : k)})`].join(' ')}`;
            const w = checkState(c, where);
            if (seenB.has(w.shape)) continue;
            seenB.add(w.shape);
            next.push({ s: c, path: [...path, `${kind}(${k.length > 12 ? `${k.slice(0, 4)}…${k.slice(-2)}` : k})`] });
          }
        }
      }
      frontier = next;
    }
  }

  report.claim('N1', 'Inner nodes hold at most their capacity (4/16/48/256, from src/layout), and compaction rebuilds each at the smallest type that holds its children',
    `${n(seenA.size)} (type, count, terminal) states of one node (A), ${n(seenB.size)} tree shapes (B), each also compacted: ${n(compactions)} compactions`);
  report.claim('N2', 'Node4/Node16 keys are sorted and unique; unused key and child slots are zero; Node48 index and Node256 counts agree with the children; lookup finds every key at its own leaf and no absent one',
    `every node of every state read from the frame bytes (${n(statesChecked)} states)`);
  report.claim('N3', 'Adding a child keeps every child reachable, grows only a full node, and only to the next type',
    `${n(transitionsA)} single-node transitions; bands reached: ${bands}`);
  report.claim('N4', 'Shrink with hysteresis: a removal shrinks exactly at the src/layout thresholds, one type down, and the opposite op right after a grow or a shrink never moves the node back',
    `${growsSeen} grows and ${shrinksSeen} shrinks, each followed by its inverse op`);
  report.claim('N5', 'Removing a child preserves the shape: a one-child node without terminal collapses to a Prefix or its leaf; a node left with only its terminal becomes that leaf',
    `${n(transitionsA + transitionsB)} transitions, contents equal to the model after each`);
  report.claim('N6', 'Leaf and prefix splits build a well-formed Node4 under an optional Prefix chain; Prefix nodes hold 1..PREFIX_MAX_INLINE bytes in align8(8 + len) bodies; terminal refs point at leaves whose key ends at the node',
    `all put/erase sequences over ${universe.length} keys sharing prefixes (one ${long.length + 1} bytes, longer than a Prefix): ${n(seenB.size)} shapes, ${n(transitionsB)} transitions, depth ${depthB}`);
  report.claim('N7', 'Every body sits in the data area, 8-aligned, inside the bump cursor, disjoint from the others, logged in the slot table with its type; header key/crossing/byte accounting matches the bodies',
    `${n(statesChecked)} states (the engine's verify() also accepts each)`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkNodeShapes);
}
