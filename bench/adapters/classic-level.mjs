/**
 * classic-level (LevelDB): LSM tree. Reads use the synchronous `getSync`; writes and
 * iterators are asynchronous in this API, so those ops are timed with an await each.
 * Hot persistence: writes with sync=false (LevelDB's default). Durable: sync=true, an
 * fsync of the log per write. Memory mode runs on tmpfs. A delimiter listing keeps one
 * key iterator open and `seek()`s it to the successor of each rollup.
 */

import { keySuccessor, prefixEnd, rollupOf } from '../lib/keys.mjs';

const CACHE_BYTES = 64 * 1024 * 1024;

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { ClassicLevel } = await import('classic-level');
  /** @type {import('classic-level').ClassicLevel<any, Buffer>} */
  let db;
  let writeOptions = { sync: false };
  /** @type {Record<string, string | number | boolean>} */
  let settings = {};

  /** @param {any} lower @param {any} end */
  const range = (lower, end) => (end === undefined ? { gte: lower } : { gte: lower, lt: end });

  return {
    syncOps: new Set(['get']),
    async open({ mode, dir, keyType }) {
      db = new ClassicLevel(dir, { keyEncoding: keyType === 'binary' ? 'buffer' : 'utf8', valueEncoding: 'buffer' });
      await db.open({ cacheSize: CACHE_BYTES });
      writeOptions = { sync: mode === 'durable' };
      settings = {
        durability:
          mode === 'memory' ? 'on tmpfs (/dev/shm), sync=false' : mode === 'durable' ? 'sync=true (fsync per write)' : 'sync=false (LevelDB default)',
        cache: `cacheSize=${CACHE_BYTES / 1048576} MiB block cache, default write buffer (4 MiB), snappy on`,
        reads: 'getSync (synchronous); iterators are async',
        load: 'batches of 10k, then compactRange over all keys',
        rename: 'getSync + atomic batch [del, put]',
        listDir: 'one key iterator, seek() to the successor of each rollup',
      };
    },
    async load(keys, values) {
      for (let i = 0; i < keys.length; i += 10_000) {
        const batch = db.batch();
        for (let j = i; j < Math.min(keys.length, i + 10_000); j++) batch.put(keys[j], values[j]);
        await batch.write();
      }
      // Let the LSM settle: without this, reads right after a bulk load race the
      // background compaction of level 0 for the two cores.
      const binary = Buffer.isBuffer(keys[0]);
      await db.compactRange(binary ? Buffer.alloc(0) : '', binary ? Buffer.alloc(64, 0xff) : '\uffff');
    },
    get: (key) => db.getSync(key),
    put: (key, value) => db.put(key, value, writeOptions),
    delete: (key) => db.del(key, writeOptions),
    async rename(from, to) {
      const value = db.getSync(from);
      if (value === undefined) return false;
      await db.batch(
        [
          { type: 'del', key: from },
          { type: 'put', key: to, value },
        ],
        writeOptions,
      );
      return true;
    },
    list(prefix, n) {
      return db.iterator({ ...range(prefix, prefixEnd(prefix)), limit: n }).all();
    },
    async listDir(prefix, delimiter, n) {
      // A small read-ahead: each seek needs one key, not a 16 KiB batch of them.
      const iterator = db.keys({ ...range(prefix, prefixEnd(prefix)), highWaterMarkBytes: 1 });
      /** @type {any[]} */
      const entries = [];
      try {
        let key = await iterator.next();
        while (key !== undefined && entries.length < n) {
          const rollup = rollupOf(key, prefix.length, delimiter);
          if (rollup === undefined) {
            entries.push(key);
            iterator.seek(keySuccessor(key));
          } else {
            entries.push(rollup);
            const next = prefixEnd(rollup);
            if (next === undefined) break;
            iterator.seek(next);
          }
          key = await iterator.next();
        }
      } finally {
        await iterator.close();
      }
      return entries;
    },
    close: () => db.close(),
    settings: () => settings,
  };
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'classic-level',
  holt: false,
  modes: ['memory', 'hot', 'durable'],
  summary: 'classic-level: LevelDB LSM tree, async writes and iterators, getSync reads',
  create: createAdapter,
};
