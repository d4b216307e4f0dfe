/**
 * The practical limit of an in-process JS engine: a Map for point operations and a
 * sorted array of keys with binary search for listings. Inserting a new key splices the
 * sorted array (O(n) memmove), which is the price this design pays for ordered reads.
 * Binary keys are held as latin1 strings, whose code-unit order is byte order.
 */

import { prefixEnd } from '../lib/keys.mjs';

/**
 * First index in `sorted` whose key is >= `target`.
 * @param {string[]} sorted
 * @param {string} target
 * @returns {number}
 */
function lowerBound(sorted, target) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** @returns {import('./index.mjs').Adapter} */
function createAdapter() {
  /** @type {Map<string, Buffer>} */
  const map = new Map();
  /** @type {string[]} */
  let sorted = [];
  let binary = false;
  /** @param {string | Buffer} key */
  const norm = (key) => (typeof key === 'string' ? key : key.toString('latin1'));
  /** @param {string} key */
  const out = (key) => (binary ? Buffer.from(key, 'latin1') : key);

  /** @param {string} k @param {Buffer} value */
  const set = (k, value) => {
    if (!map.has(k)) {
      const at = lowerBound(sorted, k);
      sorted.splice(at, 0, k);
    }
    map.set(k, value);
  };
  /** @param {string} k */
  const remove = (k) => {
    if (!map.delete(k)) return false;
    sorted.splice(lowerBound(sorted, k), 1);
    return true;
  };

  return {
    syncOps: new Set(['get', 'put', 'delete', 'rename', 'list', 'listDir']),
    open({ keyType }) {
      binary = keyType === 'binary';
    },
    load(keys, values) {
      for (let i = 0; i < keys.length; i++) map.set(norm(keys[i]), values[i]);
      sorted = [...map.keys()].sort();
    },
    get: (key) => map.get(norm(key)),
    put: (key, value) => set(norm(key), value),
    delete: (key) => remove(norm(key)),
    rename(from, to) {
      const f = norm(from);
      const value = map.get(f);
      if (value === undefined) return false;
      remove(f);
      set(norm(to), value);
      return true;
    },
    list(prefix, n) {
      const p = norm(prefix);
      /** @type {Array<[any, Buffer]>} */
      const rows = [];
      for (let i = lowerBound(sorted, p); i < sorted.length && rows.length < n; i++) {
        const k = sorted[i];
        if (!k.startsWith(p)) break;
        rows.push([out(k), /** @type {Buffer} */ (map.get(k))]);
      }
      return rows;
    },
    listDir(prefix, delimiter, n) {
      const p = norm(prefix);
      /** @type {any[]} */
      const entries = [];
      let i = lowerBound(sorted, p);
      while (i < sorted.length && entries.length < n) {
        const k = sorted[i];
        if (!k.startsWith(p)) break;
        const at = k.indexOf(delimiter, p.length);
        if (at < 0) {
          entries.push(out(k));
          i++;
        } else {
          const rollup = k.slice(0, at + 1);
          entries.push(out(rollup));
          i = lowerBound(sorted, /** @type {string} */ (prefixEnd(rollup)));
        }
      }
      return entries;
    },
    close() {
      map.clear();
      sorted = [];
    },
    settings: () => ({
      durability: 'none (process memory)',
      structure: 'Map + sorted key array, binary search',
    }),
  };
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'js-baseline',
  holt: false,
  modes: ['memory'],
  summary: 'Map for point ops + sorted array with binary search for listings (in-process JS limit)',
  create: async () => createAdapter(),
};
