/**
 * better-sqlite3 as the reference run drove it: a WITHOUT ROWID table (the key is
 * the B-tree key), WAL journal, and a page cache (`cache_size`), which is the
 * engine's own answer to "how much memory may I use" inside the same cgroup budget as
 * Holt's cacheMB, and set to the same number of MiB as Holt's cacheMB (equal budgets). Keys are bound as strings (TEXT compares with memcmp, the same order as
 * Holt's bytes). Listings use the primary key: a bounded range for `list`, one LIMIT 1
 * seek per rollup that jumps past the whole rollup for a delimiter listing.
 */

import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from '../../lib/paths.mjs';
import { prefixEnd, rollupOf } from '../../lib/keys.mjs';

const FILE = 'bench.sqlite';
/** The load is not measured: a large cache keeps a shuffled 4M-key load from thrashing. */
const BUILD_CACHE_KIB = 1024 * 1024;
const BATCH = 50_000;

async function sqlite() {
  const { default: Database } = await import('better-sqlite3');
  return Database;
}

/** @type {import('./index.mjs').ColdEngine} */
export default {
  name: 'better-sqlite3',
  summary: 'SQLite via better-sqlite3: WITHOUT ROWID table, WAL, a page cache of cacheMB MiB',
  settings: ({ cacheMB }) => ({
    cache: `cache_size=-${cacheMB * 1024} (${cacheMB} MiB, Holt's cacheMB), mmap off (default)`,
    journal: 'WAL (set at build, persistent in the file)',
    layout: 'CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID; keys bound as TEXT, values as BLOB',
    build: `transactions of ${BATCH.toLocaleString('en-US')} inserts in load order, synchronous=OFF, then wal_checkpoint(TRUNCATE)`,
  }),

  load: sqlite,

  async version() {
    const Database = await sqlite();
    const db = new Database(':memory:');
    const v = String(db.prepare('SELECT sqlite_version()').pluck().get());
    db.close();
    const pkg = JSON.parse(fs.readFileSync(path.join(BENCH_DIR, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'));
    return `better-sqlite3 ${pkg.version} sqlite ${v}`;
  },

  async build(dir, { data, order }) {
    const Database = await sqlite();
    const db = new Database(path.join(dir, FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
    db.exec('CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
    const batch = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
      for (let n = from; n < to; n++) insert.run(data.key(order[n]), data.value(order[n]));
    });
    for (let n = 0; n < order.length; n += BATCH) batch(n, Math.min(order.length, n + BATCH));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  },

  async open(dir, { cacheMB }) {
    const Database = await sqlite();
    const db = new Database(path.join(dir, FILE));
    db.pragma('journal_mode = WAL');
    db.pragma(`cache_size = -${cacheMB * 1024}`);
    const st = {
      get: db.prepare('SELECT v FROM kv WHERE k = ?').pluck(),
      list: db.prepare('SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k LIMIT ?').raw(),
      seek: db.prepare('SELECT k FROM kv WHERE k >= ? AND k < ? ORDER BY k LIMIT 1').pluck(),
      all: db.prepare('SELECT k, v FROM kv ORDER BY k').raw(),
    };
    return {
      get: (key) => st.get.get(key),
      list: (prefix, n) => st.list.all(prefix, prefixEnd(prefix), n),
      listDir(prefix, delimiter, n, startAfter) {
        const end = prefixEnd(prefix);
        /** @type {string[]} */
        const entries = [];
        let cursor = st.seek.get(startAfter === undefined ? prefix : prefixEnd(startAfter), end);
        while (cursor !== undefined && entries.length < n) {
          const rollup = /** @type {string | undefined} */ (rollupOf(cursor, prefix.length, delimiter));
          entries.push(rollup ?? cursor);
          cursor = st.seek.get(rollup === undefined ? `${cursor}\u0000` : prefixEnd(rollup), end);
        }
        return entries;
      },
      scanAll() {
        let rows = 0;
        let keyBytes = 0;
        let valueBytes = 0;
        for (const [k, v] of st.all.iterate()) {
          rows++;
          keyBytes += k.length;
          valueBytes += v.length;
        }
        return { rows, keyBytes, valueBytes };
      },
      engineStats: () => undefined,
      close: () => db.close(),
    };
  },
};
