// Exhaustive check of the ART inner-node shape rules (holt-facts §1.5, §2, §11 items 1,
// 4, 5). The rules are written here as a table; the engine (src/layout, src/art) must use
// the same constants: grow Node4→16 at the 5th child, →48 at the 17th, →256 at the 49th;
// shrink 256→48 at ≤37 children, 48→16 at ≤12, 16→4 at ≤3; 1 child → unary Prefix,
// 0 children → the subtree is gone.
//
// Plain JS, no build needed: node verified/node-shapes.mjs
import { fileURLToPath } from 'node:url';

/**
 * Inner node kinds: tag, capacity and the byte layout of the body. Every body has
 * `count` (u8) at +0 and `node_type` (u8) at +1.
 */
export const KINDS = {
  Node4: {
    tag: 4,
    capacity: 4,
    bodySize: 16,
    fields: [
      { name: 'count', offset: 0, size: 1 },
      { name: 'node_type', offset: 1, size: 1 },
      { name: 'keys', offset: 4, size: 4 },
      { name: 'children', offset: 8, size: 4 * 2 },
    ],
  },
  Node16: {
    tag: 5,
    capacity: 16,
    bodySize: 56,
    fields: [
      { name: 'count', offset: 0, size: 1 },
      { name: 'node_type', offset: 1, size: 1 },
      { name: 'keys', offset: 8, size: 16 },
      { name: 'children', offset: 24, size: 16 * 2 },
    ],
  },
  Node48: {
    tag: 6,
    capacity: 48,
    bodySize: 360,
    fields: [
      { name: 'count', offset: 0, size: 1 },
      { name: 'node_type', offset: 1, size: 1 },
      { name: 'index', offset: 8, size: 256 },
      { name: 'children', offset: 264, size: 48 * 2 },
    ],
  },
  Node256: {
    tag: 7,
    capacity: 256,
    bodySize: 520,
    fields: [
      { name: 'count', offset: 0, size: 1 },
      { name: 'node_type', offset: 1, size: 1 },
      { name: 'children', offset: 8, size: 256 * 2 },
    ],
  },
};

/** Smallest to largest. */
export const ORDER = ['Node4', 'Node16', 'Node48', 'Node256'];

/** Grow when a full node receives one more child: the `atChild`-th child moves it to `to`. */
export const GROW = [
  { from: 'Node4', to: 'Node16', atChild: 5 },
  { from: 'Node16', to: 'Node48', atChild: 17 },
  { from: 'Node48', to: 'Node256', atChild: 49 },
];

/** Shrink with hysteresis when a removal leaves `atMost` children or fewer. */
export const SHRINK = [
  { from: 'Node256', to: 'Node48', atMost: 37 },
  { from: 'Node48', to: 'Node16', atMost: 12 },
  { from: 'Node16', to: 'Node4', atMost: 3 },
];

/** Pseudo-kinds below Node4. */
const UNARY = 'UnaryPrefix';
const GONE = 'Gone';
const MAX_CHILDREN = 256;

export function capacity(kind) {
  if (kind === GONE) return 0;
  if (kind === UNARY) return 1;
  return KINDS[kind].capacity;
}

/** The smallest shape for `n` live children (compaction rebuilds nodes with it). */
export function packedShape(n) {
  if (n === 0) return GONE;
  if (n === 1) return UNARY;
  if (n <= 4) return 'Node4';
  if (n <= 16) return 'Node16';
  if (n <= 48) return 'Node48';
  return 'Node256';
}

/** The kind after adding one child to a `kind` node holding `n` children. */
export function afterInsert(kind, n) {
  const rule = GROW.find((r) => r.from === kind && r.atChild === n + 1);
  return rule ? rule.to : kind;
}

/** The kind after a removal leaves a `kind` node with `n` children. */
export function afterRemove(kind, n) {
  if (n === 0) return GONE;
  if (n === 1) return UNARY;
  const rule = SHRINK.find((r) => r.from === kind && n <= r.atMost);
  return rule ? rule.to : kind;
}

