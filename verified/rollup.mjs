// Delimiter rollup bounds (original invariant 9): the production scan
// (Tree.scan, src/art/scan.ts) over trees of DB.memory(), for every
// subset of a key universe, every probe prefix, both delimiters, forward and
// reverse, with and without a start-after (inside and outside a rollup) and a
// limit, on one-frame and many-frame trees.
//
// In every listing: a rollup starts with the prefix, ends at the first
// delimiter after it (length = prefix + delimiter index + 1, at most the
// length of a key under it), and stands for at least one key; every key under
// the prefix that has a delimiter after it is covered by exactly one rollup and
// never listed itself; entries are strictly ordered; and the whole listing is
// exactly the one the rules give (written out below from the key set alone).
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';
import { BIG_VALUE, UNIVERSE_FAST, UNIVERSE_FULL, probePrefixes, subsets } from './lib/key-sets.mjs';

/** The listing the rules give for `keys` (sorted, unique). */
function expectedListing(keys, { prefix, delimiter, startAfter, reverse, limit }) {
  const entries = [];
  for (const k of keys) {
    if (k.length < prefix.length || prefix.compare(k, 0, prefix.length) !== 0) continue;
    const at = k.indexOf(delimiter, prefix.length);
    const e = at < 0 ? { kind: 'key', key: k } : { kind: 'prefix', key: k.subarray(0, at + 1) };
    const last = entries[entries.length - 1];
    if (e.kind === 'prefix' && last?.kind === 'prefix' && last.key.equals(e.key)) continue;
    entries.push(e);
  }
  let bound = startAfter;
  if (bound !== undefined && bound.length > prefix.length && prefix.compare(bound, 0, prefix.length) === 0) {
    // A start-after inside a rollup stands for the whole rollup (S3 marker semantics).
    const at = bound.indexOf(delimiter, prefix.length);
    if (at >= 0) bound = bound.subarray(0, at + 1);
  }
  let out = bound === undefined ? entries : entries.filter((e) => (reverse ? Buffer.compare(e.key, bound) < 0 : Buffer.compare(e.key, bound) > 0));
  if (reverse) out = [...out].reverse();
  return limit === undefined ? out : out.slice(0, limit);
}

export async function checkRollup({ dist, fast = false }) {
  const report = new Report('delimiter rollups', 'verified/rollup.mjs');
  const { DB } = await load(dist, 'index.js');
  // The public API refuses the empty key, so the universe here starts at one byte.
  const universe = (fast ? UNIVERSE_FAST : UNIVERSE_FULL).filter((k) => k !== '');
  const prefixes = probePrefixes(universe);
  const delimiters = [0x2f, 0x61]; // '/', and 'a', which also occurs inside keys
  let trees = 0;
  let scans = 0;
  let rollups = 0;
  let multiFrame = 0;
  const show = (b) => JSON.stringify(b.toString('latin1'));

  for (const keys of subsets(universe)) {
    // Small values: one frame. Big values: keys spread over frames (only worth it with several keys).
    for (const valueSize of keys.length >= 4 ? [1, BIG_VALUE] : [1]) {
      const db = DB.memory();
      const tree = db.tree('t');
      const value = Buffer.alloc(valueSize, 7);
      for (const k of keys) tree.put(k, value);
      trees++;
      if (db.pager.frameCount > 1) multiFrame++;
      const afters = [undefined, ...keys.slice(0, 3), Buffer.from('a/', 'latin1'), Buffer.from('a/b/z', 'latin1')];
      for (const prefix of prefixes) {
        for (const delimiter of delimiters) {
          for (const reverse of [false, true]) {
            for (const startAfter of afters) {
              for (const limit of [undefined, 1]) {
                const opts = { prefix, delimiter, startAfter, reverse, limit };
                scans++;
                let got;
                try {
                  const { prefix: p, startAfter: a, limit: l, ...rest } = opts;
                  got = [...tree.scan({ ...rest, keysOnly: true, ...(p.length > 0 ? { prefix: p } : {}), ...(a ? { startAfter: a } : {}), ...(l ? { limit: l } : {}) })];
                } catch (e) {
                  report.check(false, `scan threw ${e.message}`);
                  continue;
                }
                const where = () => `keys {${keys.map(show).join(', ')}}${valueSize > 1 ? ' (120 KB values)' : ''}: scan prefix ${show(prefix)} delimiter ${show(Buffer.from([delimiter]))}${reverse ? ' reverse' : ''}${startAfter ? ` startAfter ${show(startAfter)}` : ''}${limit ? ` limit ${limit}` : ''}`;
                const want = expectedListing(keys, opts);
                for (let i = 0; i < got.length; i++) {
                  const e = got[i];
                  if (i > 0) report.check(reverse ? Buffer.compare(got[i - 1].key, e.key) > 0 : Buffer.compare(got[i - 1].key, e.key) < 0, () => `${where()}: entries out of order or repeated at ${i}`);
                  if (e.kind !== 'prefix') continue;
                  rollups++;
                  const r = e.key;
                  const inside = r.length > prefix.length && prefix.compare(r, 0, prefix.length) === 0;
                  const at = r.indexOf(delimiter, prefix.length);
                  report.check(inside && at === r.length - 1, () => `${where()}: rollup ${show(r)} is not the prefix plus bytes through the first delimiter`);
                  report.check(keys.some((k) => k.length >= r.length && r.compare(k, 0, r.length) === 0), () => `${where()}: rollup ${show(r)} covers no key`);
                }
                if (limit === undefined && startAfter === undefined) {
                  // Coverage: every key under the prefix with a delimiter after it is under exactly one rollup, and not listed.
                  for (const k of keys) {
                    if (k.length < prefix.length || prefix.compare(k, 0, prefix.length) !== 0) continue;
                    const rolled = k.indexOf(delimiter, prefix.length) >= 0;
                    const covering = got.filter((e) => e.kind === 'prefix' && e.key.length <= k.length && e.key.compare(k, 0, e.key.length) === 0).length;
                    const listed = got.some((e) => e.kind === 'key' && e.key.equals(k));
                    report.check(rolled ? covering === 1 && !listed : covering === 0 && listed, () => `${where()}: key ${show(k)} is covered by ${covering} rollups and ${listed ? '' : 'not '}listed`);
                  }
                }
                const same = got.length === want.length && got.every((e, i) => e.kind === want[i].kind && e.key.equals(want[i].key));
                report.check(same, () => `${where()}: listed [${got.map((e) => `${e.kind === 'prefix' ? 'P' : 'K'} ${show(e.key)}`).join(', ')}], the rules give [${want.map((e) => `${e.kind === 'prefix' ? 'P' : 'K'} ${show(e.key)}`).join(', ')}]`);
              }
            }
          }
        }
      }
    }
  }
  report.check(multiFrame > 0, 'no key set spread over several frames: the multi-frame case is not exercised');
  report.claim('R1', 'A rollup never names a key outside its prefix: it is the prefix plus the bytes through the first delimiter after it, so its length is prefix + delimiter index + 1, at most the length of a key under it',
    `${n(rollups)} rollups in ${n(scans)} scans (every subset of ${universe.length} keys: ${n(trees)} trees, ${n(multiFrame)} spread over several frames; ${prefixes.length} prefixes x 2 delimiters x forward/reverse x ${2 + 3 + 2} start-afters x 2 limits)`);
  report.claim('R2', 'A rollup covers every key under it: each key under the prefix with a delimiter after it is under exactly one listed rollup and never listed itself; listings are strictly ordered and equal to the rules',
    `the same ${n(scans)} scans, each compared entry by entry`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkRollup);
}
