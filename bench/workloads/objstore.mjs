/**
 * Object-store catalog: `bucket-NN/path/sub/file-NNNN.bin`, 32 buckets, JSON-ish
 * metadata values. At the default 20k keys that is 625 objects per bucket, as in the
 * original Holt benchmark.
 */

const BUCKETS = 32;
const CONTENT_TYPES = ['application/octet-stream', 'image/png', 'text/plain', 'application/json'];

import { flat } from '../lib/keys.mjs';

/** @param {number} n @param {number} width */
const pad = (n, width) => String(n).padStart(width, '0');

/** @type {import('./index.mjs').Workload} */
export default {
  name: 'objstore',
  keyType: 'string',
  description: 'bucket-NN/path/sub/file-NNNN.bin, 32 buckets, ~80-byte JSON metadata values',
  listDir: { prefix: 'bucket-', delimiter: '/', all: BUCKETS },
  hasListings: true,

  keys(count) {
    const perBucket = Math.ceil(count / BUCKETS);
    const width = Math.max(4, String(perBucket - 1).length);
    /** @type {string[]} */
    const keys = [];
    for (let b = 0; b < BUCKETS && keys.length < count; b++) {
      for (let f = 0; f < perBucket && keys.length < count; f++) {
        keys.push(flat(`bucket-${pad(b, 2)}/path/sub/file-${pad(f, width)}.bin`));
      }
    }
    return keys;
  },

  value(rng) {
    const etag = Buffer.from(rng.fill(new Uint8Array(16))).toString('hex');
    const ct = CONTENT_TYPES[rng.int(CONTENT_TYPES.length)];
    return Buffer.from(`{"size":${1 + rng.int(1 << 24)},"etag":"${etag}","ct":"${ct}"}`);
  },

  freshKey(rng) {
    return flat(`bucket-${pad(rng.int(BUCKETS), 2)}/path/sub/new-${pad(rng.int(1e9), 9)}.bin`);
  },

  renameTarget(key) {
    return flat(`${key}.renamed`);
  },

  listPrefix(rng) {
    return flat(`bucket-${pad(rng.int(BUCKETS), 2)}/`);
  },
};
