// The native `holt` DuckDB extension against the alternatives, one run, same
// rows (npm run bench:duckdb [N], after npm run build):
//   SELECT count(*), sum(octet_length(value)) FROM <source>
//   SELECT count(key) FROM <source>                       (keys only)
// over N objstore-style keys (default 1M) written to a directory and closed
// (so all of it is checkpointed; a second directory keeps 10% in the WAL),
// read through holt_read (the extension reads the files), holt_scan (the JS
// bridge over the same directory opened in this process) and a Parquet file
// of the same rows. Best of 3 per line. --save writes bench/duckdb/RESULTS.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DB } from '../../dist/index.js';
import { holtExtensionPath, registerHolt } from '../../dist/duckdb/index.js';

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const SAVE = process.argv.includes('--save');
const RUNS = 3;
const scratch = mkdtempSync(join(tmpdir(), 'holt-bench-duckdb-'));
const key = (i) => `bucket-${String(i % 20).padStart(2, '0')}/path/sub${i % 100}/file-${String(i).padStart(7, '0')}.bin`;
const value = (i) => `{"size":${(i * 7919) % 100000},"etag":"${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}","ct":"bin"}`;

async function load(dir, walShare) {
  const db = await DB.open(dir);
  const t = db.createTree('objects');
  const inWal = Math.floor(N * walShare);
  for (let i = 0; i < N - inWal; i++) t.put(key(i), value(i));
  await db.close();
  if (inWal === 0) return;
  // The rest only in the WAL: a writer that ends without the checkpoint close makes.
  const { execFileSync } = await import('node:child_process');
  const dist = new URL('../../dist/index.js', import.meta.url).href;
  execFileSync(process.execPath, ['--input-type=module', '-e', `
    const { DB } = await import(${JSON.stringify(dist)}); const db = await DB.open(${JSON.stringify(dir)});
    const key = ${key.toString()}; const value = ${value.toString()}; const t = db.tree('objects');
    for (let i = ${N - inWal}; i < ${N}; i++) t.put(key(i), value(i));
    await db.sync(); process.exit(0);`]);
}

let t0 = performance.now();
const dir = join(scratch, 'checkpointed');
const walDir = join(scratch, 'with-wal');
await load(dir, 0);
await load(walDir, 0.1);
console.log(`wrote ${N} keys twice in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const instance = await DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' });
const conn = await instance.connect();
await conn.run(`LOAD '${holtExtensionPath()}'`);
const bridgeDb = await DB.open(dir, { readOnly: true });
await registerHolt(conn, bridgeDb);
const parquet = join(scratch, 'objects.parquet');
await conn.run(`COPY (SELECT key, value FROM holt_read('${dir}', 'objects', '')) TO '${parquet}' (FORMAT parquet)`);

async function best(label, sql) {
  let ms = Infinity;
  let rows;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    rows = (await conn.runAndReadAll(sql)).getRows();
    ms = Math.min(ms, performance.now() - t);
  }
  const rate = N / (ms / 1000);
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms ${(rate / 1e6).toFixed(2).padStart(7)} M rows/s  ${rows[0].map(String).join(', ')}`);
  return { label, ms, rate, check: rows[0].map(String).join(', ') };
}

const VALUES = 'SELECT count(*), sum(octet_length(value)) FROM';
const KEYS = 'SELECT count(key) FROM';
const results = [
  await best('holt_read: count + sum(octet_length(value))', `${VALUES} holt_read('${dir}', 'objects', '')`),
  await best('holt_read: keys only, count(key)', `${KEYS} holt_read('${dir}', 'objects', '')`),
  await best('holt_read, 10% in the WAL: count + sum', `${VALUES} holt_read('${walDir}', 'objects', '')`),
  await best('Parquet: count + sum(octet_length(value))', `${VALUES} read_parquet('${parquet}')`),
  await best('Parquet: keys only, count(key)', `${KEYS} read_parquet('${parquet}')`),
  await best('holt_scan (JS bridge): count + sum', `${VALUES} holt_scan('objects', '')`),
  await best('holt_scan (JS bridge): keys only, count(key)', `${KEYS} holt_scan('objects', '')`),
];
const ratio = results[3].rate / results[0].rate;
console.log(`Parquet / holt_read (values): ${ratio.toFixed(2)}x; holt_read / holt_scan: ${(results[0].rate / results[5].rate).toFixed(1)}x`);

conn.closeSync();
instance.closeSync();
await bridgeDb.close();
rmSync(scratch, { recursive: true, force: true });

if (SAVE) {
  const lines = [
    '# bench:duckdb — the native holt extension',
    '',
    `\`npm run bench:duckdb -- --save\`, ${N.toLocaleString('en-US')} keys, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), best of ${RUNS}, one run.`,
    '',
    '| source | ms | M rows/s | result |',
    '| --- | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.label} | ${r.ms.toFixed(0)} | ${(r.rate / 1e6).toFixed(2)} | ${r.check} |`),
    '',
    `Parquet is ${ratio.toFixed(2)}x holt_read with values; holt_read is ${(results[0].rate / results[5].rate).toFixed(1)}x the JS bridge.`,
    '',
  ];
  writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), lines.join('\n'));
}
