/**
 * Small trees (art/shared-frame.ts): a new tree is a root in a shared frame,
 * so thousands of trees with a few keys each cost a few hundred bytes apiece,
 * and a tree that grows moves to a frame of its own. Each test below could
 * fail on its own: trees mixing keys, a cold read answering from another
 * tree's leaf, a move losing a key, a snapshot following a moved tree.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB, type Tree } from '../../src/index.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { GRADUATE_KEYS } from '../../src/art/shared-frame.js';
import { testDir } from '../support/temp-dir.js';

const SMALL_TREE_BUDGET = 8 * 1024;

function keysOf(t: Tree, prefix = ''): string[] {
  return [...t.scan({ prefix, keysOnly: true })].map((e) => e.key.toString());
}

function fill(db: DB, trees: number): void {
  for (let i = 0; i < trees; i++) {
    const t = db.createTree(`tenant/${i}`);
    t.put('same', `v${i}`);
  }
}

function checkFilled(db: DB, trees: number): void {
  for (let i = 0; i < trees; i++) {
    const t = db.openTree(`tenant/${i}`);
    expect(t.get('same')?.toString()).toBe(`v${i}`);
    expect(keysOf(t)).toEqual(['same']);
    expect(t.count()).toBe(1);
  }
}

/** The root location of a tree (internal: tests only). */
function rootOf(t: Tree): { frameId: number; rootIndex: number; shared: boolean } {
  return (t as unknown as { state: { core: { root: { frameId: number; rootIndex: number; shared: boolean } } } }).state.core.root;
}

describe('small trees in a memory DB', () => {
  it('2,000 one-key trees share frames, stay apart, and cost under 8 KiB each', () => {
    const db = DB.memory();
    fill(db, 2000);
    checkFilled(db, 2000);
    const perTree = (db.stats().frames * FRAME_SIZE) / 2000;
    expect(perTree).toBeLessThanOrEqual(SMALL_TREE_BUDGET);
    for (const i of [0, 1, 999, 1999]) expect(db.openTree(`tenant/${i}`).verify().ok).toBe(true);
    expect(rootOf(db.openTree('tenant/7')).shared).toBe(true);
  });

  it('a tree that grows graduates to a frame of its own and its neighbours are undisturbed', () => {
    const db = DB.memory();
    fill(db, 50);
    const big = db.openTree('tenant/10');
    const n = GRADUATE_KEYS * 4;
    for (let i = 0; i < n; i++) big.put(`k/${String(i).padStart(6, '0')}`, `value-${i}`.repeat(3));
    expect(rootOf(big).shared).toBe(false);
    expect(big.count()).toBe(n + 1);
    expect(big.verify().ok).toBe(true);
    expect(keysOf(big, 'k/').length).toBe(n);
    expect(big.get('same')?.toString()).toBe('v10');
    checkFilled(db, 10);
    for (let i = 11; i < 50; i++) expect(keysOf(db.openTree(`tenant/${i}`))).toEqual(['same']);
  });

  it('a full shared frame of medium trees splits, every tree intact', () => {
    const db = DB.memory();
    const trees = 120;
    const per = 300;
    const value = 'x'.repeat(60);
    for (let i = 0; i < trees; i++) db.createTree(`m/${i}`);
    // Interleaved so every tree grows together and the shared frames fill up.
    for (let k = 0; k < per; k++) {
      for (let i = 0; i < trees; i++) db.openTree(`m/${i}`).put(`key/${k}`, `${i}:${value}`);
    }
    const frames = new Set<number>();
    for (let i = 0; i < trees; i++) {
      const t = db.openTree(`m/${i}`);
      expect(t.count()).toBe(per);
      expect(t.get(`key/${per - 1}`)?.toString()).toBe(`${i}:${value}`);
      expect(t.verify().ok).toBe(true);
      frames.add(rootOf(t).frameId);
    }
    expect(frames.size).toBeGreaterThan(1);
    // Still far below a frame per tree.
    expect(db.stats().frames).toBeLessThan(trees / 2);
  });

  it('dropping a small tree frees its root and leaves its neighbours; an emptied shared frame is released', () => {
    const db = DB.memory();
    fill(db, 3);
    const frames = db.stats().frames;
    db.dropTree('tenant/1');
    expect(db.openTree('tenant/0').get('same')?.toString()).toBe('v0');
    expect(db.openTree('tenant/2').get('same')?.toString()).toBe('v2');
    expect(db.openTree('tenant/2').verify().ok).toBe(true);
    const again = db.createTree('tenant/1');
    expect(again.get('same')).toBeUndefined();
    again.put('same', 'new');
    expect(db.openTree('tenant/0').get('same')?.toString()).toBe('v0');
    for (const n of ['tenant/0', 'tenant/1', 'tenant/2']) db.dropTree(n);
    expect(db.stats().frames).toBe(frames - 1);
  });

  it('a snapshot taken before a graduation still reads the tree where it was', () => {
    const db = DB.memory();
    fill(db, 20);
    const t = db.openTree('tenant/3');
    t.put('a', '1');
    using snap = db.snapshot();
    for (let i = 0; i < GRADUATE_KEYS * 2; i++) t.put(`k/${i}`, 'v');
    t.put('a', '2');
    db.dropTree('tenant/4');
    expect(rootOf(t).shared).toBe(false);
    const old = snap.tree('tenant/3');
    expect(old.get('a')?.toString()).toBe('1');
    expect(keysOf(old)).toEqual(['a', 'same']);
    expect(snap.tree('tenant/4').get('same')?.toString()).toBe('v4');
    expect(t.get('a')?.toString()).toBe('2');
  });

  it('a scan of one tree survives its neighbour compacting and splitting the shared frame', () => {
    const db = DB.memory();
    fill(db, 30);
    const a = db.openTree('tenant/0');
    for (let i = 0; i < 50; i++) a.put(`a/${String(i).padStart(3, '0')}`, 'v');
    const it = a.scan({ prefix: 'a/' })[Symbol.iterator]();
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(it.next().value!.key.toString());
    // Writes to the other trees fill the shared frame: it compacts, splits, trees graduate.
    for (let k = 0; k < 400; k++) {
      for (let i = 1; i < 30; i++) db.openTree(`tenant/${i}`).put(`x/${k}`, 'y'.repeat(40));
    }
    for (let r = it.next(); !r.done; r = it.next()) seen.push(r.value.key.toString());
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `a/${String(i).padStart(3, '0')}`));
  });
});

