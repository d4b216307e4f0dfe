import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { AtomicBatch } from '../../src/api/atomic-batch.js';
import type { Tree } from '../../src/api/tree.js';
import { expectCode } from '../support/thrown.js';

function snapshot(t: Tree): string[] {
  return t.scan().toArray().map((e) => `${e.key.toString()}=${e.kind === 'key' ? `${e.value?.toString()}@${e.version}` : ''}`);
}

describe('atomic batches', () => {
  it('applies every write with consecutive fresh versions', () => {
    const db = DB.memory();
    const t = db.tree('x');
    const v0 = t.put('a', '1');
    const r = db.atomic((b) => { b.tree('x').put('b', '2').delete('a').putIfAbsent('c', '3'); });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.versions).toEqual([v0 + 1, v0 + 2, v0 + 3]);
    expect(snapshot(t)).toEqual([`b=2@${v0 + 1}`, `c=3@${v0 + 3}`]);
    expect(t.put('d', '4')).toBe(v0 + 4);
    expect(t.verify().ok).toBe(true);
  });

  it('guards see the batch\'s own earlier writes', () => {
    const db = DB.memory();
    const t = db.tree('fs');
    const v = t.put('dir/only', 'x');
    // Delete the last key under the directory, then the directory is empty.
    const r = t.atomic((b) => { b.deleteIfVersion('dir/only', v).assertPrefixEmpty('dir/').delete('dir'); });
    expect(r.ok).toBe(true);
    expect(t.count()).toBe(0);
    // A put earlier in the batch makes a later putIfAbsent fail, and a later assertPrefixEmpty.
    const r2 = t.atomic((b) => { b.put('d/a', '1').assertPrefixEmpty('e/').putIfAbsent('d/a', '2'); });
    expect(r2).toMatchObject({ ok: false, failure: { index: 2, op: 'putIfAbsent', tree: 'fs', reason: 'EXISTS' } });
    const r3 = t.atomic((b) => { b.put('d/a', '1').assertPrefixEmpty('d'); });
    expect(r3).toMatchObject({ ok: false, failure: { index: 1, op: 'assertPrefixEmpty', reason: 'PREFIX_NOT_EMPTY' } });
    // A rename inside the batch moves the key for later guards.
    t.put('src', 'v');
    const r4 = t.atomic((b) => { b.rename('src', 'dst').assertVersion('src', null).putIfAbsent('src', 'again'); });
    expect(r4.ok).toBe(true);
    expect(t.get('dst')?.toString()).toBe('v');
    expect(t.get('src')?.toString()).toBe('again');
    // compareAndPut cannot match a version the batch itself has not assigned yet.
    const cur = t.getRecord('dst')!.version;
    const r5 = t.atomic((b) => { b.compareAndPut('dst', cur, 'w').compareAndPut('dst', cur, 'z'); });
    expect(r5).toMatchObject({ ok: false, failure: { index: 1, reason: 'VERSION_MISMATCH' } });
    expect(t.verify().ok).toBe(true);
  });

  it('a failing guard applies nothing and reports index, op, key and reason', () => {
    const db = DB.memory();
    const t = db.tree('x');
    const u = db.tree('y');
    const v = t.put('k', '1');
    u.put('p/1', '1');
    const before = [snapshot(t), snapshot(u)];
    const cases: [(b: AtomicBatch) => void, object][] = [
      [(b) => { b.tree('x').put('new', 'n').delete('k').tree; b.tree('y').assertPrefixEmpty('p/'); }, { index: 2, op: 'assertPrefixEmpty', tree: 'y', reason: 'PREFIX_NOT_EMPTY' }],
      [(b) => { b.tree('x').put('new', 'n').compareAndPut('k', v + 100, '2'); }, { index: 1, op: 'compareAndPut', reason: 'VERSION_MISMATCH' }],
      [(b) => { b.tree('x').compareAndPut('missing', v, '2'); }, { index: 0, reason: 'MISSING' }],
      [(b) => { b.tree('x').deleteIfVersion('k', v + 1); }, { index: 0, op: 'deleteIfVersion', reason: 'VERSION_MISMATCH' }],
      [(b) => { b.tree('x').put('a', '1').rename('nope', 'a'); }, { index: 1, op: 'rename', reason: 'MISSING' }],
      [(b) => { b.tree('x').put('a', '1').rename('k', 'a'); }, { index: 1, op: 'rename', reason: 'EXISTS' }],
      [(b) => { b.tree('x').assertVersion('k', null); }, { index: 0, op: 'assertVersion', reason: 'VERSION_MISMATCH' }],
      [(b) => { b.tree('y').delete('p/1').putIfAbsent('q', '1'); b.tree('x').putIfAbsent('k', 'x'); }, { index: 2, tree: 'x', reason: 'EXISTS' }],
    ];
    for (const [fn, failure] of cases) {
      const r = db.atomic(fn);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.failure).toMatchObject(failure);
      expect([snapshot(t), snapshot(u)]).toEqual(before);
    }
    // Versions are not consumed by failed batches in a way that breaks ordering.
    expect(t.put('after', '1')).toBeGreaterThan(v);
  });

  it('a throw inside the callback applies nothing and propagates', () => {
    const db = DB.memory();
    const t = db.tree('x');
    t.put('k', '1');
    const before = snapshot(t);
    expect(() => db.atomic((b) => { b.tree('x').put('a', '1').delete('k'); throw new Error('boom'); })).toThrow('boom');
    expect(() => t.atomic((b) => { b.put('a', '1'); throw new RangeError('nope'); })).toThrow(RangeError);
    expect(snapshot(t)).toEqual(before);
  });

  it('using the batch after the callback throws BATCH_CLOSED', () => {
    const db = DB.memory();
    const t = db.tree('x');
    let saved: AtomicBatch | undefined;
    let savedTree: ReturnType<AtomicBatch['tree']> | undefined;
    db.atomic((b) => { saved = b; savedTree = b.tree('x'); savedTree.put('a', '1'); });
    expect(() => savedTree!.put('b', '2')).toThrowError(expect.objectContaining({ code: 'BATCH_CLOSED' }));
    expect(() => saved!.tree('x')).toThrowError(expect.objectContaining({ code: 'BATCH_CLOSED' }));
    let single: Parameters<Parameters<Tree['atomic']>[0]>[0] | undefined;
    t.atomic((b) => { single = b; });
    expect(() => single!.delete('a')).toThrowError(expect.objectContaining({ code: 'BATCH_CLOSED' }));
    // Also after a throw.
    try { db.atomic((b) => { saved = b; throw new Error('x'); }); } catch { /* expected */ }
    expect(() => saved!.tree('x')).toThrowError(expect.objectContaining({ code: 'BATCH_CLOSED' }));
    expect(snapshot(t).map((s) => s.split('=')[0])).toEqual(['a']);
  });

  it('cross-tree batches apply together', () => {
    const db = DB.memory();
    const objects = db.tree('objects');
    const index = db.tree('index');
    const r = db.atomic((b) => {
      b.tree('objects').putIfAbsent('bucket/k1', 'data');
      b.tree('index').put('by-size/0004/bucket/k1', '');
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.versions[1]).toBe(r.versions[0]! + 1);
    expect(objects.get('bucket/k1')?.toString()).toBe('data');
    expect(index.has('by-size/0004/bucket/k1')).toBe(true);
    // Move between trees all-or-nothing.
    const v = objects.getRecord('bucket/k1')!.version;
    const r2 = db.atomic((b) => {
      b.tree('objects').deleteIfVersion('bucket/k1', v);
      b.tree('index').delete('by-size/0004/bucket/k1').assertPrefixEmpty('by-size/');
    });
    expect(r2.ok).toBe(true);
    expect(objects.count() + index.count()).toBe(0);
    expect(() => db.atomic((b) => { b.tree('nope').put('a', 'b'); })).toThrowError(expect.objectContaining({ code: 'TREE_NOT_FOUND' }));
    expect(() => objects.atomic((b) => { (b as unknown as AtomicBatch).tree?.('index'); b.put('a', '1'); })).not.toThrow();
  });

  it('an empty batch succeeds with no versions', () => {
    const db = DB.memory();
    db.tree('x');
    expect(db.atomic(() => {})).toEqual({ ok: true, versions: [] });
  });

  it('rejects empty and oversized keys and values when they are recorded, applying nothing', () => {
    // Batches used to copy keys without validating them: an empty key was
    // inserted at the tree root and oversized keys and values went in unchecked.
    const db = DB.memory();
    const t = db.tree('x');
    t.put('k', 'v');
    const before = snapshot(t);
    const big = Buffer.alloc(16_385, 0x61);
    const cases: [(b: AtomicBatch) => void, string][] = [
      [(b) => { b.tree('x').put('', 'v'); }, 'INVALID_ARGUMENT'],
      [(b) => { b.tree('x').put(new Uint8Array(0), 'v'); }, 'INVALID_ARGUMENT'],
      [(b) => { b.tree('x').put('ok', 'v').put(big, 'v'); }, 'KEY_TOO_LARGE'],
      [(b) => { b.tree('x').put('ok', Buffer.alloc(128 * 1024 + 1)); }, 'VALUE_TOO_LARGE'],
      [(b) => { b.tree('x').rename('k', ''); }, 'INVALID_ARGUMENT'],
      [(b) => { b.tree('x').delete(big); }, 'KEY_TOO_LARGE'],
      [(b) => { b.tree('x').compareAndPut('k', -1, 'v'); }, 'INVALID_ARGUMENT'],
      [(b) => { b.tree('x').put(42 as unknown as string, 'v'); }, 'INVALID_ARGUMENT'],
      [(b) => { b.tree('x').put('k', null as unknown as string); }, 'INVALID_ARGUMENT'],
    ];
    for (const [fn, code] of cases) {
      expectCode(() => db.atomic(fn), code);
      expect(snapshot(t)).toEqual(before);
    }
    // An empty prefix is a fine guard: it asks whether the tree is empty.
    expect(t.atomic((b) => { b.assertPrefixEmpty(''); })).toMatchObject({ ok: false, failure: { reason: 'PREFIX_NOT_EMPTY' } });
    expect(t.verify().ok).toBe(true);
  });
});
