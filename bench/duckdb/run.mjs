// DuckDB over Holt, every way in, one run, same rows (npm run bench:duckdb [N]
// [--save], after npm run build):
//   SELECT count(*), sum(octet_length(value)) FROM <source>
//   SELECT count(key) FROM <source>                       (keys only)
// over N objstore-style keys (default 1M) written to a directory and closed
// (so all of it is checkpointed; a second directory keeps 10% in the WAL),
// read through holt_read (the native extension reads the files: cold, with the
// process's frame cache emptied, and warm), holt_scan (the JS bridge over the
// same directory opened in this process), a native DuckDB table and a Parquet
// file of the same rows. Best of 3 per line, with the process's CPU time per
// query (all of DuckDB's threads), since the machine is shared: wall time
// depends on what else runs, CPU time much less. --save writes bench/DUCKDB.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
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
  const dist = new URL('../../dist/index.js', import.meta.url).href;
  execFileSync(process.execPath, ['--input-type=module', '-e', `
    const { DB } = await import(${JSON.stringify(dist)}); const db = await DB.open(${JSON.stringify(dir)});
    const key = ${key.toString()}; const value = ${value.toString()}; const t = db.tree('objects');
    for (let i = ${N - inWal}; i < ${N}; i++) t.put(key(i), value(i));
    await db.sync(); process.exit(0);`]);
}

const t0 = performance.now();
const dir = join(scratch, 'checkpointed');
const walDir = join(scratch, 'with-wal');
await load(dir, 0);
await load(walDir, 0.1);
console.log(`wrote ${N} keys twice in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const threads = cpus().length;
const instance = await DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true', threads: String(threads) });
const conn = await instance.connect();
await conn.run(`LOAD '${holtExtensionPath()}'`);
const bridgeDb = await DB.open(dir, { readOnly: true });
await registerHolt(conn, bridgeDb);
const parquet = join(scratch, 'objects.parquet');
await conn.run(`COPY (SELECT key, value FROM holt_read('${dir}', 'objects', '')) TO '${parquet}' (FORMAT parquet)`);
await conn.run(`CREATE TABLE objects AS SELECT key, value FROM holt_read('${dir}', 'objects', '')`);

/** Best wall time of RUNS, and the mean CPU time (user + system, every thread of this process) per query. */
async function best(label, sql, { before } = {}) {
  let ms = Infinity;
  let cpuMs = 0;
  let rows;
  for (let r = 0; r < RUNS; r++) {
    for (const sql of before ?? []) await conn.run(sql);
    const c = process.cpuUsage();
    const t = performance.now();
    rows = (await conn.runAndReadAll(sql)).getRows();
    ms = Math.min(ms, performance.now() - t);
    const used = process.cpuUsage(c);
    cpuMs += (used.user + used.system) / 1000 / RUNS;
  }
  const rate = N / (ms / 1000);
  const check = rows[0].map(String).join(', ');
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms ${(rate / 1e6).toFixed(2).padStart(7)} M rows/s  cpu ${cpuMs.toFixed(0).padStart(5)} ms  ${check}`);
  return { label, ms, rate, cpuMs, check };
}

