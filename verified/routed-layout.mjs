// Routed layout: the image a checkpoint writes of a frame (src/art/routed-image.ts)
// holds exactly the frame's tree, laid out as its header promises, and a
// header whose layout fields cannot be trusted is read the old way.
//
//  A. Seeded random walks with the production walker (spills, compactions,
//     merges, erases that leave dead bytes and free lists; keys under shared
//     prefixes, values from 8 bytes to 9 KB so that some leaves are larger
//     than a page). Every 200 ops every frame is rewritten as its routed
//     image and the whole tree is read back from the images with the
//     independent reader (lib/tree-walk.mjs): the same records, header
//     accounting exact, every body in the slot table, bodies disjoint, and
//     the engine's verify() agrees. On each image: every inner node
//     (Prefix, Node4..256, Crossing, EmptyRoot) lies inside the routing
//     region [DATA_START, routing end), packed without gaps; every leaf lies
//     in [leaf start, space used); with LAYOUT_LEAVES_ALIGNED the leaf region
//     starts on a page, a leaf of at most a page lies within one page and a
//     larger one starts on a page boundary.
//  B. Exhaustive over the header's layout fields (flags, routing end, leaf
//     start, space used, each from a set of boundary values): the reader
//     trusts the routed layout (Frame.routingRegionEnd != 0) exactly when
//     the flag is set and DATA_START < routing end <= leaf start <= space
//     used <= FRAME_SIZE; otherwise the frame is legacy and read the old way.
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';
import { loadTreeDriver } from './lib/tree-driver.mjs';
import { loadLayout, walkTree } from './lib/tree-walk.mjs';
import { checkContents } from './lib/contents.mjs';
import { cloneCore } from './lib/check-pager.mjs';

const PAGE = 4096;

