/**
 * What HoltLevel promises beyond abstract-level's suite: how it lays Level data out in
 * Holt, one Holt batch per Level batch, the `sync` write option, reopening, the options
 * and the manifest, and clear() leaving later writes alone.
 */
import { describe, expect, it } from 'vitest';
import { DB, MAX_KEY_BYTES } from '../../src/index.js';
import { DEFAULT_LEVEL_TREE, EMPTY_KEY_TREE, HoltLevel } from '../../src/level/index.js';
import { testDir } from '../support/temp-dir.js';

const tempDir = () => testDir('level');

describe('layout in Holt', () => {
  it('stores keys verbatim in the tree and the empty key in the reserved tree', async () => {
    const db = DB.memory();
    const level = new HoltLevel(db);
    await level.put('a/b', '1');
    await level.put('', 'empty');
    expect(db.tree(DEFAULT_LEVEL_TREE).get('a/b')?.toString()).toBe('1');
    expect(db.tree(DEFAULT_LEVEL_TREE).count()).toBe(1);
    expect(db.openTree(EMPTY_KEY_TREE).get(DEFAULT_LEVEL_TREE)?.toString()).toBe('empty');
    // Holt's own API reads the same tree, through the `tree` getter too.
    expect([...level.tree.scan({ delimiter: '/' })].map((e) => e.key.toString())).toEqual(['a/']);
    await level.del('');
    expect(db.openTree(EMPTY_KEY_TREE).has(DEFAULT_LEVEL_TREE)).toBe(false);
    await level.close();
  });

  it('keeps databases on different trees of one DB apart, the empty key included', async () => {
    const db = DB.memory();
    const one = new HoltLevel(db, { tree: 'one' });
    const two = new HoltLevel(db, { tree: 'two' });
    await one.batch([{ type: 'put', key: '', value: 'e1' }, { type: 'put', key: 'k', value: '1' }]);
    await two.put('k', '2');
    expect(await one.iterator().all()).toEqual([['', 'e1'], ['k', '1']]);
    expect(await two.iterator().all()).toEqual([['k', '2']]);
    await Promise.all([one.close(), two.close()]);
  });

  it('rejects the reserved tree name and a missing location', () => {
    expect(() => new HoltLevel(DB.memory(), { tree: EMPTY_KEY_TREE })).toThrow(/reserved/);
    expect(() => new HoltLevel('')).toThrow(TypeError);
  });
});

describe('writes', () => {
  it('applies an array batch and a chained batch as one Holt log record each', async () => {
    const db = DB.open(tempDir());
    const level = new HoltLevel(db);
    await level.open();
    const records = () => db.stats().durable!.wal!.recordsAppended;
    // The first empty key creates its tree (a catalog record of its own); do that beforehand.
    await level.put('', 'first');
    let before = records();
    await level.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: '', value: 'e' },
      { type: 'del', key: 'a' },
      { type: 'put', key: 'b', value: '2' },
    ]);
    expect(records() - before).toBe(1);
    expect(await level.iterator().all()).toEqual([['', 'e'], ['b', '2']]);
    before = records();
    await level.batch().put('c', '3').del('b').del('').write();
    expect(records() - before).toBe(1);
    expect(await level.iterator().all()).toEqual([['c', '3']]);
    await level.close();
    await db.close();
  });

  it('applies nothing of a batch that holds a key Holt cannot store', async () => {
    const level = new HoltLevel(DB.memory());
    await expect(level.batch([
      { type: 'put', key: 'first', value: '1' },
      { type: 'put', key: 'x'.repeat(MAX_KEY_BYTES + 1), value: '2' },
    ])).rejects.toMatchObject({ code: 'KEY_TOO_LARGE' });
    expect(await level.keys().all()).toEqual([]);
    await level.close();
  });

  it('waits for an fdatasync when a write passes sync: true', async () => {
    const db = DB.open(tempDir());
    const level = new HoltLevel(db);
    await level.open();
    const served = () => db.stats().durable!.wal!.syncWaitersServed;
    const before = served();
    await level.put('a', '1');
    await level.del('a');
    await level.batch([{ type: 'put', key: 'b', value: '2' }]);
    expect(served()).toBe(before);
    await level.put('a', '1', { sync: true });
    await level.del('a', { sync: true });
    await level.batch([{ type: 'put', key: 'c', value: '3' }], { sync: true });
    await level.batch().put('d', '4').write({ sync: true });
    expect(served() - before).toBe(4);
    await level.close();
    await db.close();
  });
});

