/**
 * better-sqlite3: one WITHOUT ROWID table (the key is the B-tree key), prepared
 * statements, synchronous calls. Memory mode is ':memory:'; hot persistence is WAL with
 * synchronous=OFF; durable is WAL with synchronous=FULL (fsync on every commit).
 * Listings use the primary-key index: a bounded range query for `list`, and for
 * delimiter listings one `LIMIT 1` seek per rollup that jumps past the whole rollup.
 */

import path from 'node:path';
import { keySuccessor, prefixEnd, rollupOf } from '../lib/keys.mjs';

const CACHE_KIB = 64 * 1024;

/** @returns {Promise<import('./index.mjs').Adapter>} */
async function createAdapter() {
  const { default: Database } = await import('better-sqlite3');
  /** @type {any} */
  let db;
  /** @type {Record<string, any>} */
  let st = {};
  /** @type {(from: any, to: any) => boolean} */
  let renameTx;
  /** @type {Record<string, string | number | boolean>} */
  let settings = {};

  /** @param {any} lo @param {any} hi */
  const seek = (lo, hi) => (hi === undefined ? st.seekOpen.get(lo) : st.seek.get(lo, hi));

  return {
    syncOps: new Set(['get', 'put', 'delete', 'rename', 'list', 'listDir']),
    open({ mode, dir }) {
      const file = mode === 'memory' ? ':memory:' : path.join(dir, 'bench.sqlite');
      db = new Database(file);
      if (mode !== 'memory') {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${mode === 'durable' ? 'FULL' : 'OFF'}`);
      }
      db.pragma(`cache_size = -${CACHE_KIB}`);
      db.exec('CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
      st = {
        get: db.prepare('SELECT v FROM kv WHERE k = ?').pluck(),
        put: db.prepare('INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v'),
        del: db.prepare('DELETE FROM kv WHERE k = ?'),
        list: db.prepare('SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k LIMIT ?').raw(),
        listOpen: db.prepare('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?').raw(),
        seek: db.prepare('SELECT k FROM kv WHERE k >= ? AND k < ? ORDER BY k LIMIT 1').pluck(),
        seekOpen: db.prepare('SELECT k FROM kv WHERE k >= ? ORDER BY k LIMIT 1').pluck(),
      };
      renameTx = db.transaction((/** @type {any} */ from, /** @type {any} */ to) => {
        const value = st.get.get(from);
        if (value === undefined) return false;
        st.del.run(from);
        st.put.run(to, value);
        return true;
      });
      settings = {
        durability:
          mode === 'memory' ? ':memory: database' : mode === 'durable' ? 'WAL, synchronous=FULL (fsync per commit)' : 'WAL, synchronous=OFF',
        cache: `cache_size=${CACHE_KIB} KiB`,
        layout: 'WITHOUT ROWID table, prepared statements, one implicit transaction per write',
        rename: 'SELECT + DELETE + INSERT in one transaction',
        listDir: 'one LIMIT 1 range seek per rollup, jumping to the successor of the rollup',
        version: String(db.prepare('SELECT sqlite_version()').pluck().get()),
      };
    },
    load(keys, values) {
      const insert = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
        for (let i = from; i < to; i++) st.put.run(keys[i], values[i]);
      });
      for (let i = 0; i < keys.length; i += 50_000) insert(i, Math.min(keys.length, i + 50_000));
    },
    get: (key) => st.get.get(key),
    put: (key, value) => st.put.run(key, value),
    delete: (key) => st.del.run(key).changes > 0,
    rename: (from, to) => renameTx(from, to),
    list(prefix, n) {
      const end = prefixEnd(prefix);
      return end === undefined ? st.listOpen.all(prefix, n) : st.list.all(prefix, end, n);
    },
    listDir(prefix, delimiter, n) {
      const end = prefixEnd(prefix);
      /** @type {any[]} */
      const entries = [];
      let cursor = seek(prefix, end);
      while (cursor !== undefined && entries.length < n) {
        const rollup = rollupOf(cursor, prefix.length, delimiter);
        if (rollup === undefined) {
          entries.push(cursor);
          cursor = seek(keySuccessor(cursor), end);
        } else {
          entries.push(rollup);
          const next = /** @type {any} */ (prefixEnd(rollup));
          cursor = next === undefined ? undefined : seek(next, end);
        }
      }
      return entries;
    },
    close() {
      db.close();
    },
    settings: () => settings,
  };
}

/** @type {import('./index.mjs').Engine} */
export default {
  name: 'better-sqlite3',
  holt: false,
  modes: ['memory', 'hot', 'durable'],
  summary: 'SQLite via better-sqlite3: WITHOUT ROWID table, prepared statements, WAL',
  create: createAdapter,
};
