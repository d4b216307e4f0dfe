/**
 * Plain key-value: 32-byte uniformly random binary keys, 64-byte random values. No
 * shared prefixes, so no listing ops: this is the worst case for a radix tree's
 * path compression and the home turf of hash maps.
 */

import { createRng, deriveSeed } from '../lib/prng.mjs';

/** @type {import('./index.mjs').Workload} */
export default {
  name: 'kv',
  keyType: 'binary',
  description: '32-byte random binary keys, 64-byte random values',
  listDir: undefined,
  hasListings: false,

  keys(count, seed) {
    const rng = createRng(deriveSeed(seed, 'kv-keys'));
    /** @type {Buffer[]} */
    const keys = [];
    for (let i = 0; i < count; i++) keys.push(Buffer.from(rng.fill(new Uint8Array(32))));
    return keys;
  },

  value(rng) {
    return Buffer.from(rng.fill(new Uint8Array(64)));
  },

  freshKey(rng) {
    // 33 bytes: can never equal a 32-byte data-set key.
    return Buffer.from(rng.fill(new Uint8Array(33)));
  },

  renameTarget(key) {
    return Buffer.concat([/** @type {Buffer} */ (key), Buffer.from([0x2e])]);
  },

  listPrefix() {
    throw new Error('kv has no listings');
  },
};
