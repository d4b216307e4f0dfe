// Key sets for the scan and prefix checks: every subset of a small universe of
// path-shaped keys, chosen so that keys are prefixes of each other, share
// heads, end in the delimiter, hold it twice, and use the bytes 0x00 and 0xFF
// (the edges of successor arithmetic). Each set can be written with small
// values (one frame) or 120 KB values (a few leaves per frame, so the keys sit
// in different frames behind Crossings).

export const UNIVERSE_FULL = ['', 'a', 'a/', 'a/b', 'a/b/c', 'a//x', 'ab/', 'b/a/', 'b\u00ff/', 'a\u0000/'];
export const UNIVERSE_FAST = ['', 'a', 'a/', 'a/b/c', 'ab/', 'b/a/', 'b\u00ff/'];

export const BIG_VALUE = 120_000;

/** Every subset of `universe`, as sorted arrays of latin1 Buffers. */
export function* subsets(universe) {
  const keys = universe.map((k) => Buffer.from(k, 'latin1'));
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const set = keys.filter((_, i) => (mask & (1 << i)) !== 0);
    yield set.sort(Buffer.compare);
  }
}

/**
 * The prefixes worth asking about for a universe: every prefix of every key,
 * and each of those with one byte more that no key continues with.
 */
export function probePrefixes(universe) {
  const out = new Set();
  for (const k of universe) {
    for (let i = 0; i <= k.length; i++) {
      out.add(k.slice(0, i));
      out.add(`${k.slice(0, i)}z`);
    }
  }
  return [...out].map((p) => Buffer.from(p, 'latin1')).sort(Buffer.compare);
}
