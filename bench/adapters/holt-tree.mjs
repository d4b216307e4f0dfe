/**
 * The Holt tree operations shared by holt-memory and holt-file. Holt has a native
 * rename and a delimiter scan that rolls up in O(distinct rollups), so both are used
 * directly. Everything is synchronous.
 */

import { pathToFileURL } from 'node:url';
import { HOLT_DIST } from '../lib/paths.mjs';

const RENAME_OPTIONS = { overwrite: true };

/**
 * The dist build (../../dist/index.js from here, or HOLT_BENCH_DIST), imported lazily
 * so the peers run even while Holt is being built.
 */
export async function importHolt() {
  const holt = await import(pathToFileURL(HOLT_DIST).href);
  if (typeof holt.DB !== 'function') {
    throw new Error('dist/index.js does not export DB yet (run `npm run build` once the engine lands)');
  }
  return holt;
}

/**
 * Binds the adapter operations to a tree.
 * @param {() => any} tree returns the current Tree
 * @param {() => boolean} [stringKeys] whether listings hand keys out as strings
 *   (`keyEncoding: 'utf8'`, OpenOptions.stringKeys) rather than Buffers
 * @returns {Pick<import('./index.mjs').Adapter, 'get' | 'put' | 'delete' | 'rename' | 'list' | 'listDir'>}
 */
export function treeOps(tree, stringKeys = () => false) {
  return {
    get: (key) => tree().get(key),
    put: (key, value) => tree().put(key, value),
    delete: (key) => tree().delete(key),
    rename: (from, to) => tree().rename(from, to, RENAME_OPTIONS),
    list(prefix, n) {
      /** @type {Array<[any, Buffer]>} */
      const rows = [];
      const scan = stringKeys() ? tree().scan({ prefix, limit: n, keyEncoding: 'utf8' }) : tree().scan({ prefix, limit: n });
      for (const entry of scan) {
        rows.push([entry.key, entry.value]);
        if (rows.length >= n) break;
      }
      return rows;
    },
    listDir(prefix, delimiter, n) {
      /** @type {any[]} */
      const entries = [];
      const scan = stringKeys()
        ? tree().scan({ prefix, delimiter, keysOnly: true, limit: n, keyEncoding: 'utf8' })
        : tree().scan({ prefix, delimiter, keysOnly: true, limit: n });
      for (const entry of scan) {
        entries.push(entry.key);
        if (entries.length >= n) break;
      }
      return entries;
    },
  };
}

export const SYNC_OPS = new Set(['get', 'put', 'delete', 'rename', 'list', 'listDir']);
