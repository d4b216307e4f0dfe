/**
 * Holt file-backed: `DB.open(dir, { durability })`. Hot persistence is the fast default
 * (WAL, no fsync per write); durable is 'sync' (each write durable before it returns).
 * The data set is loaded in fast mode and synced, then the database is reopened in the
 * measured mode, so a durable run does not pay one fsync per loaded key (peers load in
 * large transactions for the same reason). A checkpoint after the load settles the
 * files before timing.
 */

import { importHolt, treeOps, SYNC_OPS } from './holt-tree.mjs';

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { DB } = await importHolt();
  /** @type {any} */
  let db;
  /** @type {any} */
  let tree;
  /** @type {import('./index.mjs').OpenOptions} */
  let opened;
  let stringKeys = false;
  /** @param {'fast' | 'sync'} durability */
  const openDb = (durability) => {
    db = DB.open(opened.dir, { durability });
    tree = db.tree('bench');
  };
  return {
    syncOps: SYNC_OPS,
    open(options) {
      opened = options;
      stringKeys = options.stringKeys === true && options.keyType === 'string';
      openDb('fast');
    },
    async load(keys, values) {
      for (let i = 0; i < keys.length; i++) tree.put(keys[i], values[i]);
      await db.sync();
      // Settle like the peers do (LevelDB compacts, SQLite checkpoints its WAL).
      if (typeof db.checkpoint === 'function') await db.checkpoint();
      if (opened.mode === 'durable') {
        await db.close();
        openDb('sync');
      }
    },
    ...treeOps(() => tree, () => stringKeys),
    async close() {
      await db.close();
    },
    settings: () => ({
      durability: opened.mode === 'durable' ? "'sync' (durable before each write returns)" : "'fast' (WAL, no fsync per write)",
      cache: 'default buffer pool',
      rename: 'native tree.rename(from, to, { overwrite: true })',
      listDir: 'native scan({ prefix, delimiter, keysOnly, limit })',
    }),
  };
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'holt-file',
  holt: true,
  modes: ['hot', 'durable'],
  summary: 'Holt DB.open(dir): ART frames + WAL + manifest on disk',
  create: createAdapter,
};