describe('small trees in a file DB', () => {
  it('2,000 one-key trees: readable before and after reopen, under 8 KiB each in memory and on disk', async () => {
    const dir = testDir('small-trees');
    let db = DB.open(dir, { checkpoint: false });
    fill(db, 2000);
    checkFilled(db, 2000);
    expect((db.stats().frames * FRAME_SIZE) / 2000).toBeLessThanOrEqual(SMALL_TREE_BUDGET);
    await db.close();
    expect(statSync(join(dir, 'data.holt')).size / 2000).toBeLessThanOrEqual(SMALL_TREE_BUDGET);
    db = DB.open(dir, { checkpoint: false, cacheMB: 4 });
    checkFilled(db, 2000);
    expect(db.openTree('tenant/1234').verify().ok).toBe(true);
    await db.close();
  });

  it('identical keys in two small trees stay apart on a cold read', async () => {
    const dir = testDir('small-trees');
    let db = DB.open(dir, { checkpoint: false });
    // Enough trees and keys that their frames are evicted from a tiny cache.
    for (let i = 0; i < 64; i++) {
      const t = db.createTree(`t${i}`);
      for (let k = 0; k < 8; k++) t.put(`key${k}`, `tree${i}-key${k}`);
    }
    for (let i = 0; i < 12; i++) {
      const big = db.createTree(`big${i}`);
      for (let k = 0; k < 6000; k++) big.put(`b/${k}`, 'z'.repeat(80));
    }
    await db.close();
    db = DB.open(dir, { checkpoint: false, cacheMB: 1 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 64; i++) {
        for (let k = 0; k < 8; k++) expect(db.openTree(`t${i}`).get(`key${k}`)?.toString()).toBe(`tree${i}-key${k}`);
        // Evict: read through the big trees between small-tree reads.
        if (i % 8 === 0) for (let b = 0; b < 12; b++) expect(db.openTree(`big${b}`).get(`b/${i * 7}`)?.length).toBe(80);
      }
    }
    await db.close();
  });

  it('graduated and split trees keep their keys across a checkpoint and reopen', async () => {
    const dir = testDir('small-trees');
    let db = DB.open(dir, { checkpoint: false });
    for (let i = 0; i < 40; i++) db.createTree(`m/${i}`);
    for (let k = 0; k < 400; k++) for (let i = 0; i < 40; i++) db.openTree(`m/${i}`).put(`key/${k}`, `${i}-${'v'.repeat(50)}`);
    const big = db.openTree('m/5');
    for (let k = 0; k < GRADUATE_KEYS * 3; k++) big.put(`big/${k}`, 'b');
    await db.checkpoint();
    db.openTree('m/6').put('after', 'checkpoint');
    await db.close();
    db = DB.open(dir, { checkpoint: false, cacheMB: 4 });
    for (let i = 0; i < 40; i++) {
      const t = db.openTree(`m/${i}`);
      expect(t.count()).toBe(400 + (i === 5 ? GRADUATE_KEYS * 3 : 0) + (i === 6 ? 1 : 0));
      expect(t.get('key/399')?.toString()).toBe(`${i}-${'v'.repeat(50)}`);
      expect(t.verify().ok).toBe(true);
    }
    expect(rootOf(db.openTree('m/5')).shared).toBe(false);
    await db.close();
  });

  it('a crash-like close (no checkpoint) restores every small tree from the WAL', async () => {
    const dir = testDir('small-trees');
    let db = DB.open(dir, { checkpoint: false });
    fill(db, 300);
    await db.checkpoint();
    // After the checkpoint: new trees, a drop, a graduation, a rename, all only in the WAL.
    for (let i = 300; i < 600; i++) db.createTree(`tenant/${i}`).put('same', `v${i}`);
    db.dropTree('tenant/7');
    const g = db.openTree('tenant/8');
    for (let k = 0; k < GRADUATE_KEYS + 10; k++) g.put(`g/${k}`, 'x');
    db.openTree('tenant/9').rename('same', 'moved');
    await db.sync();
    db.durable!.abandon();
    db = DB.open(dir, { checkpoint: false });
    for (let i = 0; i < 600; i++) {
      if (i === 7) { expect(() => db.openTree('tenant/7')).toThrow(); continue; }
      const t = db.openTree(`tenant/${i}`);
      if (i === 9) { expect(keysOf(t)).toEqual(['moved']); continue; }
      expect(t.get('same')?.toString()).toBe(`v${i}`);
      expect(t.count()).toBe(i === 8 ? GRADUATE_KEYS + 11 : 1);
    }
    expect(db.openTree('tenant/8').verify().ok).toBe(true);
    await db.checkpoint();
    await db.close();
    db = DB.open(dir, { checkpoint: false });
    expect(db.openTree('tenant/599').get('same')?.toString()).toBe('v599');
    expect(db.listTrees().length).toBe(599);
    await db.close();
  });
});
