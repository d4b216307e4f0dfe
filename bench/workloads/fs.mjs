/**
 * Filesystem metadata: `/usr/local/share/category-N/file-NNNN`, 16 directories,
 * 32-byte values (an inode-like record). 20k keys = 1250 files per directory.
 */

const DIRS = 16;

import { flat } from '../lib/keys.mjs';

/** @param {number} n @param {number} width */
const pad = (n, width) => String(n).padStart(width, '0');

/** @type {import('./index.mjs').Workload} */
export default {
  name: 'fs',
  keyType: 'string',
  description: '/usr/local/share/category-N/file-NNNN, 16 directories, 32-byte values',
  listDir: { prefix: '/usr/local/share/', delimiter: '/', all: DIRS },
  hasListings: true,

  keys(count) {
    const perDir = Math.ceil(count / DIRS);
    const width = Math.max(4, String(perDir - 1).length);
    /** @type {string[]} */
    const keys = [];
    for (let d = 0; d < DIRS && keys.length < count; d++) {
      for (let f = 0; f < perDir && keys.length < count; f++) {
        keys.push(flat(`/usr/local/share/category-${d}/file-${pad(f, width)}`));
      }
    }
    return keys;
  },

  value(rng) {
    return Buffer.from(rng.fill(new Uint8Array(32)));
  },

  freshKey(rng) {
    return flat(`/usr/local/share/category-${rng.int(DIRS)}/new-${pad(rng.int(1e9), 9)}`);
  },

  renameTarget(key) {
    return flat(`${key}.renamed`);
  },

  listPrefix(rng) {
    return flat(`/usr/local/share/category-${rng.int(DIRS)}/`);
  },
};