const VALUES = 'SELECT count(*), sum(octet_length(value)) FROM';
const KEYS = 'SELECT count(key) FROM';
const cold = { before: ['SELECT * FROM holt_read_cache(budget_mb := 0)', 'SELECT * FROM holt_read_cache(budget_mb := 1024)'] };
const read = `holt_read('${dir}', 'objects', '')`;
const results = [
  await best('holt_read: count + sum(octet_length(value))', `${VALUES} ${read}`),
  await best('holt_read: keys only, count(key)', `${KEYS} ${read}`),
  await best('holt_read, cold frame cache: count + sum', `${VALUES} ${read}`, cold),
  await best('holt_read, 10% in the WAL: count + sum', `${VALUES} holt_read('${walDir}', 'objects', '')`),
  // Seeks: 20 rollups over all the keys, and the last of 20 buckets after a start_after.
  await best('holt_read: delimiter \'/\' listing, count(*)', `SELECT count(*) FROM holt_read('${dir}', 'objects', '', delimiter := '/')`),
  await best('holt_read: start_after \'bucket-18/~\', count(*)', `SELECT count(*) FROM holt_read('${dir}', 'objects', '', start_after := 'bucket-18/~')`),
  await best('holt_scan (JS bridge): count + sum', `${VALUES} holt_scan('objects', '')`),
  await best('holt_scan (JS bridge): keys only, count(key)', `${KEYS} holt_scan('objects', '')`),
  await best('native DuckDB table: count + sum', `${VALUES} objects`),
  await best('native DuckDB table: keys only, count(key)', `${KEYS} objects`),
  await best('Parquet: count + sum(octet_length(value))', `${VALUES} read_parquet('${parquet}')`),
  await best('Parquet: keys only, count(key)', `${KEYS} read_parquet('${parquet}')`),
];
const [readValues, readKeys, , , , , bridgeValues, , , , parquetValues, parquetKeys] = results;
const summary = [
  `Parquet is ${(parquetValues.rate / readValues.rate).toFixed(2)}x holt_read with values (${(readValues.cpuMs / parquetValues.cpuMs).toFixed(2)}x by CPU time)`,
  `and ${(parquetKeys.rate / readKeys.rate).toFixed(2)}x keys only; holt_read is ${(readValues.rate / bridgeValues.rate).toFixed(1)}x the JS bridge.`,
].join(' ');
console.log(summary);
const load1 = loadavg()[0].toFixed(2);
console.log(`load average (1 min) at the end: ${load1}`);

conn.closeSync();
instance.closeSync();
await bridgeDb.close();
rmSync(scratch, { recursive: true, force: true });

if (SAVE) {
  const lines = [
    '# DuckDB over Holt: scan throughput',
    '',
    `Generated by \`npm run bench:duckdb -- --save\` (bench/duckdb/run.mjs, after \`npm run build\`), one run:`,
    `${N.toLocaleString('en-US')} objstore keys (\`bucket-NN/path/subK/file-NNNNNNN.bin\`, ~43-byte JSON values) written to a`,
    'directory and closed; a second directory keeps the last 10% only in the WAL. DuckDB with',
    `${threads} threads, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared with other jobs (1-minute load average`,
    `${load1} at the end of the run): wall times move with the load, so each line also gives the mean CPU time`,
    `per query over all of DuckDB's threads. Best of ${RUNS}.`,
    '',
    '- `holt_read`: the native extension (`native/duckdb-ext/`) reading the directory\'s files; warm is',
    '  with the frames in the process\'s frame cache (the usual case from the second query on), cold',
    '  with the cache emptied first (every frame read and CRC-checked).',
    '- `holt_scan`: the JS bridge (`registerHolt`) over the same directory opened read-only in this process.',
    '- native DuckDB table and Parquet file: the same keys and values, written from `holt_read`.',
    '- The delimiter and start_after lines read few rows (20 rollups; the last bucket\'s 50,000 keys) but',
    '  their M rows/s count all N keys: what a scan that read every key would have to reach.',
    '',
    '| source | ms | M rows/s | CPU ms / query | result |',
    '| --- | ---: | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.label} | ${r.ms.toFixed(0)} | ${(r.rate / 1e6).toFixed(2)} | ${r.cpuMs.toFixed(0)} | ${r.check} |`),
    '',
    summary,
    `By CPU time holt_read reads ${(N / readValues.cpuMs / 1000).toFixed(1)}M rows per CPU-second with values and ${(N / readKeys.cpuMs / 1000).toFixed(1)}M keys only.`,
    '',
    'Where the rest goes: the cold line reads every frame and checks its CRCs once (later queries take the',
    'checked copies from the frame cache); the WAL line replays the WAL\'s records into an overlay on every',
    'query (frames are cached, replayed records are not); Parquet answers count(key) from its metadata.',
    '',
  ];
  writeFileSync(fileURLToPath(new URL('../DUCKDB.md', import.meta.url)), lines.join('\n'));
}
