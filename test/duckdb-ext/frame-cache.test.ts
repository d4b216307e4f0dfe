/**
 * The process's cache of checked frames (native/duckdb-ext/frame_cache.h):
 * a repeated query takes every frame from it instead of reading and checking
 * again; a slot the writer fills again is never served from it (the rows
 * follow the writer's checkpoints exactly); and damage after a frame was
 * cached: the query keeps answering with the checked bytes (never the
 * damaged ones), a damaged checksum field is reported at once, and a process
 * that has not cached the frame (or this one, once the cache is emptied)
 * reports the damage with file and offset; a new file is never taken for a
 * deleted one whose inode it reuses.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { holtExtensionPath } from '../../src/duckdb/index.js';
import { flipByte } from '../support/damage.js';
import { testDir } from '../support/temp-dir.js';
import { extRows, openExt, sqlString, tsRows, type Ext } from './helpers.js';

interface CacheStats { frames: number; bytes: number; budget: number; hits: number; misses: number }

/** The same count + sum query in a fresh process: a DuckDB whose cache has never seen the directory. */
function queryInFreshProcess(dir: string): string {
  const script = `import { DuckDBInstance } from '@duckdb/node-api';
    const i = await DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' }); const c = await i.connect();
    await c.run(${JSON.stringify(`LOAD ${sqlString(holtExtensionPath())}`)});
    try { const r = await c.runAndReadAll(${JSON.stringify(`SELECT count(*), sum(octet_length(value)) FROM holt_read(${sqlString(dir)}, 'objects', '')`)});
      console.log(r.getRows()[0].map(String).join(',')); } catch (e) { console.log(e.message); }`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
}

describe('holt_read\'s frame cache', () => {
  let ext: Ext;
  beforeAll(async () => { ext = await openExt(); });
  afterAll(() => ext.close());
  const stats = async (): Promise<CacheStats> => {
    const r = (await ext.connection.runAndReadAll('SELECT * FROM holt_read_cache()')).getRows()[0]!.map(Number);
    return { frames: r[0]!, bytes: r[1]!, budget: r[2]!, hits: r[3]!, misses: r[4]! };
  };
  const totals = async (dir: string): Promise<string> =>
    (await ext.connection.runAndReadAll(`SELECT count(*), sum(octet_length(value)) FROM holt_read(${sqlString(dir)}, 'objects', '')`)).getRows()[0]!.map(String).join(',');

  async function makeDir(): Promise<string> {
    const dir = testDir('duckext-cache');
    const db = await DB.open(dir);
    const t = db.createTree('objects');
    for (let i = 0; i < 6000; i++) t.put(`o/${String(i).padStart(5, '0')}`, 'v'.repeat(200 + (i % 50)));
    await db.close();
    return dir;
  }

  it('a repeated query reads no frame again', async () => {
    const dir = await makeDir();
    const first = await totals(dir);
    const before = await stats();
    expect(before.frames).toBeGreaterThan(1);
    expect(await totals(dir)).toBe(first);
    const after = await stats();
    expect(after.misses).toBe(before.misses);
    expect(after.hits).toBeGreaterThan(before.hits);
  });

  it('follows the writer: frames rewritten by checkpoints are read again, never served stale', async () => {
    const dir = testDir('duckext-cache-writer');
    const db = await DB.open(dir);
    const t = db.createTree('objects');
    for (let i = 0; i < 4000; i++) t.put(`o/${String(i).padStart(5, '0')}`, 'a'.repeat(150));
    await db.checkpoint();
    for (let round = 0; round < 4; round++) {
      const reader = await DB.open(dir, { readOnly: true });
      expect(await extRows(ext, dir, 'objects', { prefix: '' })).toEqual(tsRows(reader, 'objects', { prefix: '' }));
      await reader.close();
      // New values in place: the frames' slots are released and later filled again with other bytes.
      for (let i = round; i < 4000; i += 3) t.put(`o/${String(i).padStart(5, '0')}`, String.fromCharCode(98 + round).repeat(150 + round));
      await db.checkpoint();
    }
    await db.close();
    const reader = await DB.open(dir, { readOnly: true });
    expect(await extRows(ext, dir, 'objects', { prefix: '' })).toEqual(tsRows(reader, 'objects', { prefix: '' }));
    await reader.close();
  }, 60_000);

  it('damage after caching: the checked bytes keep answering, a fresh process and an emptied cache report it', async () => {
    const dir = await makeDir();
    const good = await totals(dir);
    const data = join(dir, 'data.holt');
    flipByte(data, 0xb000 + 100); // inside frame 0's data area, not a checksum field
    expect(await totals(dir)).toBe(good);
    expect(queryInFreshProcess(dir)).toMatch(/data\.holt: frame \d+ page 11 checksum mismatch at byte 45056 \(CORRUPT\)/);
    await ext.connection.run('SELECT * FROM holt_read_cache(budget_mb := 0)');
    expect((await stats()).frames).toBe(0);
    await expect(totals(dir)).rejects.toThrow(/data\.holt: frame \d+ page 11 checksum mismatch at byte 45056 \(CORRUPT\)/);
    await ext.connection.run('SELECT * FROM holt_read_cache(budget_mb := 256)');
  }, 60_000);

  it('a new file with the same bytes (perhaps in a deleted file\'s inode) is another file', async () => {
    const first = await makeDir();
    await totals(first);
    rmSync(first, { recursive: true, force: true });
    const again = await makeDir(); // the same puts: frame for frame the same bytes and checksums
    flipByte(join(again, 'data.holt'), 0xb000 + 100);
    await expect(totals(again)).rejects.toThrow(/data\.holt: frame \d+ page 11 checksum mismatch at byte 45056 \(CORRUPT\)/);
  });

  it('a damaged checksum field is a miss, reported at once', async () => {
    const dir = await makeDir();
    await totals(dir);
    flipByte(join(dir, 'data.holt'), 0x10); // frame 0's own CRC, in its header page
    await expect(totals(dir)).rejects.toThrow(/data\.holt: frame \d+ page 0 checksum mismatch at byte 0 \(CORRUPT\)/);
  });

  it('budget_mb must be non-negative', async () => {
    const err = await ext.connection.run('SELECT * FROM holt_read_cache(budget_mb := -1)').then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/Binder Error.*budget_mb must be a non-negative integer/);
  });
});
