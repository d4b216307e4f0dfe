// The runtime smoke: what a user's script does with holt, run from the compiled
// dist/ under whichever runtime executes this file (node, bun or deno; see
// runtimes.test.ts). Usage: <runtime> smoke.mjs DIR [--duckdb]. Prints one
// line `ok {json}` on success; any failure throws (exit status not 0).
import { DB } from '../../dist/index.js';
import { ioUringAvailable, loadIo, IO_ALIGNMENT } from '../../dist/io/index.js';
import { join } from 'node:path';

const [dir, ...flags] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: smoke.mjs DIR [--duckdb]');
const KEYS = 100_000;
const key = (i) => `bucket-${String(i % 10).padStart(2, '0')}/dir-${String((i >> 4) % 50).padStart(2, '0')}/file-${String(i).padStart(6, '0')}.bin`;
const value = (i) => `{"size":${i * 7},"etag":"${(i * 2654435761 >>> 0).toString(16)}"}`;
function check(ok, what) {
  if (!ok) throw new Error(`smoke: ${what}`);
}

// Writes, sync, scans with a delimiter.
let db = DB.open(join(dir, 'db'));
const objects = db.tree('objects');
for (let i = 0; i < KEYS; i++) objects.put(key(i), value(i));
await db.sync();
const buckets = [...objects.scan({ delimiter: '/' })].map((e) => `${e.kind} ${e.key.toString()}`);
check(buckets.length === 10 && buckets[0] === 'prefix bucket-00/', `top level listing: ${buckets.slice(0, 3)}`);
const dirs = [...objects.scan({ prefix: 'bucket-03/', delimiter: '/' })];
check(dirs.length === 50 && dirs.every((e) => e.kind === 'prefix'), `bucket-03/ has ${dirs.length} rollups`);
const files = [...objects.scan({ prefix: 'bucket-03/dir-07/', delimiter: '/' })];
const expectedFiles = Array.from({ length: KEYS }, (_, i) => i).filter((i) => key(i).startsWith('bucket-03/dir-07/'));
check(files.length === expectedFiles.length && files.every((e) => e.kind !== 'prefix'), `bucket-03/dir-07/ lists ${files.length}, expected ${expectedFiles.length}`);

// A snapshot sees the state it was taken at, whatever follows.
const snap = db.snapshot();
objects.put(key(0), 'changed after the snapshot');
objects.delete(key(1));
check(snap.tree('objects').get(key(0))?.toString() === value(0), 'snapshot sees the old value');
check(snap.tree('objects').count('') === KEYS, 'snapshot count');
snap.close();
objects.put(key(0), value(0));
objects.put(key(1), value(1));
const stats = db.stats().durable;
await db.close();

// A clean reopen: every key is there with its value.
db = DB.open(join(dir, 'db'));
const reopened = db.tree('objects');
check(reopened.count('') === KEYS, `reopened count ${reopened.count('')}`);
for (let i = 0; i < KEYS; i++) {
  const v = reopened.get(key(i));
  if (v === undefined || v.toString() !== value(i)) throw new Error(`smoke: key ${key(i)} reads back ${v}`);
}

// The DuckDB bridge, where the runtime loads @duckdb/node-api.
let duckdb = 'not tried';
if (flags.includes('--duckdb')) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { registerHolt } = await import('../../dist/duckdb/index.js');
  const instance = await DuckDBInstance.create();
  const conn = await instance.connect();
  await registerHolt(conn, db);
  const reader = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM holt_scan('objects', 'bucket-03/')`);
  const n = reader.getRowObjects()[0].n;
  check(n === KEYS / 10, `holt_scan counted ${n}`);
  conn.closeSync();
  instance.closeSync();
  duckdb = `holt_scan counted ${n}`;
}
await db.close();

// holt/io: aligned batched reads through the implementation and backend chosen here.
const io = loadIo();
const file = io.open(join(dir, 'io.bin'), { create: true, direct: true });
const block = io.allocAligned(IO_ALIGNMENT * 8);
for (let i = 0; i < block.length; i++) block[i] = i % 251;
await file.pwriteAsync(block, 0);
await file.fdatasyncAsync();
const reads = Array.from({ length: 8 }, (_, i) => ({ buf: io.allocAligned(IO_ALIGNMENT), offset: i * IO_ALIGNMENT }));
const got = await file.preadManyAsync(reads);
check(got.every((n) => n === IO_ALIGNMENT), `preadManyAsync read ${got}`);
check(reads.every((r, i) => r.buf.every((b, j) => b === block[i * IO_ALIGNMENT + j])), 'batched reads return the bytes written');
const submitted = await Promise.all(file.submit(reads.map((r) => ({ op: 'read', buf: r.buf, offset: r.offset }))));
check(submitted.every((n) => n === IO_ALIGNMENT), 'submit');
file.close();

console.log(`ok ${JSON.stringify({ keys: KEYS, io: stats.io, ioBackend: stats.ioBackend, ioReason: stats.ioReason, runtime: stats.runtime, ioKind: io.kind, direct: file.direct, ioUringAvailable: ioUringAvailable(), duckdb })}`);
