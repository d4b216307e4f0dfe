/**
 * Damage and mistakes become SQL errors, never a crash or a wrong row:
 * a flipped byte in a frame, the manifest or a WAL record, a truncated data
 * file, a missing directory; and bad arguments fail at bind time.
 */
import { execFileSync } from 'node:child_process';
import { truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { SLOT_BYTES } from '../../src/layout/read-index.js';
import { flipByte } from '../support/damage.js';
import { testDir } from '../support/temp-dir.js';
import { openExt, type Ext } from './helpers.js';

const DIST = new URL('../../dist/index.js', import.meta.url).href;

/** A directory with a checkpointed tree (several frames) and WAL records after it. */
async function makeDir(): Promise<string> {
  const dir = testDir('duckext-damage');
  const db = await DB.open(dir);
  const t = db.createTree('objects');
  for (let i = 0; i < 3000; i++) t.put(`o/${i}`, 'x'.repeat(300));
  await db.close();
  // WAL records no checkpoint covers, from a writer that is gone (it exits without closing).
  const script = `const { DB } = await import(${JSON.stringify(DIST)}); const db = await DB.open(${JSON.stringify(dir)});
    for (let i = 0; i < 50; i++) db.tree('objects').put('w/' + i, 'wal'); await db.sync(); process.exit(0);`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script]);
  return dir;
}

describe('holt_read on damaged directories', () => {
  let ext: Ext;
  beforeAll(async () => { ext = await openExt(); });
  afterAll(() => ext.close());
  const query = (dir: string, tree = 'objects'): Promise<unknown> =>
    ext.connection.runAndReadAll(`SELECT count(*), sum(octet_length(value)) FROM holt_read('${dir}', '${tree}', '')`);

  it('reads the undamaged directory', async () => {
    const dir = await makeDir();
    const r = (await ext.connection.runAndReadAll(`SELECT count(*) FROM holt_read('${dir}', 'objects', '')`)).getRows();
    expect(r[0]![0]).toBe(3050n);
  });

  it('a flipped byte in a frame is CORRUPT naming data.holt and the offset', async () => {
    const dir = await makeDir();
    flipByte(join(dir, 'data.holt'), 0xb000 + 100);
    await expect(query(dir)).rejects.toThrow(/holt_read: .*data\.holt: frame \d+ page 11 checksum mismatch at byte 45056 \(CORRUPT\)/);
  });

  it('a damaged read index only means the whole image is checked against the frame checksum', async () => {
    const dir = await makeDir();
    const indexOf = (slot: number): number => slot * (SLOT_BYTES) + FRAME_SIZE;
    flipByte(join(dir, 'data.holt'), indexOf(0) + 200); // a page CRC in slot 0's index directory
    const r = (await ext.connection.runAndReadAll(`SELECT count(*) FROM holt_read('${dir}', 'objects', '')`)).getRows();
    expect(r[0]![0]).toBe(3050n);
    flipByte(join(dir, 'data.holt'), 0xb000 + 100);
    // The frame was checked (whole) and cached by the query above: empty the cache so it is read again.
    await ext.connection.run('SELECT * FROM holt_read_cache(budget_mb := 0)');
    await ext.connection.run('SELECT * FROM holt_read_cache(budget_mb := 256)');
    await expect(query(dir)).rejects.toThrow(/data\.holt: frame \d+ checksum mismatch at byte 16 \(CORRUPT\)/);
  });

  it('a truncated data file is CORRUPT', async () => {
    const dir = await makeDir();
    const file = join(dir, 'data.holt');
    truncateSync(file, Math.floor(statSync(file).size / 3));
    await expect(query(dir)).rejects.toThrow(/data\.holt: .* \(CORRUPT\)/);
  });

  it('a flipped byte in the manifest is CORRUPT naming MANIFEST', async () => {
    const dir = await makeDir();
    flipByte(join(dir, 'MANIFEST'), 10);
    await expect(query(dir)).rejects.toThrow(/MANIFEST: manifest checksum mismatch at byte \d+ \(CORRUPT\)/);
  });

  it('a flipped byte inside a WAL record followed by more records is CORRUPT naming the segment and offset', async () => {
    const dir = await makeDir();
    const wal = (await import('node:fs')).readdirSync(dir).filter((n) => n.startsWith('wal-')).sort().pop()!;
    flipByte(join(dir, wal), 4096 + 30);
    await expect(query(dir)).rejects.toThrow(/WAL file .*wal-\d+\.log is corrupt at byte offset 4096: bad checksum \(CORRUPT\)/);
  });

  it('a missing directory or tree is an error, not an empty result', async () => {
    const dir = await makeDir();
    await expect(query(join(dir, 'nope'))).rejects.toThrow(/holt_read: no database at .* \(NOT_FOUND\)/);
    await expect(query(dir, 'nope')).rejects.toThrow(/holt_read: no tree named "nope" \(TREE_NOT_FOUND\)/);
  });
});

describe('holt_read arguments', () => {
  let ext: Ext;
  let dir: string;
  beforeAll(async () => { ext = await openExt(); });
  afterAll(() => ext.close());

  const bad: Array<[string, RegExp]> = [
    [`holt_read(NULL, 'objects', '')`, /dir must be a non-NULL VARCHAR/],
    [`holt_read('$DIR', NULL, '')`, /tree must be a non-NULL VARCHAR/],
    [`holt_read('$DIR', 'objects', NULL)`, /prefix must be a non-NULL VARCHAR/],
    [`holt_read('$DIR', 'objects', '', delimiter := '//')`, /delimiter must be a single-byte string/],
    [`holt_read('$DIR', 'objects', '', max_keys := -1)`, /max_keys must be a non-negative integer/],
    [`holt_read('$DIR', 'objects', repeat('a', 16385))`, /prefix is longer than 16384 bytes \(KEY_TOO_LARGE\)/],
    [`holt_read('$DIR', 'objects', '', nope := 1)`, /nope/],
    [`holt_read('$DIR', 'objects')`, /holt_read/],
  ];
  for (const [call, message] of bad) {
    it(`${call} is a binder error`, async () => {
      dir ??= await makeDir();
      const sql = `SELECT * FROM ${call.replace('$DIR', dir)}`;
      const err = await ext.connection.runAndReadAll(sql).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/Binder Error/);
      expect(err?.message).toMatch(message);
    });
  }
});
