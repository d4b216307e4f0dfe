/**
 * A small seeded PRNG (mulberry32). Every engine process rebuilds the same data set and
 * the same op stream from the same seed, so engines are compared on identical work
 * without shipping the stream between processes.
 */

/**
 * @typedef {object} Rng
 * @property {() => number} next      uniform float in [0, 1)
 * @property {(n: number) => number} int  uniform integer in [0, n)
 * @property {(out: Uint8Array) => Uint8Array} fill  fills `out` with random bytes
 */

/**
 * @param {number} seed any 32-bit integer
 * @returns {Rng}
 */
export function createRng(seed) {
  let state = seed >>> 0;
  /** @returns {number} a uniform uint32 */
  const u32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n),
    fill(out) {
      for (let i = 0; i < out.length; i += 4) {
        const word = u32();
        for (let b = 0; b < 4 && i + b < out.length; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
      }
      return out;
    },
  };
}

/**
 * Derives an independent stream seed from a base seed and a label, so the op stream of
 * `get` does not shift when another op kind is added.
 * @param {number} seed
 * @param {string} label
 * @returns {number}
 */
export function deriveSeed(seed, label) {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Fisher-Yates shuffle in place with the given generator.
 * @template T
 * @param {T[]} items
 * @param {Rng} rng
 * @returns {T[]}
 */
export function shuffle(items, rng) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