describe('opening', () => {
  it('reopens a directory with its data, the empty key included', async () => {
    const dir = tempDir();
    const first = new HoltLevel(dir, { durability: 'sync' });
    await first.batch([{ type: 'put', key: '', value: 'e' }, { type: 'put', key: 'k', value: 'v' }]);
    await first.close();
    const second = new HoltLevel(dir, { createIfMissing: false });
    expect(await second.iterator().all()).toEqual([['', 'e'], ['k', 'v']]);
    await second.close();
  });

  it('opens read-only from the constructor or from open(), ignoring LevelDB tuning options', async () => {
    const dir = tempDir();
    const writer = new HoltLevel(dir);
    await writer.put('k', 'v');
    await writer.close();
    // As classic-level code would pass them to open(): LevelDB's own options ride along, ignored.
    const openOptions = { readOnly: true, cacheSize: 8 << 20 };
    // Each reader is made just before its open(): a HoltLevel opens itself (without options)
    // on the next tick unless open() is called first.
    const readers: [() => HoltLevel, typeof openOptions | undefined][] = [
      [() => new HoltLevel(dir, { readOnly: true }), undefined],
      [() => new HoltLevel(dir), openOptions],
    ];
    for (const [make, options] of readers) {
      const reader = make();
      await (options ? reader.open(options) : reader.open());
      expect(await reader.get('k')).toBe('v');
      await expect(reader.put('k', 'w')).rejects.toMatchObject({ code: 'READ_ONLY' });
      await expect(reader.del('k')).rejects.toMatchObject({ code: 'READ_ONLY' });
      await reader.close();
    }
  });

  it('fails to open a directory another HoltLevel holds, with Holt\'s LOCKED as the cause', async () => {
    const dir = tempDir();
    const first = new HoltLevel(dir);
    await first.open();
    const second = new HoltLevel(dir);
    await expect(second.open()).rejects.toMatchObject({ code: 'LEVEL_DATABASE_NOT_OPEN', cause: { code: 'LOCKED' } });
    await first.close();
  });

  it('leaves a given DB open when it closes, and can open on it again', async () => {
    const db = DB.memory();
    const level = new HoltLevel(db);
    await level.put('k', 'v');
    await level.close();
    expect(() => level.tree).toThrow(/not open/);
    expect(db.tree(DEFAULT_LEVEL_TREE).get('k')?.toString()).toBe('v');
    await level.open();
    expect(await level.get('k')).toBe('v');
    await level.close();
  });

  it('declares what it supports, by where the data lives', async () => {
    const file = new HoltLevel(tempDir());
    const memory = new HoltLevel(DB.memory());
    const common = {
      implicitSnapshots: true, explicitSnapshots: true, snapshots: true, has: true, getSync: true, seek: true,
      deferredOpen: true, streams: false, signals: {},
    };
    expect(file.supports).toMatchObject({ ...common, permanence: true, createIfMissing: true, errorIfExists: true });
    expect(memory.supports).toMatchObject({ ...common, permanence: false, createIfMissing: false, errorIfExists: false });
    expect(file.supports.encodings).toMatchObject({ utf8: true, buffer: true, view: true, json: true });
    await Promise.all([file.close(), memory.close()]);
  });
});

describe('clear()', () => {
  it('deletes in several batches and leaves keys written after the call alone', async () => {
    const db = DB.open(tempDir());
    const level = new HoltLevel(db);
    await level.open();
    const keys = Array.from({ length: 3000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    await level.batch(keys.map((key) => ({ type: 'put' as const, key, value: 'old' })));
    const records = db.stats().durable!.wal!.recordsAppended;
    const clearing = level.clear({ gte: 'k', lt: 'l' });
    // clear() has deleted its first batch synchronously and now yields between batches.
    const during = Promise.all([level.put('k2999', 'new'), level.put('k0000', 'new'), level.put('k1500x', 'new')]);
    await Promise.all([clearing, during]);
    expect(await level.iterator().all()).toEqual([['k0000', 'new'], ['k1500x', 'new'], ['k2999', 'new']]);
    // 3000 deletes in batches of 1024, plus the three puts.
    expect(db.stats().durable!.wal!.recordsAppended - records).toBe(3 + 3);
    await level.close();
    await db.close();
  });

  it('honours reverse and limit', async () => {
    const level = new HoltLevel(DB.memory());
    await level.batch(['', 'a', 'b', 'c', 'd'].map((key) => ({ type: 'put' as const, key, value: key })));
    await level.clear({ reverse: true, limit: 2 });
    expect(await level.keys().all()).toEqual(['', 'a', 'b']);
    await level.clear({ limit: 2 });
    expect(await level.keys().all()).toEqual(['b']);
    await level.close();
  });
});
