import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBBlobValue } from '@duckdb/node-api';
import { DB } from '../../src/index.js';
import type { ScanEvent } from '../../src/duckdb/index.js';
import { fillObjects, openBridge, type Bridge } from './helpers.js';
import { tempDir } from '../support/temp-dir.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

describe('holt_scan', () => {
  it('returns every column in key order', async () => {
    const db = DB.memory();
    const t = db.tree('t');
    const v1 = t.put('b', 'two');
    const v0 = t.put('a', 'one');
    bridge = await openBridge(db);
    expect(await bridge.rows("SELECT * FROM holt_scan('t', '')")).toEqual([
      { key: 'a', key_bytes: 'a', value: 'one', version: String(v0), is_prefix: false },
      { key: 'b', key_bytes: 'b', value: 'two', version: String(v1), is_prefix: false },
    ]);
  });

  it('filters by prefix, paginates with start_after and max_keys', async () => {
    const db = DB.memory();
    fillObjects(db, 300);
    bridge = await openBridge(db);
    const all = (await bridge.rows("SELECT key FROM holt_scan('objects', 'bucket-01/')")).map((r) => r.key as string);
    expect(all).toHaveLength(100);
    const pages: string[] = [];
    let after: string | null = null;
    for (;;) {
      const sa: string = after === null ? '' : `, start_after := '${after}'`;
      const page = (await bridge.rows(`SELECT key FROM holt_scan('objects', 'bucket-01/', max_keys := 30${sa})`)).map((r) => r.key as string);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(30);
      pages.push(...page);
      after = page[page.length - 1]!;
    }
    expect(pages).toEqual(all);
  });

  it('rolls up common prefixes with a delimiter and reverses', async () => {
    const db = DB.memory();
    fillObjects(db, 40, 2);
    bridge = await openBridge(db);
    expect(await bridge.rows("SELECT key, is_prefix, value, version FROM holt_scan('objects', '', delimiter := '/')")).toEqual([
      { key: 'bucket-00/', is_prefix: true, value: null, version: null },
      { key: 'bucket-01/', is_prefix: true, value: null, version: null },
    ]);
    const rev = await bridge.rows("SELECT key FROM holt_scan('objects', 'bucket-00/dir0/', reverse := true, max_keys := 2)");
    expect(rev.map((r) => r.key)).toEqual(['bucket-00/dir0/file-00036.bin', 'bucket-00/dir0/file-00032.bin']);
  });

  it('keys_only returns NULL values without reading them', async () => {
    const db = DB.memory();
    fillObjects(db, 10);
    const events: ScanEvent[] = [];
    bridge = await openBridge(db, { onScan: (e) => events.push(e) });
    const rows = await bridge.rows("SELECT key, value FROM holt_scan('objects', '', keys_only := true)");
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.value === null)).toBe(true);
    expect(events[0]!.options.keysOnly).toBe(true);
  });

  it('pushes projection down: values are read only when projected', async () => {
    const db = DB.memory();
    fillObjects(db, 5000);
    const events: ScanEvent[] = [];
    bridge = await openBridge(db, { onScan: (e) => events.push(e) });

    expect(await bridge.rows("SELECT count(key) AS n FROM holt_scan('objects', '')")).toEqual([{ n: '5000' }]);
    expect(events.at(-1)!.options.keysOnly).toBe(true);
    expect(events.at(-1)!.columns).toEqual(['key']);

    await bridge.rows("SELECT max(version) FROM holt_scan('objects', 'bucket-00/')");
    expect(events.at(-1)!.options.keysOnly).toBe(true);
    expect(events.at(-1)!.columns).toEqual(['version']);

    const [withValues] = await bridge.rows("SELECT sum(octet_length(value)) AS b FROM holt_scan('objects', '')");
    expect(events.at(-1)!.options.keysOnly).toBe(false);
    expect(events.at(-1)!.columns).toEqual(['value']);
    let bytes = 0;
    for (const e of db.openTree('objects').scan()) if (e.kind === 'key') bytes += e.value!.length;
    expect(withValues).toEqual({ b: String(bytes) });
  });

  it('streams chunk by chunk: a LIMIT reads only the first chunks', async () => {
    const db = DB.memory();
    fillObjects(db, 20_000);
    bridge = await openBridge(db);
    // The bridge reads through the borrowed-value scan (Tree.scanBorrowed) of a
    // snapshot's tree handle, made per query: count its steps on the prototype.
    const proto = Object.getPrototypeOf(db.openTree('objects')) as { scanBorrowed: (this: unknown, o: unknown) => Iterator<unknown> };
    const original = proto.scanBorrowed;
    let pulled = 0;
    proto.scanBorrowed = function (opts) {
      const it = original.call(this, opts);
      const next = it.next.bind(it);
      it.next = () => { pulled++; return next(); };
      return it;
    };
    let rows: unknown[];
    try {
      rows = await bridge.rows("SELECT key FROM holt_scan('objects', '') LIMIT 5");
    } finally {
      proto.scanBorrowed = original;
    }
    expect(rows).toHaveLength(5);
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThanOrEqual(2048 * 2);
  });

  it('passes binary keys through key_bytes; key holds the UTF-8 decoding with U+FFFD', async () => {
    const db = DB.memory();
    const t = db.tree('bin');
    const raw = Buffer.from([0x00, 0x61, 0xff, 0xfe, 0x80]);
    t.put(raw, Buffer.from([1, 2, 3]));
    t.put('plain/é', 'x');
    bridge = await openBridge(db);
    const reader = await bridge.connection.runAndReadAll("SELECT key, key_bytes, value FROM holt_scan('bin', '')");
    const rows = reader.getRows();
    expect(rows).toHaveLength(2);
    expect(Buffer.from((rows[0]![1] as DuckDBBlobValue).bytes)).toEqual(raw);
    expect(rows[0]![0]).toBe(raw.toString('utf8'));
    expect(rows[0]![0]).toContain('\uFFFD');
    expect(Buffer.from((rows[0]![2] as DuckDBBlobValue).bytes)).toEqual(Buffer.from([1, 2, 3]));
    expect(rows[1]![0]).toBe('plain/é');
  });

  it('keeps scanning while the tree is written between chunks', async () => {
    const db = DB.memory();
    fillObjects(db, 10_000, 1);
    bridge = await openBridge(db);
    const t = db.openTree('objects');
    // Writers run on the JS thread between the chunks DuckDB pulls.
    let writes = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 50; i++) t.put(`zz-new/${writes++}`, 'x');
      t.delete(`bucket-00/dir0/file-${String((writes * 4) % 10_000).padStart(5, '0')}.bin`);
    }, 0);
    const result = await bridge.connection.streamAndReadAll("SELECT key FROM holt_scan('objects', 'bucket-00/dir1/')");
    clearInterval(timer);
    const keys = result.getColumns()[0] as string[];
    // dir1 is never written: the scan sees exactly its 2500 keys, once each, in order.
    expect(keys).toHaveLength(2500);
    expect([...keys].sort()).toEqual(keys);
    expect(t.verify().ok).toBe(true);
  });

  it('reports Holt errors as SQL errors and leaves the connection usable', async () => {
    const db = DB.memory();
    fillObjects(db, 10);
    bridge = await openBridge(db);
    await expect(bridge.rows("SELECT * FROM holt_scan('nope', '')")).rejects.toThrow(/holt_scan: no tree named "nope" \(TREE_NOT_FOUND\)/);
    await expect(bridge.rows("SELECT * FROM holt_scan('objects', '', delimiter := '//')")).rejects.toThrow(/INVALID_ARGUMENT/);
    await expect(bridge.rows("SELECT * FROM holt_scan('objects', '', max_keys := -1)")).rejects.toThrow(/max_keys/);
    await expect(bridge.rows("SELECT * FROM holt_scan(NULL, '')")).rejects.toThrow(/tree must be/);
    expect(await bridge.rows("SELECT count(*) AS n FROM holt_scan('objects', '')")).toEqual([{ n: '10' }]);
    expect(db.openTree('objects').count()).toBe(10);
  });

  it('fails cleanly when the DB closes mid-scan', async () => {
    const db = DB.memory();
    fillObjects(db, 20_000, 1);
    bridge = await openBridge(db);
    const pending = bridge.connection.streamAndReadAll("SELECT key FROM holt_scan('objects', '')");
    setImmediate(() => void db.close());
    await expect(pending.then((r) => r.currentRowCount)).rejects.toThrow(/CLOSED/);
    await expect(bridge.rows("SELECT * FROM holt_trees()")).rejects.toThrow(/CLOSED/);
    expect(await bridge.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('exports to Parquet with COPY and reads it back', async () => {
    const db = DB.memory();
    fillObjects(db, 1000);
    bridge = await openBridge(db);
    const { dir, cleanup } = tempDir('parquet');
    try {
      const file = join(dir, 'objects.parquet');
      await bridge.connection.run(`COPY (SELECT key, value, version FROM holt_scan('objects', 'bucket-02/')) TO '${file}' (FORMAT parquet)`);
      const back = await bridge.rows(`SELECT count(*) AS n, min(key) AS first, sum(octet_length(value)) AS b FROM read_parquet('${file}')`);
      const direct = await bridge.rows("SELECT count(*) AS n, min(key) AS first, sum(octet_length(value)) AS b FROM holt_scan('objects', 'bucket-02/')");
      expect(back).toEqual(direct);
      expect(back[0]!.n).toBe('333');
    } finally {
      cleanup();
    }
  });
});
