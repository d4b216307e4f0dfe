/**
 * Holt in memory: `DB.memory()`, frames in process memory, no WAL, no files.
 */

import { importHolt, treeOps, SYNC_OPS } from './holt-tree.mjs';

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { DB } = await importHolt();
  /** @type {any} */
  let db;
  /** @type {any} */
  let tree;
  let stringKeys = false;
  return {
    syncOps: SYNC_OPS,
    open(options) {
      stringKeys = options.stringKeys === true && options.keyType === 'string';
      db = DB.memory();
      tree = db.tree('bench');
    },
    load(keys, values) {
      for (let i = 0; i < keys.length; i++) tree.put(keys[i], values[i]);
    },
    ...treeOps(() => tree, () => stringKeys),
    async close() {
      await db.close();
    },
    settings: () => ({
      durability: 'none (DB.memory())',
      cache: 'all frames resident',
      rename: 'native tree.rename(from, to, { overwrite: true })',
      listDir: 'native scan({ prefix, delimiter, keysOnly, limit })',
      keys: stringKeys ? "listed as strings (keyEncoding: 'utf8')" : 'listed as Buffers',
    }),
  };
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'holt-memory',
  holt: true,
  modes: ['memory'],
  summary: 'Holt DB.memory(): ART in 512 KiB frames, in process memory',
  create: createAdapter,
};
