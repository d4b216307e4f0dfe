/**
 * The S3-style metadata batch of the multi-tree DB issue, on three namespaces:
 * per batch, update a bucket's object counter (read + compare-and-put), create an
 * object (put-if-absent), delete its multipart upload record. All three in one
 * atomic unit in every engine:
 *   holt            db.atomic over trees buckets / objects / uploads (memory, and file 'fast')
 *   better-sqlite3  one transaction over three WITHOUT ROWID tables (:memory:, and WAL synchronous=OFF)
 *   lmdb            one transactionSync over three sub-databases (tmpfs noSync, and disk noSync)
 * Prints batches/s per engine and the ratio against better-sqlite3. Run after
 * `npm run bench` once (it installs the peers): node bench/s3-batch.mjs
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB } from '../dist/index.js';

const require = createRequire(new URL('./package.json', import.meta.url));
const BUCKETS = 32;
const BATCHES = Number(process.env.BATCHES ?? 30_000);
const objectKey = (i) => `bucket-${String(i % BUCKETS).padStart(2, '0')}/path/sub/file-${String(i).padStart(6, '0')}.bin`;
const objectValue = (i) => `{"size":${i * 37},"etag":"${(i * 2654435761 >>> 0).toString(16)}","ct":"application/octet-stream"}`;
const bucketValue = (n) => `{"objects":${n}}`;

function time(name, fn) {
  fn(2000, 0); // warm-up on a separate key range
  const t0 = process.hrtime.bigint();
  fn(BATCHES, 1_000_000);
  const ns = Number(process.hrtime.bigint() - t0);
  return { name, perSec: BATCHES / (ns / 1e9), nsPerBatch: ns / BATCHES };
}

function holt(name, db) {
  const buckets = db.tree('buckets');
  const uploads = db.tree('uploads');
  db.tree('objects');
  const counts = new Array(BUCKETS).fill(0);
  for (let b = 0; b < BUCKETS; b++) buckets.put(`bucket-${String(b).padStart(2, '0')}`, bucketValue(0));
  return time(name, (n, base) => {
    for (let i = base; i < base + n; i++) uploads.put(objectKey(i), 'upload');
    for (let i = base; i < base + n; i++) {
      const b = i % BUCKETS;
      const bk = `bucket-${String(b).padStart(2, '0')}`;
      const version = buckets.getVersion(bk);
      const r = db.atomic((batch) => {
        batch.tree('buckets').compareAndPut(bk, version, bucketValue(counts[b] + 1));
        batch.tree('objects').putIfAbsent(objectKey(i), objectValue(i));
        batch.tree('uploads').delete(objectKey(i));
      });
      if (!r.ok) throw new Error('holt batch failed');
      counts[b]++;
    }
  });
}

function sqlite(name, file) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  if (file !== ':memory:') { db.pragma('journal_mode = WAL'); db.pragma('synchronous = OFF'); }
  for (const t of ['buckets', 'objects', 'uploads']) db.exec(`CREATE TABLE ${t} (k TEXT PRIMARY KEY, v TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID`);
  const getBucket = db.prepare('SELECT v, version FROM buckets WHERE k = ?');
  const casBucket = db.prepare('UPDATE buckets SET v = ?, version = version + 1 WHERE k = ? AND version = ?');
  const insObject = db.prepare('INSERT OR IGNORE INTO objects (k, v) VALUES (?, ?)');
  const delUpload = db.prepare('DELETE FROM uploads WHERE k = ?');
  const putUpload = db.prepare('INSERT OR REPLACE INTO uploads (k, v) VALUES (?, ?)');
  const putBucket = db.prepare('INSERT INTO buckets (k, v) VALUES (?, ?)');
  const counts = new Array(BUCKETS).fill(0);
  for (let b = 0; b < BUCKETS; b++) putBucket.run(`bucket-${String(b).padStart(2, '0')}`, bucketValue(0));
  const batch = db.transaction((i, b, bk, version) => {
    if (casBucket.run(bucketValue(counts[b] + 1), bk, version).changes !== 1) throw new Error('cas');
    if (insObject.run(objectKey(i), objectValue(i)).changes !== 1) throw new Error('exists');
    delUpload.run(objectKey(i));
  });
  const r = time(name, (n, base) => {
    for (let i = base; i < base + n; i++) putUpload.run(objectKey(i), 'upload');
    for (let i = base; i < base + n; i++) {
      const b = i % BUCKETS;
      const bk = `bucket-${String(b).padStart(2, '0')}`;
      batch(i, b, bk, getBucket.get(bk).version);
      counts[b]++;
    }
  });
  db.close();
  return r;
}

function lmdb(name, dir, noSync) {
  const { open } = require('lmdb');
  const env = open({ path: dir, noSync, noMetaSync: noSync, cache: false, compression: false, encoding: 'string' });
  const buckets = env.openDB({ name: 'buckets', encoding: 'string' });
  const objects = env.openDB({ name: 'objects', encoding: 'string' });
  const uploads = env.openDB({ name: 'uploads', encoding: 'string' });
  const counts = new Array(BUCKETS).fill(0);
  for (let b = 0; b < BUCKETS; b++) buckets.putSync(`bucket-${String(b).padStart(2, '0')}`, bucketValue(0));
  const r = time(name, (n, base) => {
    for (let i = base; i < base + n; i++) uploads.putSync(objectKey(i), 'upload');
    for (let i = base; i < base + n; i++) {
      const b = i % BUCKETS;
      const bk = `bucket-${String(b).padStart(2, '0')}`;
      env.transactionSync(() => {
        if (buckets.get(bk) !== bucketValue(counts[b])) throw new Error('cas');
        buckets.putSync(bk, bucketValue(counts[b] + 1));
        if (objects.get(objectKey(i)) !== undefined) throw new Error('exists');
        objects.putSync(objectKey(i), objectValue(i));
        uploads.removeSync(objectKey(i));
      });
      counts[b]++;
    }
  });
  env.close();
  return r;
}

const dirs = [];
const tmp = (where) => { const d = mkdtempSync(join(where, 'holt-s3batch-')); dirs.push(d); return d; };
const results = [];
try {
  results.push(holt('holt memory', DB.memory()));
  const hf = DB.open(tmp(tmpdir()), { durability: 'fast' });
  results.push(holt('holt file (fast)', hf));
  await hf.close();
  results.push(sqlite('better-sqlite3 :memory:', ':memory:'));
  results.push(sqlite('better-sqlite3 WAL, synchronous=OFF', join(tmp(tmpdir()), 'db.sqlite')));
  results.push(lmdb('lmdb tmpfs noSync', tmp('/dev/shm'), true));
  results.push(lmdb('lmdb disk noSync', tmp(tmpdir()), true));
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
const base = results.find((r) => r.name === 'better-sqlite3 :memory:').perSec;
console.log(`S3 metadata batch (bucket CAS + object put-if-absent + upload delete), ${BATCHES} batches`);
for (const r of results) console.log(`${r.name.padEnd(38)} ${Math.round(r.perSec).toLocaleString('en-US').padStart(10)} batches/s  ${(r.nsPerBatch / 1000).toFixed(2).padStart(7)} µs  ${(r.perSec / base).toFixed(2)}x better-sqlite3 :memory:`);
