/**
 * The workload registry. A workload describes a key space and how to draw from it;
 * op streams (lib/ops.mjs) are built on top of it.
 */

import kv from './kv.mjs';
import objstore from './objstore.mjs';
import fs from './fs.mjs';

/**
 * @typedef {string | Buffer} Key
 * @typedef {import('../lib/prng.mjs').Rng} Rng
 *
 * @typedef {object} Workload
 * @property {string} name
 * @property {'string' | 'binary'} keyType  how keys are handed to the engines
 * @property {string} description
 * @property {{ prefix: string, delimiter: string, all: number } | undefined} listDir
 *   the delimiter listing of this workload and how many rollups it has in total
 * @property {boolean} hasListings  whether list / list_dir / metadata_mix apply
 * @property {(count: number, seed: number) => Key[]} keys  the data set, deterministic
 * @property {(rng: Rng) => Buffer} value  one value
 * @property {(rng: Rng) => Key} freshKey  a key that is never in the data set
 * @property {(key: Key) => Key} renameTarget  a key outside the data set to rename `key` to
 * @property {(rng: Rng) => string} listPrefix  a prefix for `list` (first 100 under it)
 */

/** @type {Record<string, Workload>} */
export const WORKLOADS = { kv, objstore, fs };

/**
 * @param {string} name
 * @returns {Workload}
 */
export function getWorkload(name) {
  const workload = WORKLOADS[name];
  if (!workload) throw new Error(`unknown workload ${name} (have ${Object.keys(WORKLOADS).join(', ')})`);
  return workload;
}
