// A user's project that depends on holt (run by consumer.sh from a fresh
// install of the packed tarball): every entry point through the package's
// export map, nothing from this repository's paths. Usage: node app.mjs DIR
import { DB } from 'holt';
import { registerHolt } from 'holt/duckdb';
import { HoltLevel } from 'holt/level';
import { loadIo, nativeIoAvailable } from 'holt/io';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';

const dir = process.argv[2];
const fail = (what) => { throw new Error(`consumer: ${what}`); };

// The prebuild in the tarball loads at run time (no install script ran).
if (!nativeIoAvailable()) fail('the holt_io addon did not load from the installed package');

const db = DB.open(join(dir, 'catalog'));
const objects = db.tree('objects');
for (let i = 0; i < 1000; i++) objects.put(`acme/${i % 4}/file-${i}.bin`, JSON.stringify({ size: i }));
await db.sync();
const rollups = [...objects.scan({ prefix: 'acme/', delimiter: '/' })].map((e) => e.key.toString());
if (rollups.join(',') !== 'acme/0/,acme/1/,acme/2/,acme/3/') fail(`delimiter listing: ${rollups}`);

const instance = await DuckDBInstance.create();
const conn = await instance.connect();
await registerHolt(conn, db);
const rows = (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM holt_scan('objects', 'acme/2/')`)).getRowObjects();
if (rows[0].n !== 250) fail(`holt_scan counted ${rows[0].n}`);
conn.closeSync();
instance.closeSync();
const stats = db.stats().durable;
await db.close();

const level = new HoltLevel(join(dir, 'level'), { valueEncoding: 'json' });
await level.open();
await level.batch([{ type: 'put', key: 'a', value: { n: 1 } }, { type: 'put', key: 'b', value: { n: 2 } }]);
const values = await level.values({ gte: 'a' }).all();
if (JSON.stringify(values) !== '[{"n":1},{"n":2}]') fail(`level values ${JSON.stringify(values)}`);
await level.close();

const io = loadIo();
const file = io.open(join(dir, 'io.bin'), { create: true, direct: true });
const block = io.allocAligned(8192).fill(7);
await file.pwriteAsync(block, 0);
await file.fdatasyncAsync();
const reads = [0, 4096].map((offset) => ({ buf: io.allocAligned(4096), offset }));
const got = await file.preadManyAsync(reads);
if (got.join() !== '4096,4096' || !reads.every((r) => r.buf.every((b) => b === 7))) fail(`holt/io batched reads ${got}`);
file.close();

console.log(`consumer app: holt (${stats.io}, ${stats.ioBackend}: ${stats.ioReason}), holt/duckdb, holt/level, holt/io (${io.kind}, ${io.backend}) ok`);
