// Frame shapes: no subtree is lost or duplicated when the production walker
// moves subtrees between 512 KiB frames (spill, packed spill, split of a packed
// frame, compaction, merge, release of an emptied frame).
//
// After every op the tree is read back from the frame bytes (lib/tree-walk.mjs)
// and must hold exactly the model's records; every root of every frame is
// reached through exactly one Crossing; no allocated frame is unreachable; no
// Crossing leads to a released frame; each frame's header accounting matches
// its bodies; and the engine's own verify() agrees.
//
//  A. Exhaustive: every sequence of puts (120 KB or 60 KB values) and erases
//     over four keys up to a depth, states identified by tree shape plus each
//     frame's space accounting. Large values fill a frame with three or four
//     leaves, so spills, packed spills, compactions and merges happen within a
//     few ops.
//  B. Seeded random walks with thousands of keys of mixed sizes under shared
//     prefixes, growing and then emptying the tree, to reach what needs volume
//     (a packed frame full of roots too small to split, split in two). The
//     tree is checked after every op that moved a subtree and every 64 ops.
// Every kind of move must have happened at least once, or the check fails.
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';
import { loadTreeDriver } from './lib/tree-driver.mjs';
import { loadLayout, walkTree } from './lib/tree-walk.mjs';
import { checkContents } from './lib/contents.mjs';

const EVENTS = ['spill', 'packed spill', 'split', 'compaction', 'merge', 'release'];

