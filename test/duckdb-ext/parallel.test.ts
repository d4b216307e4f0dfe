/**
 * Parallel scans: a tree large enough that holt_read cuts it into parts
 * (native/duckdb-ext/tree_scan.h, PlanScan) which DuckDB's threads read at
 * once. Aggregates run on several threads and must total what the TS engine
 * lists; a plain SELECT keeps one thread and must list the TS engine's rows in
 * the TS engine's order, in every parameter combination, with the WAL's
 * records (puts, deletes, renames) falling on both sides of the parts' bounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { tempDir, type TempDir } from '../support/temp-dir.js';
import { Rng } from '../support/rng.mjs';
import { argCombos, extRows, holtReadSql, openExt, sqlString, tsRows, type Ext } from './helpers.js';

const KEYS = 24_000;

describe('holt_read in parallel parts', () => {
  let ext: Ext;
  let scratch: TempDir;
  let dir: string;
  let writer: DB;
  beforeAll(async () => {
    ext = await openExt(4);
    scratch = tempDir('duckext-parallel');
    dir = scratch.dir;
    writer = await DB.open(dir);
    const t = writer.createTree('objects');
    const r = new Rng(29);
    const key = (): Buffer => r.next() < 0.9
      ? Buffer.from(`d${r.int(6)}/s${r.int(40)}/f-${r.int(1_000_000)}`)
      : Buffer.from(Array.from({ length: 1 + r.int(20) }, () => (r.next() < 0.2 ? 0x2f : r.int(256))));
    const value = (): Buffer => Buffer.alloc(r.int(40), r.int(256));
    for (let i = 0; i < KEYS; i++) t.put(key(), value());
    await writer.checkpoint();
    // After the checkpoint, only in the WAL: the overlay each part merges within its bounds.
    const keys = [...t.scan({ keysOnly: true })].map((e) => e.key as Buffer);
    for (let i = 0; i < 600; i++) t.put(key(), value());
    for (let i = 0; i < 300; i++) t.delete(keys[r.int(keys.length)]!);
    for (let i = 0; i < 100; i++) {
      try { t.rename(keys[r.int(keys.length)]!, key(), { overwrite: true }); } catch { /* source already gone */ }
    }
    await writer.sync();
  }, 120_000);
  afterAll(async () => {
    ext.close();
    await writer.close();
    scratch.cleanup();
  });

  it('aggregates on several threads total what the TS engine lists', async () => {
    const reader = await DB.open(dir, { readOnly: true });
    try {
      for (const prefix of ['', 'd3/', 'd1/s2']) {
        const rows = [...reader.openTree('objects').scan({ prefix: Buffer.from(prefix) })];
        const bytes = rows.reduce((n, e) => n + (e.value as Buffer).length, 0);
        const keyBytes = rows.reduce((n, e) => n + (e.key as Buffer).length, 0);
        const got = (await ext.connection.runAndReadAll(
          `SELECT count(*), sum(octet_length(value)), sum(octet_length(key_bytes)), count(DISTINCT key_bytes) FROM holt_read(${sqlString(dir)}, 'objects', ${sqlString(prefix)})`,
        )).getRows()[0]!;
        expect(got.map(Number), prefix).toEqual([rows.length, bytes, keyBytes, rows.length]);
      }
      expect(rowsOf(await ext.connection.runAndReadAll(`SELECT count(*) FROM holt_read(${sqlString(dir)}, 'objects', '', reverse := true, start_after := 'd2/')`)))
        .toEqual([[String([...reader.openTree('objects').scan({ reverse: true, startAfter: Buffer.from('d2/') })].length)]]);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('a plain SELECT lists the TS engine\'s rows in order in every parameter combination', async () => {
    const reader = await DB.open(dir, { readOnly: true });
    try {
      const sample = [...reader.openTree('objects').scan({ keysOnly: true })].filter((_, i) => i % 1999 === 7).map((e) => e.key as Buffer);
      let compared = 0;
      for (const args of argCombos(sample)) {
        const want = tsRows(reader, 'objects', args);
        expect(await extRows(ext, dir, 'objects', args), JSON.stringify(args)).toEqual(want);
        compared += want.length;
      }
      expect(compared).toBeGreaterThan(KEYS);
      // ORDER BY over the parts' rows from several threads: the same rows again.
      const ordered = (await ext.connection.runAndReadAll(`${holtReadSql(dir, 'objects', { prefix: '' }, 'key_bytes')} ORDER BY key_bytes`)).getRows();
      const want = [...reader.openTree('objects').scan({ keysOnly: true })].map((e) => (e.key as Buffer).toString('hex'));
      expect(ordered.map((r) => Buffer.from((r[0] as { bytes: Uint8Array }).bytes).toString('hex'))).toEqual(want);
    } finally {
      await reader.close();
    }
  }, 300_000);
});

function rowsOf(reader: { getRows(): unknown[][] }): string[][] {
  return reader.getRows().map((r) => r.map(String));
}
