/**
 * holt-level: Holt behind the Level interface (`HoltLevel` from holt/level), driven by the
 * very adapter classic-level uses (level-ops.mjs), so its cells read as "what a Level user
 * gains by switching". Memory mode is `new HoltLevel(DB.memory())`; hot and durable open
 * a directory with Holt's default 'fast' durability, and durable passes `sync: true` on
 * every write, exactly like classic-level. The load is checkpointed, as holt-file does.
 */

import { pathToFileURL } from 'node:url';
import { HOLT_LEVEL_DIST } from '../lib/paths.mjs';
import { importHolt } from './holt-tree.mjs';
import { levelAdapter } from './level-ops.mjs';

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { DB } = await importHolt();
  const { HoltLevel } = await import(pathToFileURL(HOLT_LEVEL_DIST).href);
  /** @type {any} */
  let holt;
  return levelAdapter({
    async open({ mode, dir }, encodings) {
      // The adapter keeps the DB to checkpoint it after the load; HoltLevel(dir) would open the same.
      holt = mode === 'memory' ? DB.memory() : DB.open(dir);
      const db = new HoltLevel(holt, encodings);
      await db.open();
      return db;
    },
    async settle() {
      await holt.sync();
      await holt.checkpoint();
    },
    release: () => holt.close(),
    settings: (mode) => ({
      durability:
        mode === 'memory' ? 'none (DB.memory())' : mode === 'durable' ? "sync: true per write (a shared fdatasync)" : "'fast' (WAL, no fsync per write)",
      cache: 'default buffer pool',
      reads: 'getSync (synchronous); iterators, writes awaited',
      load: 'chained batches of 10k (one Holt batch each), then a checkpoint',
      rename: 'getSync + atomic batch [del, put]',
      listDir: 'one key iterator, seek() to the successor of each rollup',
    }),
  });
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'holt-level',
  holt: false,
  usesHolt: true,
  modes: ['memory', 'hot', 'durable'],
  summary: 'holt/level: HoltLevel (abstract-level 3) over one Holt tree, same Level calls as classic-level',
  create: createAdapter,
};
