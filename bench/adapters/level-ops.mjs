/**
 * The benchmark adapter over any abstract-level database, shared by classic-level and
 * holt-level so both are driven by the same Level calls: `getSync` for reads, `put` /
 * `del` / `batch` for writes (each awaited; `sync: true` per write in durable mode),
 * `batch([del, put])` for a rename, `iterator({ gte, lt, limit }).all()` for a listing, and
 * one key iterator `seek()`ed past each rollup for a delimiter listing. Only opening the
 * database and settling it after the load differ per engine.
 */

import { keySuccessor, prefixEnd, rollupOf } from '../lib/keys.mjs';

/**
 * @typedef {object} LevelEngine
 * @property {(options: import('./index.mjs').OpenOptions, encodings: { keyEncoding: string, valueEncoding: string }) => Promise<any>} open
 *   returns the opened database
 * @property {(db: any, binary: boolean) => Promise<void>} settle  after the bulk load, untimed
 * @property {() => Promise<void>} [release]  after db.close(): whatever `open` made besides the database
 * @property {(mode: import('./index.mjs').Mode) => Record<string, string | number | boolean>} settings
 */

const LOAD_BATCH = 10_000;

/**
 * @param {LevelEngine} engine
 * @returns {import('./index.mjs').Adapter}
 */
export function levelAdapter(engine) {
  /** @type {any} */
  let db;
  let writeOptions = { sync: false };
  /** @type {import('./index.mjs').Mode} */
  let mode = 'memory';

  /** @param {any} lower @param {any} end */
  const range = (lower, end) => (end === undefined ? { gte: lower } : { gte: lower, lt: end });

  return {
    syncOps: new Set(['get']),
    async open(options) {
      mode = options.mode;
      const encoding = options.keyType === 'binary' ? 'buffer' : 'utf8';
      db = await engine.open(options, { keyEncoding: encoding, valueEncoding: 'buffer' });
      writeOptions = { sync: mode === 'durable' };
    },
    async load(keys, values) {
      for (let i = 0; i < keys.length; i += LOAD_BATCH) {
        const batch = db.batch();
        for (let j = i; j < Math.min(keys.length, i + LOAD_BATCH); j++) batch.put(keys[j], values[j]);
        await batch.write();
      }
      await engine.settle(db, Buffer.isBuffer(keys[0]));
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
    async close() {
      await db.close();
      await engine.release?.();
    },
    settings: () => engine.settings(mode),
  };
}
