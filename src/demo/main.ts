/**
 * `npm run demo`: build an S3-style catalog in .holt-demo/ (reset each run),
 * then explore it with DuckDB through the holt_* functions and finish with a
 * cross-tree atomic update. Every step prints its wall time.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DB } from '../index.js';
import { registerHolt } from '../duckdb/index.js';
import { bucketName, buildCatalog } from './catalog.js';

const DIR = fileURLToPath(new URL('../../.holt-demo/', import.meta.url));
const SHAPE = { buckets: 20, objects: 200_000, uploads: 2_000 };

async function step<T>(title: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  console.log(`  (${(performance.now() - t0).toFixed(0)} ms) ${title}\n`);
  return result;
}

async function show(connection: DuckDBConnection, title: string, sql: string): Promise<void> {
  console.log(`== ${title}\n${sql.trim()}\n`);
  await step(title, async () => {
    const reader = await connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJson().map((r) => columns.map((c) => (r[c] === null ? 'NULL' : String(r[c]))));
    const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
    console.log(columns.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    for (const r of rows) console.log(r.map((v, i) => (/^-?[\d.]+$/.test(v) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  '));
  });
}

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  console.log(`Holt demo: ${SHAPE.objects} objects in ${SHAPE.buckets} buckets at ${DIR}\n`);
  const db = DB.open(DIR);
  try {
    await step(`load ${SHAPE.objects} objects, ${SHAPE.buckets} buckets, ${SHAPE.uploads} uploads`, () => buildCatalog(db, SHAPE));
    await step('sync + checkpoint', async () => { await db.sync(); await db.checkpoint(); });

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await registerHolt(connection, db);

    await show(connection, 'trees', 'SELECT name, keys FROM holt_trees() ORDER BY name');
    await show(connection, 'objects and bytes per bucket', `
SELECT split_part(key, '/', 1) AS bucket,
       count(*) AS objects,
       round(sum((value::JSON->>'size')::BIGINT) / 1e9, 2) AS gb
FROM holt_json('objects', '')
GROUP BY 1 ORDER BY objects DESC LIMIT 8`);
    await show(connection, 'largest prefixes two levels down (holt_du)', `
SELECT path, keys, bytes AS metadata_bytes FROM holt_du('objects', '', 2) LIMIT 8`);
    await show(connection, 'one directory level (holt_ls)', `
SELECT name, is_dir, size FROM holt_ls('objects', '${bucketName(3)}/')`);
    await show(connection, 'content types in one bucket', `
SELECT value->>'contentType' AS type, count(*) AS n
FROM holt_json('objects', '${bucketName(0)}/') GROUP BY 1 ORDER BY n DESC`);
    await show(connection, 'key-only count (values never read)', `SELECT count(key) AS objects FROM holt_scan('objects', '')`);

    // Finish an upload: bump the bucket counter (guarded by its version), create the
    // object only if absent, and drop the upload record, all or nothing.
    console.log('== atomic multi-tree update');
    await step('db.atomic: compareAndPut + putIfAbsent + delete', () => {
      const uploadKey = db.tree('uploads').scan({ prefix: `${bucketName(3)}/`, limit: 1 }).toArray()[0];
      if (uploadKey === undefined || uploadKey.kind !== 'key') throw new Error('no upload to complete');
      const bucket = db.tree('buckets').getRecord(bucketName(3))!;
      const meta = JSON.parse(bucket.value.toString()) as { objects: number };
      const objectKey = `${bucketName(3)}/incoming/${uploadKey.key.toString().split('/').pop()}`;
      const result = db.atomic((b) => {
        b.tree('buckets').compareAndPut(bucketName(3), bucket.version, JSON.stringify({ ...meta, objects: meta.objects + 1 }));
        b.tree('objects').putIfAbsent(objectKey, JSON.stringify({ size: 1234, contentType: 'application/octet-stream' }));
        b.tree('uploads').delete(uploadKey.key);
      });
      console.log(`  ${objectKey}: ${JSON.stringify(result)}`);
      const again = db.atomic((b) => {
        b.tree('buckets').compareAndPut(bucketName(3), bucket.version, '{}');
        b.tree('objects').putIfAbsent(objectKey, '{}');
      });
      const why = again.ok ? 'applied?!' : `${again.failure.op} on ${again.failure.tree} failed: ${again.failure.reason}`;
      console.log(`  replaying with the stale version: nothing applied (${why})`);
    });
    await show(connection, 'after the update', `
SELECT (SELECT value->>'objects' FROM holt_json('buckets', '${bucketName(3)}')) AS bucket_counter,
       (SELECT count(*) FROM holt_scan('uploads', '${bucketName(3)}/')) AS uploads_left`);

    connection.closeSync();
    instance.closeSync();
  } finally {
    await step('db.close', () => db.close());
  }
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
});