export async function checkRoutedLayout({ dist, fast = false }) {
  const report = new Report('routed layout', 'verified/routed-layout.mjs');
  const L = await loadLayout(dist);
  const { verifyTree } = await load(dist, 'art/verify.js');
  const { writeRoutedImage } = await load(dist, 'art/routed-image.js');
  const { Frame } = await load(dist, 'layout/frame.js');
  const { TreeCore } = await load(dist, 'art/tree-core.js');
  const { put, del, fresh } = await loadTreeDriver(dist, report);
  let images = 0;
  let aligned = 0;
  let packed = 0;
  let bigLeaves = 0;
  let states = 0;
  let withCrossings = 0;

  /** The tree of `s` with every frame replaced by its routed image, read back and checked. */
  const checkImages = (s, where) => {
    states++;
    const core = cloneCore(TreeCore, s.core);
    const pager = core.pager;
    for (const id of pager.liveIds()) {
      const image = new Frame(id, new ArrayBuffer(L.FRAME_SIZE));
      writeRoutedImage(pager.frames[id], image);
      pager.frames[id] = image;
      images++;
    }
    const w = walkTree(L, core, report);
    checkContents(report, w.leaves, s.model, `${where} (images)`);
    const v = verifyTree(core);
    report.check(v.ok, () => `${where}: verify() rejects the images: ${v.errors[0]}`);
    const byFrame = new Map();
    for (const node of w.nodes) {
      let list = byFrame.get(node.frame);
      if (list === undefined) byFrame.set(node.frame, (list = []));
      list.push(node);
    }
    for (const [id, nodes] of byFrame) {
      const dv = new DataView(pager.frames[id].bytes);
      const flags = dv.getUint32(L.H_LAYOUT, true);
      const routingEnd = dv.getUint32(L.H_ROUTING_END, true);
      const leafStart = dv.getUint32(L.H_LEAF_START, true);
      const used = dv.getUint32(L.H_SPACE_USED, true);
      const at = `${where}: image of frame ${id}`;
      report.check((flags & L.LAYOUT_ROUTED) !== 0, () => `${at}: not flagged routed`);
      report.check(pager.frames[id].routingRegionEnd === routingEnd, () => `${at}: the reader does not trust its own layout fields`);
      if ((flags & L.LAYOUT_LEAVES_ALIGNED) !== 0) aligned++;
      else packed++;
      if (dv.getUint32(L.H_CROSSINGS, true) > 0) withCrossings++;
      let innerBytes = 0;
      for (const node of nodes) {
        const end = node.off + node.size;
        if (node.type !== L.NODE_LEAF) {
          innerBytes += node.size;
          report.check(node.off >= L.DATA_START && end <= routingEnd, () => `${at}: inner node type ${node.type} @${node.off} outside the routing region [${L.DATA_START}, ${routingEnd})`);
          continue;
        }
        report.check(node.off >= leafStart && end <= used, () => `${at}: leaf @${node.off} outside the leaf region [${leafStart}, ${used})`);
        if ((flags & L.LAYOUT_LEAVES_ALIGNED) === 0) continue;
        if (node.size > PAGE) {
          bigLeaves++;
          report.check(node.off % PAGE === 0, () => `${at}: leaf of ${node.size} bytes @${node.off} does not start on a page`);
        } else {
          report.check(Math.floor(node.off / PAGE) === Math.floor((end - 1) / PAGE), () => `${at}: leaf of ${node.size} bytes @${node.off} straddles a page`);
        }
      }
      report.check(routingEnd === L.DATA_START + innerBytes, () => `${at}: routing region ends at ${routingEnd}, its ${innerBytes} bytes of inner nodes end at ${L.DATA_START + innerBytes}`);
      if ((flags & L.LAYOUT_LEAVES_ALIGNED) !== 0) report.check(leafStart % PAGE === 0, () => `${at}: aligned leaf region starts at ${leafStart}, not on a page`);
    }
  };

  // ---- A: random walks ----
  const walks = fast ? 2 : 6;
  const ops = fast ? 3_000 : 8_000;
  let opsA = 0;
  for (let seed = 1; seed <= walks; seed++) {
    let rng = seed * 0x2545f491;
    const rand = (m) => {
      rng ^= rng << 13; rng ^= rng >>> 17; rng ^= rng << 5;
      return (rng >>> 0) % m;
    };
    const s = fresh();
    const keys = [];
    for (let i = 1; i <= ops && report.failed === 0; i++) {
      opsA++;
      if (keys.length > 0 && rand(5) === 0) {
        const at = rand(keys.length);
        const key = keys[at];
        keys[at] = keys[keys.length - 1];
        keys.pop();
        del(s, key);
      } else {
        const key = Buffer.from(`b${rand(6)}/${rand(3) === 0 ? `d${rand(20)}/` : ''}f${String(rand(4000)).padStart(4, '0')}`);
        const size = [8, 55, 55, 200, 900, 3000, 4200, 9000][rand(8)];
        if (!s.model.has(key.toString('latin1'))) keys.push(key);
        put(s, key, size);
      }
      if (i % 200 === 0) checkImages(s, `A seed ${seed} op ${i}`);
    }
    checkImages(s, `A seed ${seed}: end`);
  }
  report.check(aligned > 0 && withCrossings > 0 && bigLeaves > 0, `the walks no longer reach aligned images (${aligned}), frames with crossings (${withCrossings}) and leaves over a page (${bigLeaves})`);

  // ---- B: which headers the reader trusts ----
  const ends = [0, L.DATA_START - 8, L.DATA_START, L.DATA_START + 8, 0x10000, 0x10008, L.FRAME_SIZE, L.FRAME_SIZE + 8];
  const probe = new Frame(1, new ArrayBuffer(L.FRAME_SIZE));
  let combos = 0;
  let trusted = 0;
  for (let flags = 0; flags < 4; flags++) {
    for (const routingEnd of ends) for (const leafStart of ends) for (const used of ends) {
      combos++;
      probe.setLayout(flags, routingEnd, leafStart);
      probe.u32[L.H_SPACE_USED >>> 2] = used;
      const ok = (flags & L.LAYOUT_ROUTED) !== 0 && routingEnd > L.DATA_START && routingEnd <= leafStart && leafStart <= used && used <= L.FRAME_SIZE;
      const got = probe.routingRegionEnd;
      if (ok) trusted++;
      report.check(got === (ok ? routingEnd : 0), () => `flags ${flags}, routing end ${routingEnd}, leaf start ${leafStart}, space used ${used}: the reader says ${got}`);
    }
  }

  report.claim('RL1', 'A routed image holds exactly its frame\'s tree: the same records, exact header accounting, slot table and disjoint bodies, accepted by verify()',
    `${walks} random walks, ${n(opsA)} ops, ${n(states)} trees rewritten as images (${n(images)} frame images)`);
  report.claim('RL2', 'Every inner node of a routed image lies in its routing region, packed; every leaf in its leaf region; with aligned leaves none of at most a page straddles a page and larger ones start on one',
    `the ${n(images)} images above: ${n(aligned)} with aligned leaves, ${n(packed)} packed (padding did not fit), ${n(withCrossings)} with crossings, ${n(bigLeaves)} leaves over a page`);
  report.claim('RL3', 'A header whose layout fields are not a consistent routed layout is legacy: the reader walks it the old way',
    `all ${n(combos)} combinations of flags and boundary values of routing end, leaf start and space used (${n(trusted)} trusted)`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkRoutedLayout);
}
