/**
 * classic-level (LevelDB): LSM tree, driven through the shared Level adapter
 * (level-ops.mjs). Reads use the synchronous `getSync`; writes and iterators are
 * asynchronous in this API, so those ops are timed with an await each. Hot persistence:
 * writes with sync=false (LevelDB's default). Durable: sync=true, an fsync of the log per
 * write. Memory mode runs on tmpfs.
 */

import { levelAdapter } from './level-ops.mjs';

const CACHE_BYTES = 64 * 1024 * 1024;

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { ClassicLevel } = await import('classic-level');
  return levelAdapter({
    async open({ dir }, encodings) {
      const db = new ClassicLevel(dir, encodings);
      await db.open({ cacheSize: CACHE_BYTES });
      return db;
    },
    async settle(db, binary) {
      // Let the LSM settle: without this, reads right after a bulk load race the
      // background compaction of level 0 for the two cores.
      await db.compactRange(binary ? Buffer.alloc(0) : '', binary ? Buffer.alloc(64, 0xff) : '\uffff');
    },
    settings: (mode) => ({
      durability:
        mode === 'memory' ? 'on tmpfs (/dev/shm), sync=false' : mode === 'durable' ? 'sync=true (fsync per write)' : 'sync=false (LevelDB default)',
      cache: `cacheSize=${CACHE_BYTES / 1048576} MiB block cache, default write buffer (4 MiB), snappy on`,
      reads: 'getSync (synchronous); iterators are async',
      load: 'batches of 10k, then compactRange over all keys',
      rename: 'getSync + atomic batch [del, put]',
      listDir: 'one key iterator, seek() to the successor of each rollup',
    }),
  });
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'classic-level',
  holt: false,
  modes: ['memory', 'hot', 'durable'],
  summary: 'classic-level: LevelDB LSM tree, async writes and iterators, getSync reads',
  create: createAdapter,
};
