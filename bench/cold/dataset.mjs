/**
 * The one data set of the cold campaign and the op streams drawn from it, as pure functions
 * of an index and a seed. Nothing here materialises the key space: a measurement process
 * runs under a memory cgroup sized like Holt's cache, and 4M keys held as JS strings would
 * take more of that budget than the engine under test.
 *
 * Keys: `bucket-NN/path/sub/file-NNNNNNN.bin`, 32 buckets, key i is file i % perBucket of
 * bucket floor(i / perBucket). Values: ~55-byte JSON metadata derived from (seed, i), so a
 * reader can check any answer without the data set in memory.
 */

import { createRng, deriveSeed, shuffle } from '../lib/prng.mjs';

/** Bumped when keys or values change, so data sets built by an older harness are rebuilt. */
export const DATASET_VERSION = 1;
export const BUCKETS = 32;
export const LIST_PREFIX_ROOT = 'bucket-';
export const DELIMITER = '/';
const FILE_DIGITS = 7;
const CONTENT_TYPES = ['image/png', 'image/gif', 'text/css', 'font/ttf'];

/** @param {number} n @param {number} width */
const pad = (n, width) => String(n).padStart(width, '0');

/**
 * A 32-bit mix of (seed, i, lane): splitmix-style, so values are a function of the index
 * alone (any process can recompute value(i) without replaying a stream).
 * @param {number} seed @param {number} i @param {number} lane
 */
function mix(seed, i, lane) {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(lane + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * @typedef {object} DataSet
 * @property {number} keys
 * @property {number} seed
 * @property {number} perBucket  keys per bucket (the last bucket may hold fewer)
 * @property {(i: number) => string} key
 * @property {(i: number) => Buffer} value
 * @property {(bucket: number) => string} bucketPrefix  `bucket-NN/`
 */

/**
 * @param {number} keys
 * @param {number} seed
 * @returns {DataSet}
 */
export function dataSet(keys, seed) {
  const perBucket = Math.ceil(keys / BUCKETS);
  if (perBucket >= 10 ** FILE_DIGITS) throw new Error(`at most ${BUCKETS * (10 ** FILE_DIGITS - 1)} keys`);
  return {
    keys,
    seed,
    perBucket,
    key: (i) => `bucket-${pad(Math.floor(i / perBucket), 2)}/path/sub/file-${pad(i % perBucket, FILE_DIGITS)}.bin`,
    value(i) {
      const size = 1 + (mix(seed, i, 0) & 0xfffff);
      const etag = mix(seed, i, 1).toString(16).padStart(8, '0') + mix(seed, i, 2).toString(16).padStart(8, '0');
      const ct = CONTENT_TYPES[mix(seed, i, 3) & 3];
      return Buffer.from(`{"size":${size},"etag":"${etag}","ct":"${ct}"}`);
    },
    bucketPrefix: (bucket) => `bucket-${pad(bucket, 2)}/`,
  };
}

/**
 * Total key and value bytes of the data set (what a full scan must return).
 * @param {DataSet} data
 */
export function dataBytes(data) {
  let keyBytes = 0;
  let valueBytes = 0;
  for (let i = 0; i < data.keys; i++) {
    keyBytes += data.key(i).length;
    valueBytes += data.value(i).length;
  }
  return { keyBytes, valueBytes };
}

/** Buckets that hold at least one key (fewer than 32 only for tiny data sets). */
export function bucketCount(/** @type {DataSet} */ data) {
  return Math.ceil(data.keys / data.perBucket);
}

/**
 * `count` uniform random key indices from a labelled stream of the seed.
 * @param {DataSet} data @param {string} label @param {number} count
 * @returns {Uint32Array}
 */
export function uniformIndices(data, label, count) {
  const rng = createRng(deriveSeed(data.seed, label));
  const out = new Uint32Array(count);
  for (let n = 0; n < count; n++) out[n] = rng.int(data.keys);
  return out;
}

/**
 * The hot set: a fixed 1% of the keys (those whose hash falls in one residue class), in
 * index order, spread over the whole key space like a real working set of popular objects.
 * @param {DataSet} data
 * @returns {Uint32Array}
 */
export function hotSet(data) {
  const picked = [];
  for (let i = 0; i < data.keys; i++) if (mix(data.seed, i, 7) % 100 === 0) picked.push(i);
  return Uint32Array.from(picked);
}

/** Runs of consecutive keys in `hotRanges`. */
export const HOT_RANGES = 32;

/**
 * A hot set of 1% of the keys as HOT_RANGES runs of consecutive keys, spread evenly over the
 * key space: popular directories rather than popular objects. Each run is a frame or two of
 * Holt's, so this hot set fits a cache that the scattered `hotSet` (a key in every frame)
 * cannot.
 * @param {DataSet} data
 * @returns {Uint32Array}
 */
export function hotRanges(data) {
  const run = Math.max(1, Math.floor(data.keys / 100 / HOT_RANGES));
  const stride = Math.floor(data.keys / HOT_RANGES);
  const out = new Uint32Array(run * HOT_RANGES);
  for (let r = 0; r < HOT_RANGES; r++) for (let i = 0; i < run; i++) out[r * run + i] = r * stride + Math.floor(stride / 2) + i;
  return out;
}

/**
 * `count` draws from `pool`, uniform, from a labelled stream.
 * @param {DataSet} data @param {Uint32Array} pool @param {string} label @param {number} count
 * @returns {Uint32Array}
 */
export function drawFrom(data, pool, label, count) {
  const rng = createRng(deriveSeed(data.seed, label));
  const out = new Uint32Array(count);
  for (let n = 0; n < count; n++) out[n] = pool[rng.int(pool.length)];
  return out;
}

/**
 * The order keys are loaded in: a seeded shuffle, so B-tree pages and Holt frames fill as
 * a catalog that grew over time does, not as a sorted bulk load would.
 * @param {DataSet} data
 * @returns {Uint32Array}
 */
export function loadOrder(data) {
  const order = new Uint32Array(data.keys);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // shuffle is written for arrays; a typed array has the same index and length protocol.
  shuffle(/** @type {any} */ (order), createRng(deriveSeed(data.seed, 'load-order')));
  return order;
}
