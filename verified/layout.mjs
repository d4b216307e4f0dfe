// Byte layout: the structure of src/layout's constants and helpers, checked over
// their whole domain where it is finite (every child ref, every slot entry,
// every leaf and prefix size). test/layout pins the numbers; this checks what
// the numbers must satisfy for the engine to work, whatever they are: fields
// inside their body, disjoint and aligned; arrays sized by capacity; sizes that
// cover their payload (original invariant 12); refs and slot entries that round
// trip; the largest leaf fits a frame.
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';
import { loadLayout } from './lib/tree-walk.mjs';

export async function checkLayout({ dist }) {
  const report = new Report('byte layout', 'verified/layout.mjs');
  const L = await loadLayout(dist);
  const { encodeRef, decodeRef, NULL_REF } = await load(dist, 'layout/child-ref.js');
  let domain = 0;

  // Fields of one structure: [name, offset, bytes]. Inside `size`, disjoint, aligned to their width.
  const fieldsOk = (what, size, fields) => {
    const sorted = [...fields].sort((a, b) => a[1] - b[1]);
    for (let i = 0; i < sorted.length; i++) {
      const [name, off, bytes] = sorted[i];
      report.check(off >= 0 && off + bytes <= size, `${what}.${name} [${off}, ${off + bytes}) is outside the ${size}-byte body`);
      const width = Math.min(bytes, 8);
      if ([2, 4, 8].includes(width)) report.check(off % width === 0, `${what}.${name} at ${off} is not ${width}-aligned`);
      if (i > 0) report.check(sorted[i - 1][1] + sorted[i - 1][2] <= off, `${what}.${name} overlaps ${what}.${sorted[i - 1][0]}`);
    }
  };
  const common = [['count', L.INNER_COUNT, 1], ['type', L.NODE_TYPE_OFFSET, 1], ['terminal', L.INNER_TERMINAL, 2]];
  const inner = [
    ['Node4', L.NODE_4, L.N4_SIZE, L.N4_CAPACITY, [...common, ['keys', L.N4_KEYS, L.N4_CAPACITY], ['children', L.N4_CHILDREN, 2 * L.N4_CAPACITY]]],
    ['Node16', L.NODE_16, L.N16_SIZE, L.N16_CAPACITY, [...common, ['keys', L.N16_KEYS, L.N16_CAPACITY], ['children', L.N16_CHILDREN, 2 * L.N16_CAPACITY]]],
    ['Node48', L.NODE_48, L.N48_SIZE, L.N48_CAPACITY, [...common, ['index', L.N48_INDEX, 256], ['children', L.N48_CHILDREN, 2 * L.N48_CAPACITY]]],
    ['Node256', L.NODE_256, L.N256_SIZE, L.N256_CAPACITY, [...common, ['count16', L.N256_COUNT, 2], ['children', L.N256_CHILDREN, 2 * 256]]],
  ];
  for (const [name, type, size, cap, fields] of inner) {
    fieldsOk(name, size, fields);
    report.check(size % 8 === 0, `${name} size ${size} is not a multiple of 8 (bodies stay 8-aligned)`);
    report.check(L.innerSize(type) === size && L.innerCapacity(type) === cap, `${name}: innerSize/innerCapacity disagree with its constants`);
  }
  report.check(L.N48_CAPACITY <= 255, 'a Node48 child index (1-based) must fit its u8 index bytes');
  report.check(L.N4_CAPACITY < L.N16_CAPACITY && L.N16_CAPACITY < L.N48_CAPACITY && L.N48_CAPACITY < L.N256_CAPACITY && L.N256_CAPACITY === 256,
    'capacities must increase, Node256 holding every byte');
  const caps = inner.map(([, type, , cap]) => [type, cap]);
  for (let c = 0; c <= 256; c++) {
    const smallest = caps.find(([, cap]) => cap >= c)[0];
    report.check(L.innerTypeFor(c) === smallest, () => `innerTypeFor(${c}) is ${L.innerTypeFor(c)}, the smallest type holding ${c} is ${smallest}`);
    domain++;
  }

  // Leaf: header fields, then key and value; align8(16 + key + value) over the whole domain.
  fieldsOk('Leaf', L.LEAF_HEADER_SIZE, [['type', L.NODE_TYPE_OFFSET, 1], ['keyLen', L.LEAF_KEY_LEN, 2], ['valueLen', L.LEAF_VALUE_LEN, 4], ['version', L.LEAF_VERSION, 8]]);
  report.check(L.MAX_KEY_BYTES < 2 ** 16 && L.MAX_VALUE_BYTES < 2 ** 32, 'key/value limits must fit their u16/u32 length fields');
  const leafOk = (k, v) => {
    const s = L.leafSize(k, v);
    const need = L.LEAF_HEADER_SIZE + k + v;
    return s >= need && s < need + 8 && s % 8 === 0;
  };
  // leafSize is checked for every (key, value) pair with one side below 16 and the
  // other over its whole range, and for every total size: 2.6 M calls, all of them.
  for (let k = 0; k <= L.MAX_KEY_BYTES; k++) {
    for (let v = 0; v < 16; v++) { report.check(leafOk(k, v), () => `leafSize(${k}, ${v}) = ${L.leafSize(k, v)} does not cover its payload`); domain++; }
  }
  for (let v = 0; v <= L.MAX_VALUE_BYTES; v++) {
    for (let k = 0; k < 16; k++) { report.check(leafOk(k, v), () => `leafSize(${k}, ${v}) = ${L.leafSize(k, v)} does not cover its payload`); domain++; }
  }
  const biggest = L.leafSize(L.MAX_KEY_BYTES, L.MAX_VALUE_BYTES);
  report.check(3 * biggest <= L.DATA_AREA_BYTES - L.CROSSING_RESERVE, `three largest leaves (${biggest} bytes each) do not fit one frame`);

  // Prefix: header then bytes; align8(8 + len) covers 1..PREFIX_MAX_INLINE.
  fieldsOk('Prefix', L.PREFIX_BYTES, [['type', L.NODE_TYPE_OFFSET, 1], ['len', L.PREFIX_LEN, 2], ['child', L.PREFIX_CHILD, 2]]);
  for (let len = 1; len <= L.PREFIX_MAX_INLINE; len++) {
    const s = L.prefixSize(len);
    report.check(s >= L.PREFIX_BYTES + len && s < L.PREFIX_BYTES + len + 8 && s % 8 === 0, () => `prefixSize(${len}) = ${s}`);
    domain++;
  }
  fieldsOk('Crossing', L.CROSSING_SIZE, [['type', L.NODE_TYPE_OFFSET, 1], ['root', L.CROSSING_ROOT, 2], ['childFrame', L.CROSSING_CHILD_FRAME, 4]]);
  report.check(L.CROSSING_SIZE <= L.CROSSING_RESERVE, 'the reserve at the end of a frame must hold a Crossing');
  report.check(L.CROSSING_SIZE % 8 === 0 && L.EMPTY_ROOT_SIZE % 8 === 0, 'fixed bodies must be multiples of 8');

  // Child refs: every 8-aligned offset of the data area round-trips through a nonzero u16.
  report.check(NULL_REF === 0 && encodeRef(L.DATA_START) === 1, 'ref 0 must mean "no child" and the first body must be ref 1');
  for (let off = L.DATA_START; off < L.DATA_END; off += 8) {
    const r = encodeRef(off);
    report.check(r >= 1 && r <= 0xffff && decodeRef(r) === off, () => `child ref of offset ${off} is ${r}, decoding to ${decodeRef(r)}`);
    domain++;
  }

  // Slot entries: every 8-aligned offset of the frame and every node type round-trips.
  report.check(L.SLOT_TABLE_START + 4 * L.MAX_SLOTS <= L.DATA_START, 'the slot table runs into the data area');
  report.check((L.FRAME_SIZE >>> 3) <= 2 ** L.SLOT_OFFSET_BITS, 'slot offsets do not fit their bits');
  for (let type = L.NODE_FREE; type <= L.NODE_EMPTY_ROOT; type++) {
    for (let off = 0; off < L.FRAME_SIZE; off += 8) {
      const e = L.encodeSlot(off, type);
      report.check(L.slotOffset(e) === off && L.slotType(e) === type, () => `slot entry of (${off}, ${type}) decodes to (${L.slotOffset(e)}, ${L.slotType(e)})`);
      domain++;
    }
  }

  // Header page: fields inside it, disjoint, aligned; the extra roots and free lists fit.
  fieldsOk('header', L.HEADER_SIZE, [
    ['magic', L.H_MAGIC, 4], ['version', L.H_VERSION, 2], ['frameId', L.H_FRAME_ID, 4], ['treeId', L.H_TREE_ID, 4],
    ['checksum', L.H_CHECKSUM, 4], ['rootRef', L.H_ROOT_REF, 2], ['rootCount', L.H_ROOT_COUNT, 2], ['spaceUsed', L.H_SPACE_USED, 4],
    ['slotsUsed', L.H_SLOTS_USED, 4], ['deadBytes', L.H_DEAD_BYTES, 4], ['freeListBytes', L.H_FREE_LIST_BYTES, 4],
    ['crossings', L.H_CROSSINGS, 4], ['compactions', L.H_COMPACTIONS, 4], ['baseDepth', L.H_BASE_DEPTH, 4],
    ['liveKeys', L.H_LIVE_KEYS, 4], ['maxVersion', L.H_MAX_VERSION, 8], ['freeListHeads', L.H_FREE_LIST_HEADS, 4 * L.FREE_LIST_COUNT],
    ['extraRoots', L.H_EXTRA_ROOTS, 2 * (L.MAX_ROOTS - 1)],
  ]);
  report.check(L.FREE_LIST_COUNT >= L.NODE_EMPTY_ROOT, 'one free list per node type');
  report.check(L.HEADER_SIZE <= L.SLOT_TABLE_START && L.DATA_AREA_BYTES === L.DATA_END - L.DATA_START && L.DATA_END === L.FRAME_SIZE,
    'header, slot table and data area must tile the frame');

  report.claim('L1', 'Every node body layout (inner nodes, leaf, prefix, crossing, frame header) has its fields inside the body, disjoint and aligned; arrays sized by capacity; sizes multiples of 8',
    'all structures of src/layout');
  report.claim('L2', 'align8(16 + key + value) covers the payload and is 8-aligned (original invariant 12); prefix bodies likewise; the largest leaf fits a frame three times',
    `${n(domain)} values of the finite domains checked one by one: leafSize, prefixSize, innerTypeFor, every child ref, every slot entry`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkLayout);
}
