/**
 * lmdb-js with its default options (memory-mapped B+tree, no cache of its own: the OS page
 * cache inside the cgroup is its only cache) but one: `noReadAhead`. A page fault on a
 * mapped file reads ahead by the block device's read_ahead_kb, which is 8 MiB on the VM
 * this campaign runs on; with the default, every cold lmdb get read 7.7 MiB and took
 * 8.8 ms (p50, first campaign run), which measures the VM's readahead setting, not lmdb.
 * lmdb-js documents the flag for exactly this case (random reads over a data set larger
 * than memory). Values are stored raw (`encoding: 'binary'`) so every engine holds the
 * same bytes; string keys use lmdb-js's default ordered-binary encoding (UTF-8 order, the
 * same as Holt's). Listings use getRange / getKeys, one range seek per rollup for a
 * delimiter listing.
 */

import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from '../../lib/paths.mjs';
import { prefixEnd, rollupOf } from '../../lib/keys.mjs';

const FILE = 'data.mdb';
const BATCH = 50_000;
const OPTIONS = { encoding: /** @type {const} */ ('binary'), noReadAhead: true };

/** @param {string} dir */
async function openAt(dir) {
  const { open } = await import('lmdb');
  return open({ path: path.join(dir, FILE), ...OPTIONS });
}

/** @type {import('./index.mjs').ColdEngine} */
export default {
  name: 'lmdb',
  summary: 'lmdb-js: memory-mapped B+tree, default options but noReadAhead, the OS page cache as its cache',
  settings: () => ({
    cache: 'OS page cache via mmap (bounded by the cgroup); lmdb-js object cache off (default)',
    options: "open({ path, encoding: 'binary', noReadAhead: true }), everything else default (noReadAhead: see the device's read_ahead_kb above)",
    build: `transactionSync of ${BATCH.toLocaleString('en-US')} putSync in load order`,
  }),

  load: () => import('lmdb'),

  async version() {
    const pkg = JSON.parse(fs.readFileSync(path.join(BENCH_DIR, 'node_modules', 'lmdb', 'package.json'), 'utf8'));
    return `lmdb-js ${pkg.version}`;
  },

  async build(dir, { data, order }) {
    const db = await openAt(dir);
    for (let n = 0; n < order.length; n += BATCH) {
      const to = Math.min(order.length, n + BATCH);
      db.transactionSync(() => {
        for (let m = n; m < to; m++) db.putSync(data.key(order[m]), data.value(order[m]));
      });
    }
    await db.close();
  },

  async open(dir) {
    const db = await openAt(dir);
    /** @param {string} start @param {string | undefined} end @param {boolean} exclusiveStart */
    const seek = (start, end, exclusiveStart) => {
      for (const key of db.getKeys(/** @type {any} */ ({ start, end, limit: 1, exclusiveStart }))) return /** @type {string} */ (key);
      return undefined;
    };
    return {
      get: (key) => db.get(key),
      list(prefix, n) {
        /** @type {Array<[string, Uint8Array]>} */
        const rows = [];
        for (const { key, value } of db.getRange({ start: prefix, end: prefixEnd(prefix), limit: n })) rows.push([/** @type {string} */ (key), value]);
        return rows;
      },
      listDir(prefix, delimiter, n, startAfter) {
        const end = /** @type {string | undefined} */ (prefixEnd(prefix));
        /** @type {string[]} */
        const entries = [];
        let cursor = seek(startAfter === undefined ? prefix : /** @type {string} */ (prefixEnd(startAfter)), end, false);
        while (cursor !== undefined && entries.length < n) {
          const rollup = /** @type {string | undefined} */ (rollupOf(cursor, prefix.length, delimiter));
          entries.push(rollup ?? cursor);
          cursor = rollup === undefined ? seek(cursor, end, true) : seek(/** @type {string} */ (prefixEnd(rollup)), end, false);
        }
        return entries;
      },
      scanAll() {
        let rows = 0;
        let keyBytes = 0;
        let valueBytes = 0;
        for (const { key, value } of db.getRange({})) {
          rows++;
          keyBytes += /** @type {string} */ (key).length;
          valueBytes += value.length;
        }
        return { rows, keyBytes, valueBytes };
      },
      engineStats: () => undefined,
      close: () => db.close(),
    };
  },
};