export async function checkFrameShapes({ dist, fast = false }) {
  const report = new Report('frame shapes', 'verified/frame-shapes.mjs');
  const L = await loadLayout(dist);
  const { verifyTree } = await load(dist, 'art/verify.js');
  const { put, del, fresh, fork } = await loadTreeDriver(dist, report);
  const events = Object.fromEntries(EVENTS.map((e) => [e, 0]));
  let checked = 0;

  /** What moved between two observations of a tree (counters, frames and their roots). */
  const observe = (core) => {
    const roots = new Map();
    for (const id of core.pager.liveIds()) roots.set(id, core.pager.frames[id].rootCount);
    return { counters: { ...core.counters }, roots };
  };
  const classify = (before, after) => {
    const found = [];
    const d = (k) => after.counters[k] - before.counters[k];
    if (d('spillovers') > 0) {
      const fresh = [...after.roots.keys()].filter((id) => !before.roots.has(id));
      const shrunk = [...before.roots].some(([id, r]) => after.roots.has(id) && after.roots.get(id) < r && id !== [...before.roots.keys()][0]);
      if (shrunk) found.push('split');
      else if (fresh.some((id) => after.roots.get(id) > 1)) found.push('packed spill');
      else found.push('spill');
    }
    if (d('compactions') > 0) found.push('compaction');
    if (d('merges') > 0) found.push('merge');
    if (d('framesReleased') > d('merges')) found.push('release');
    for (const e of found) events[e]++;
    return found;
  };

  const checkState = (s, where) => {
    checked++;
    const w = walkTree(L, s.core, report);
    checkContents(report, w.leaves, s.model, where);
    const v = verifyTree(s.core);
    report.check(v.ok, () => `${where}: the engine's own verify() rejects the state: ${v.errors[0]}`);
    report.check(s.core.keyCount === s.model.size, () => `${where}: the tree counts ${s.core.keyCount} keys, the model ${s.model.size}`);
    return w;
  };
  const stateKey = (w) => `${w.shape}|${w.frames.map((f) => `${f.liveBytes}/${f.reclaimable}/${f.slots}`).join(',')}`;

  // ---- A: exhaustive over four keys with frame-filling values ----
  const keysA = ['a/1', 'a/2', 'b/1', 'b/2'].map((k) => Buffer.from(k));
  const sizesA = [120_000, 60_000];
  // Two roots: the empty tree, and the four keys at 120 KB, which has just spilled one
  // directory into a child frame (so merges and releases are a few erases away).
  const depthA = fast ? 4 : 6;
  const seen = new Set();
  let transitionsA = 0;
  let maxFramesA = 1;
  const rootsA = [{ label: 'empty', puts: [] }, { label: 'four 120 KB keys', puts: keysA }];
  for (const root of rootsA) {
    const s0 = fresh();
    for (const key of root.puts) put(s0, key, sizesA[0]);
    seen.add(stateKey(checkState(s0, `A: ${root.label}`)));
    let frontier = [{ s: s0, path: [root.label, ':'] }];
    for (let depth = 1; depth <= depthA && frontier.length > 0; depth++) {
      const next = [];
      for (const { s, path } of frontier) {
        const ops = [];
        for (const key of keysA) {
          for (const size of sizesA) ops.push({ kind: 'put', key, size });
          if (s.model.has(key.toString('latin1'))) ops.push({ kind: 'erase', key });
        }
        for (const op of ops) {
          transitionsA++;
          const c = fork(s);
          const step = `${op.kind}(${op.key}${op.size ? `, ${op.size / 1000} KB` : ''})`;
          const where = `A: ${[...path, step].join(' ')}`;
          const before = observe(c.core);
          try {
            if (op.kind === 'put') put(c, op.key, op.size);
            else del(c, op.key);
          } catch (e) {
            report.check(false, `${where}: threw ${e.message}`);
            continue;
          }
          const moved = classify(before, observe(c.core));
          const w = checkState(c, moved.length > 0 ? `${where} [${moved.join(', ')}]` : where);
          maxFramesA = Math.max(maxFramesA, w.frames.length);
          const k = stateKey(w);
          if (seen.has(k)) continue;
          seen.add(k);
          next.push({ s: c, path: [...path, step] });
        }
      }
      frontier = next;
    }
  }
  const eventsA = { ...events };

  // ---- B: seeded random walks with volume ----
  // Odd seeds: sixteen directories of one-byte names with values under 1 KB.
  // Each directory's subtree has no edge big enough to move alone, so a packed
  // frame of them that fills up must split, and emptying them later (their
  // parent still full) releases frames instead of merging them.
  // Even seeds: path-shaped names under a dozen directories, values up to 20 KB.
  const walks = fast ? 2 : 6;
  const growOps = fast ? 4_000 : 9_000;
  let opsB = 0;
  let maxFramesB = 0;
  for (let seed = 1; seed <= walks; seed++) {
    let rng = seed * 0x9e3779b1;
    const rand = (m) => {
      rng ^= rng << 13; rng ^= rng >>> 17; rng ^= rng << 5;
      return (rng >>> 0) % m;
    };
    const wide = seed % 2 === 1;
    const s = fresh();
    const keys = [];
    const step = (i, what, fn) => {
      const before = observe(s.core);
      fn();
      opsB++;
      const moved = classify(before, observe(s.core));
      if (moved.length > 0 || i % 64 === 0) {
        const w = checkState(s, `B seed ${seed} op ${i} ${what}${moved.length > 0 ? ` [${moved.join(', ')}]` : ''}`);
        maxFramesB = Math.max(maxFramesB, w.frames.length);
      }
    };
    // Grow (path-shaped: one erase in eight), then erase everything.
    for (let i = 0; i < growOps && report.failed === 0; i++) {
      if (!wide && keys.length > 0 && rand(8) === 0) {
        const at = rand(keys.length);
        const key = keys[at];
        keys[at] = keys[keys.length - 1];
        keys.pop();
        step(i, `erase(${key})`, () => del(s, key));
        continue;
      }
      const key = wide
        ? Buffer.from([0x77, 0x30 + rand(16), rand(256)])
        : Buffer.from(`d${rand(12)}/${rand(4) === 0 ? `sub${rand(8)}/` : ''}f${String(rand(5000)).padStart(4, '0')}`);
      const size = wide ? [200, 600, 900][rand(3)] : [8, 40, 200, 900, 3000, 20_000][rand(6)];
      if (!s.model.has(key.toString('latin1'))) keys.push(key);
      step(i, `put(${key}, ${size})`, () => put(s, key, size));
    }
    // Wide: directory by directory, so a packed frame loses whole roots while its parent is still full.
    if (wide) keys.sort((a, b) => Buffer.compare(b, a));
    for (let i = 0; keys.length > 0 && report.failed === 0; i++) {
      const at = wide ? keys.length - 1 : keys.length - 1 - rand(Math.min(keys.length, 8));
      const key = keys[at];
      keys[at] = keys[keys.length - 1];
      keys.pop();
      step(i, `erase(${key})`, () => del(s, key));
    }
    checkState(s, `B seed ${seed}: end`);
    report.check(s.core.pager.liveIds().length === 1, `B seed ${seed}: an empty tree still holds ${s.core.pager.liveIds().length} frames`);
  }

  for (const e of EVENTS) report.check(events[e] > 0, `no ${e} happened: the bounds no longer exercise it`);
  const eventText = (ev) => EVENTS.map((e) => `${n(ev[e])} ${e}${ev[e] === 1 ? '' : e.endsWith('h') ? 'es' : 's'}`).join(', ');
  report.claim('F1', 'No subtree is lost or duplicated by a spill, packed spill, split, compaction or merge: after each, the frames hold exactly the written records, every frame root is reached through exactly one Crossing, and no frame is leaked or used after release',
    `A: all sequences of ${depthA} puts/erases over 4 keys from 2 roots, ${n(seen.size)} states, ${n(transitionsA)} transitions, up to ${maxFramesA} frames (${eventText(eventsA)}); ` +
    `B: ${walks} random walks, ${n(opsB)} ops, up to ${maxFramesB} frames (${eventText(Object.fromEntries(EVENTS.map((e) => [e, events[e] - eventsA[e]])))}); ${n(checked)} states read back`);
  report.claim('F2', 'Frame headers stay exact across moves: keys, crossings, live bytes and root counts match the bodies reached',
    `every one of the ${n(checked)} states above`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkFrameShapes);
}