export function checkNodeShapes({ log = console.log } = {}) {
  const violations = [];
  let checks = 0;
  const check = (ok, message) => {
    checks++;
    if (!ok) violations.push(message);
  };

  // Layout: fields inside the body, disjoint, count and node_type where every reader
  // looks; bodies 8-byte aligned; keys and children sized by capacity.
  for (const [name, kind] of Object.entries(KINDS)) {
    check(kind.bodySize % 8 === 0, `${name}: body size ${kind.bodySize} not a multiple of 8`);
    const fields = [...kind.fields].sort((a, b) => a.offset - b.offset);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      check(f.offset + f.size <= kind.bodySize, `${name}.${f.name} ends past the body`);
      if (i > 0) check(fields[i - 1].offset + fields[i - 1].size <= f.offset, `${name}.${f.name} overlaps ${fields[i - 1].name}`);
    }
    const field = (n) => kind.fields.find((f) => f.name === n);
    check(field('count')?.offset === 0 && field('node_type')?.offset === 1, `${name}: count/node_type not at +0/+1`);
    check(field('children')?.size === kind.capacity * 2, `${name}: children array is not capacity × u16`);
    if (field('keys')) check(field('keys').size === kind.capacity, `${name}: keys array is not capacity bytes`);
    if (field('index')) {
      check(field('index').size === 256, `${name}: index is not 256 bytes`);
      check(kind.capacity <= 255, `${name}: a 1-based child index must fit a u8`);
    }
    // count is a u8: exact for every kind but Node256, whose count saturates at 255
    // and whose real population is its non-zero children.
    check(kind.capacity <= 255 || name === 'Node256', `${name}: count u8 cannot hold capacity ${kind.capacity}`);
  }
  check(new Set(Object.values(KINDS).map((k) => k.tag)).size === ORDER.length, 'node tags are not unique');
  for (let i = 1; i < ORDER.length; i++) {
    check(capacity(ORDER[i - 1]) < capacity(ORDER[i]), `${ORDER[i]} is not larger than ${ORDER[i - 1]}`);
  }

  // Rule table shape: grow exactly when full, to the next kind; shrink one kind down.
  for (const r of GROW) {
    check(r.atChild === capacity(r.from) + 1, `grow ${r.from}: at child ${r.atChild}, expected capacity + 1`);
    check(ORDER.indexOf(r.to) === ORDER.indexOf(r.from) + 1, `grow ${r.from} → ${r.to} skips a kind`);
    check(capacity(r.to) >= r.atChild, `grow ${r.from} → ${r.to}: no room for child ${r.atChild}`);
  }
  for (const r of SHRINK) {
    check(ORDER.indexOf(r.to) === ORDER.indexOf(r.from) - 1, `shrink ${r.from} → ${r.to} skips a kind`);
    check(r.atMost < capacity(r.to), `shrink ${r.from} → ${r.to} at ≤${r.atMost}: no room left for one insert`);
    check(r.atMost >= 2, `shrink ${r.from} at ≤${r.atMost} would fight the unary-prefix rule`);
  }

  for (let n = 0; n <= MAX_CHILDREN; n++) {
    // §11.1: the packed shape for n children fits, and is the smallest that does.
    const packed = packedShape(n);
    check(capacity(packed) >= n, `packed shape ${packed} cannot hold ${n}`);
    if (n >= 2) {
      const smaller = ORDER[ORDER.indexOf(packed) - 1];
      check(smaller === undefined || capacity(smaller) < n, `packed shape for ${n} is ${packed}, but ${smaller} fits`);
    }
    for (const kind of ORDER) {
      // §11.4: inserting into a node with n < 256 children lands in a kind with room.
      if (n <= capacity(kind) && n < MAX_CHILDREN) {
        const grown = afterInsert(kind, n);
        check(capacity(grown) >= n + 1, `insert into ${kind}(${n}) → ${grown} cannot hold ${n + 1}`);
        check(grown === kind || n === capacity(kind), `insert into ${kind}(${n}) grew before the node was full`);
        // No thrash: right after a grow, one removal does not shrink back.
        if (grown !== kind) {
          check(afterRemove(grown, n) === grown, `grow ${kind} → ${grown} at ${n + 1} shrinks again after one removal`);
        }
      }
      // §11.5: a removal leaving n children lands in a kind that holds n.
      if (n < capacity(kind)) {
        const shrunk = afterRemove(kind, n);
        check(capacity(shrunk) >= n, `removal leaving ${kind}(${n}) → ${shrunk} cannot hold ${n}`);
        // No thrash: right after a shrink, one insert does not grow back.
        if (shrunk !== kind && n >= 2) {
          check(afterInsert(shrunk, n) === shrunk, `shrink ${kind} → ${shrunk} at ${n} grows again after one insert`);
        }
      }
    }
  }

  // Every (kind, count) reachable by single inserts and removals from a fresh two-child
  // Node4 (what a leaf split builds): the count always fits, and hysteresis keeps a node
  // at most one kind above its packed shape.
  const key = (k, n) => `${k}/${n}`;
  const seen = new Set([key('Node4', 2)]);
  const queue = [['Node4', 2]];
  const bands = Object.fromEntries(ORDER.map((k) => [k, [Infinity, -Infinity]]));
  while (queue.length > 0) {
    const [kind, n] = queue.shift();
    bands[kind] = [Math.min(bands[kind][0], n), Math.max(bands[kind][1], n)];
    check(n >= 2 && n <= capacity(kind), `reachable ${kind}(${n}) does not fit`);
    const above = ORDER.indexOf(kind) - ORDER.indexOf(packedShape(n));
    check(above === 0 || above === 1, `reachable ${kind}(${n}) is ${above} kinds above its packed shape`);
    const nexts = [];
    if (n < MAX_CHILDREN) nexts.push([afterInsert(kind, n), n + 1]);
    const r = afterRemove(kind, n - 1);
    if (r !== UNARY && r !== GONE) nexts.push([r, n - 1]);
    for (const [k, m] of nexts) {
      if (!seen.has(key(k, m))) {
        seen.add(key(k, m));
        queue.push([k, m]);
      }
    }
  }
  const bandText = ORDER.map((k) => `${k} ${bands[k][0]}..${bands[k][1]}`).join(', ');
  log(`  node shapes: ${seen.size} reachable (kind, count) states; bands: ${bandText}`);
  return { checks, reachable: seen.size, violations };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { checks, reachable, violations } = checkNodeShapes();
  console.log(`node shapes: ${checks} checks, ${reachable} reachable states, ${violations.length} violations`);
  for (const v of violations) console.error(`VIOLATION ${v}`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
