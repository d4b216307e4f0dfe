/**
 * The one seeded PRNG of the tests (mulberry32): a failing seed replays the
 * same run. Plain JavaScript so that child processes started by tests (run by
 * node, not vitest) draw from the same generator.
 */

export class Rng {
  /** @param {number} seed any 32-bit integer */
  constructor(seed) {
    /** @private */
    this.s = seed >>> 0;
  }

  /** @returns {number} a uniform integer in [0, 2^32) */
  u32() {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** @returns {number} a uniform float in [0, 1) */
  next() {
    return this.u32() / 4294967296;
  }

  /** @param {number} n @returns {number} a uniform integer in [0, n) */
  int(n) {
    return Math.floor(this.next() * n);
  }

  /** @param {number} lo @param {number} hi @returns {number} a uniform integer in [lo, hi] */
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  /** @template T @param {readonly T[]} xs @returns {T} */
  pick(xs) {
    return /** @type {T} */ (xs[this.int(xs.length)]);
  }

  /** @param {number} p @returns {boolean} true with probability p */
  chance(p) {
    return this.next() < p;
  }

  /**
   * @param {number} n
   * @param {readonly number[]} [alphabet] the byte values to draw from (default: all 256)
   * @returns {Buffer} n random bytes
   */
  bytes(n, alphabet) {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = alphabet === undefined ? this.int(256) : this.pick(alphabet);
    return b;
  }
}
