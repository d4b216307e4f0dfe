/**
 * lmdb-js: memory-mapped B+tree, synchronous reads that avoid allocation beyond the
 * returned copy. Writes use the synchronous API (`putSync`, `removeSync`,
 * `transactionSync`) so every write is its own committed transaction, like Holt's put;
 * lmdb-js's batched async `put` would defer the commit past the call.
 * Hot persistence: noSync + noMetaSync. Durable: sync on commit with overlappingSync off,
 * so the fsync has happened when the call returns. Memory mode runs on tmpfs.
 * Listings use `getRange`/`getKeys`; a delimiter listing issues one range seek per
 * rollup, starting at the successor of the previous rollup.
 */

import { prefixEnd, rollupOf } from '../lib/keys.mjs';

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { open } = await import('lmdb');
  /** @type {import('lmdb').RootDatabase<Buffer, any>} */
  let db;
  /** @type {Record<string, string | number | boolean>} */
  let settings = {};

  /**
   * First key >= start (or > start) and < end.
   * @param {any} start @param {any} end @param {boolean} exclusiveStart
   */
  const seek = (start, end, exclusiveStart) => {
    for (const key of db.getKeys(/** @type {any} */ ({ start, end, limit: 1, exclusiveStart }))) return key;
    return undefined;
  };

  return {
    syncOps: new Set(['get', 'put', 'delete', 'rename', 'list', 'listDir']),
    open({ mode, dir, keyType }) {
      const options = {
        path: dir,
        compression: false,
        encoding: /** @type {const} */ ('binary'),
        keyEncoding: keyType === 'binary' ? /** @type {const} */ ('binary') : /** @type {const} */ ('ordered-binary'),
        noSync: mode !== 'durable',
        noMetaSync: mode !== 'durable',
        overlappingSync: false,
      };
      db = open(options);
      settings = {
        durability:
          mode === 'memory' ? 'on tmpfs (/dev/shm), noSync' : mode === 'durable' ? 'sync per commit, overlappingSync=false' : 'noSync + noMetaSync (OS flushes the map)',
        cache: 'OS page cache via mmap; lmdb-js object cache off',
        encoding: 'values binary; Buffer keys binary, string keys ordered-binary (UTF-8 order); compression off',
        writes: 'putSync/removeSync, one transaction per write; rename in transactionSync',
        listDir: 'one getKeys({ start, end, limit: 1 }) seek per rollup, from the successor of the rollup',
      };
    },
    load(keys, values) {
      for (let i = 0; i < keys.length; i += 50_000) {
        const to = Math.min(keys.length, i + 50_000);
        db.transactionSync(() => {
          for (let j = i; j < to; j++) db.putSync(keys[j], values[j]);
        });
      }
    },
    get: (key) => db.get(key),
    put: (key, value) => db.putSync(key, value),
    delete: (key) => db.removeSync(key),
    rename: (from, to) =>
      db.transactionSync(() => {
        const value = db.get(from);
        if (value === undefined) return false;
        db.removeSync(from);
        db.putSync(to, value);
        return true;
      }),
    list(prefix, n) {
      /** @type {Array<[any, Buffer]>} */
      const rows = [];
      for (const { key, value } of db.getRange({ start: prefix, end: prefixEnd(prefix), limit: n })) rows.push([key, value]);
      return rows;
    },
    listDir(prefix, delimiter, n) {
      const end = prefixEnd(prefix);
      /** @type {any[]} */
      const entries = [];
      let cursor = seek(prefix, end, false);
      while (cursor !== undefined && entries.length < n) {
        const rollup = rollupOf(cursor, prefix.length, delimiter);
        if (rollup === undefined) {
          entries.push(cursor);
          cursor = seek(cursor, end, true);
        } else {
          entries.push(rollup);
          const next = prefixEnd(rollup);
          cursor = next === undefined ? undefined : seek(next, end, false);
        }
      }
      return entries;
    },
    close: () => db.close(),
    settings: () => settings,
  };
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'lmdb',
  holt: false,
  modes: ['memory', 'hot', 'durable'],
  summary: 'lmdb-js: memory-mapped B+tree, synchronous transactions',
  create: createAdapter,
};
