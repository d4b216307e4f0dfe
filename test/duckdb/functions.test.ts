import { afterEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { fillObjects, openBridge, type Bridge } from './helpers.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

describe('holt_trees, holt_stats, holt_get', () => {
  it('holt_trees lists every tree with ids, keys and frames', async () => {
    const db = DB.memory();
    fillObjects(db, 50);
    db.tree('buckets').put('bucket-00', '{}');
    bridge = await openBridge(db);
    const rows = await bridge.rows('SELECT * FROM holt_trees() ORDER BY name');
    expect(rows).toEqual(db.listTrees().map((t) => ({ name: t.name, id: t.id, keys: String(t.keys), frames: '1' })));
  });

  it('holt_stats flattens db.stats()', async () => {
    const db = DB.memory();
    fillObjects(db, 7);
    bridge = await openBridge(db);
    const rows = await bridge.rows('SELECT name, value FROM holt_stats()');
    expect(rows).toContainEqual({ name: 'trees', value: '1' });
    expect(rows).toContainEqual({ name: 'trees.objects.keys', value: '7' });
    expect(rows).toContainEqual({ name: 'durable', value: 'false' });
    expect(rows).toContainEqual({ name: 'frames', value: String(db.stats().frames) });
  });

  it('holt_get returns the value, NULL for missing keys and NULL arguments', async () => {
    const db = DB.memory();
    db.tree('t').put('a', 'hello');
    bridge = await openBridge(db);
    expect(await bridge.rows("SELECT holt_get('t', 'a') AS a, holt_get('t', 'zz') AS missing, holt_get('t', NULL) AS n")).toEqual([
      { a: 'hello', missing: null, n: null },
    ]);
    // Works per row, over a column of keys.
    const rows = await bridge.rows("SELECT k, decode(holt_get('t', k)) AS v FROM (VALUES ('a'), ('b')) AS x(k) ORDER BY k");
    expect(rows).toEqual([{ k: 'a', v: 'hello' }, { k: 'b', v: null }]);
    // Sees writes made after registration (volatile: never cached).
    db.openTree('t').put('b', 'later');
    expect(await bridge.rows("SELECT decode(holt_get('t', 'b')) AS v")).toEqual([{ v: 'later' }]);
  });

  it('holt_get on an unknown tree is an error, not NULL', async () => {
    bridge = await openBridge(DB.memory());
    await expect(bridge.rows("SELECT holt_get('nope', 'a')")).rejects.toThrow(/holt_get: no tree named "nope" \(TREE_NOT_FOUND\)/);
    expect(await bridge.rows('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });
});

describe('SQL macros', () => {
  it('holt_ls lists one level like ls', async () => {
    const db = DB.memory();
    const t = db.tree('fs');
    t.put('home/ann/a.txt', '12345');
    t.put('home/ann/docs/x', '1');
    t.put('home/ann/docs/y', '1');
    t.put('home/bob/b.txt', '1');
    bridge = await openBridge(db);
    expect(await bridge.rows("SELECT name, is_dir, size FROM holt_ls('fs', 'home/ann/')")).toEqual([
      { name: 'a.txt', is_dir: false, size: '5' },
      { name: 'docs/', is_dir: true, size: null },
    ]);
    expect((await bridge.rows("SELECT name FROM holt_ls('fs', '')")).map((r) => r.name)).toEqual(['home/']);
  });

  it('holt_du rolls key counts and bytes up per prefix at a depth', async () => {
    const db = DB.memory();
    const t = db.tree('fs');
    t.put('a/x/1', '111');
    t.put('a/x/2', '22');
    t.put('a/y/1', '1');
    t.put('a/top', '4444');
    t.put('b/z/1', '55555');
    bridge = await openBridge(db);
    expect(await bridge.rows("SELECT * FROM holt_du('fs', '', 1)")).toEqual([
      { path: 'a/', keys: '4', bytes: '10' },
      { path: 'b/', keys: '1', bytes: '5' },
    ]);
    expect(await bridge.rows("SELECT * FROM holt_du('fs', 'a/', 1)")).toEqual([
      { path: 'a/x/', keys: '2', bytes: '5' },
      { path: 'a/top', keys: '1', bytes: '4' },
      { path: 'a/y/', keys: '1', bytes: '1' },
    ]);
    expect(await bridge.rows("SELECT * FROM holt_du('fs', 'a/', 0)")).toEqual([{ path: 'a/', keys: '4', bytes: '10' }]);
  });

  it('holt_json parses JSON values; invalid ones are NULL', async () => {
    const db = DB.memory();
    const t = db.tree('j');
    t.put('o/1', JSON.stringify({ size: 10, type: 'image/png' }));
    t.put('o/2', 'not json');
    t.put('o/3', Buffer.from([0xff, 0x00]));
    bridge = await openBridge(db);
    expect(await bridge.rows("SELECT key, value->>'type' AS type, (value->>'size')::INT AS size FROM holt_json('j', 'o/')")).toEqual([
      { key: 'o/1', type: 'image/png', size: 10 },
      { key: 'o/2', type: null, size: null },
      { key: 'o/3', type: null, size: null },
    ]);
    expect(await bridge.rows("SELECT holt_get_json('j', 'o/1')->>'type' AS t, holt_get_json('j', 'o/2') AS bad")).toEqual([
      { t: 'image/png', bad: null },
    ]);
  });

  it('macros can be left out', async () => {
    bridge = await openBridge(DB.memory(), { macros: false });
    await expect(bridge.rows("SELECT * FROM holt_ls('x', '')")).rejects.toThrow(/holt_ls/);
  });
});
