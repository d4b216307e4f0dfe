// Prefix liveness (original invariant 11, two-state here): the public
// Tree.isPrefixEmpty of the production build never answers "empty" for a
// prefix some live key starts with, and never "not empty" for one no key
// starts with, whatever the frame structure under it.
//
// For every subset of a key universe, three trees through DB.memory():
//  - small values put in key order (one frame, prefix compression decides),
//  - 120 KB values put in reverse order (keys spread over frames: the prefix
//    can end inside a Prefix node, at a Crossing, at a packed frame's root),
//  - the whole universe at 120 KB, then the keys not in the subset erased
//    (shapes left by erases, merges and released frames).
// Each is asked about every prefix of every universe key, and each of those
// with a byte no key continues with.
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';
import { BIG_VALUE, UNIVERSE_FAST, UNIVERSE_FULL, probePrefixes, subsets } from './lib/key-sets.mjs';

export async function checkPrefixLiveness({ dist, fast = false }) {
  const report = new Report('prefix liveness', 'verified/prefix-liveness.mjs');
  const { DB } = await load(dist, 'index.js');
  // The public API refuses the empty key, so the universe here starts at one byte.
  const universe = (fast ? UNIVERSE_FAST : UNIVERSE_FULL).filter((k) => k !== '');
  const prefixes = probePrefixes(universe);
  const all = universe.map((k) => Buffer.from(k, 'latin1'));
  const big = Buffer.alloc(BIG_VALUE, 1);
  let trees = 0;
  let questions = 0;
  let live = 0;
  let maxFrames = 0;
  const show = (b) => JSON.stringify(b.toString('latin1'));

  const ask = (tree, keys, how, db) => {
    trees++;
    maxFrames = Math.max(maxFrames, db.pager.frameCount);
    for (const p of prefixes) {
      const expectEmpty = !keys.some((k) => k.length >= p.length && p.compare(k, 0, p.length) === 0);
      if (!expectEmpty) live++;
      questions++;
      let got;
      try {
        got = tree.isPrefixEmpty(p);
      } catch (e) {
        report.check(false, `${how} {${keys.map(show).join(', ')}}: isPrefixEmpty(${show(p)}) threw ${e.message}`);
        continue;
      }
      report.check(got === expectEmpty, () => `${how} {${keys.map(show).join(', ')}}: isPrefixEmpty(${show(p)}) = ${got}, but ${expectEmpty ? 'no key' : 'a live key'} starts with it`);
    }
  };

  for (const keys of subsets(universe)) {
    {
      const db = DB.memory();
      const t = db.tree('t');
      for (const k of keys) t.put(k, 'v');
      ask(t, keys, 'small values', db);
    }
    {
      const db = DB.memory();
      const t = db.tree('t');
      for (const k of [...keys].reverse()) t.put(k, big);
      ask(t, keys, '120 KB values', db);
    }
    {
      const db = DB.memory();
      const t = db.tree('t');
      for (const k of all) t.put(k, big);
      for (const k of all) if (!keys.some((x) => x.equals(k))) t.delete(k);
      ask(t, keys, 'all at 120 KB, then the others erased:', db);
    }
  }
  report.check(maxFrames > 2, `trees never spread over more than ${maxFrames} frames: the structure is not exercised`);
  report.claim('P1', 'isPrefixEmpty never answers "empty" for a live prefix, nor "not empty" for a prefix no live key has, whatever the frame structure',
    `${n(questions)} questions (${n(live)} live prefixes) on ${n(trees)} trees: every subset of ${universe.length} keys built three ways, up to ${maxFrames} frames; ${prefixes.length} probe prefixes each`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkPrefixLiveness);
}
