/**
 * Reopen round trips: whatever a DB held when it closed (or after sync, when
 * it was abandoned without close) is exactly what it holds after reopening,
 * with and without checkpoints in between, and versions never repeat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import type { DBOptions } from '../../src/index.js';
import { Rng } from '../support/rng.mjs';
import { dump, verifyAll } from './helpers.js';
import { tempDir } from '../support/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });
function dir(): string {
  const t = tempDir('reopen');
  cleanups.push(t.cleanup);
  return t.dir;
}

const NO_BG: DBOptions = { checkpoint: false };

/** A deterministic mixed workload over three trees; checkpoints every `cpEvery` steps when set. */
async function workload(db: DB, seed: number, steps: number, cpEvery?: number): Promise<void> {
  const r = new Rng(seed);
  const names = ['objects', 'meta', 'a/b'];
  for (let i = 0; i < steps; i++) {
    const t = db.tree(names[r.int(names.length)]!);
    const k = `k/${r.int(400).toString().padStart(4, '0')}/${'x'.repeat(r.int(40))}`;
    const p = r.next();
    if (p < 0.55) t.put(k, `v${i}-${'y'.repeat(r.int(200))}`);
    else if (p < 0.7) t.delete(k);
    else if (p < 0.8) {
      if (t.has(k)) t.rename(k, `${k}~r${i}`, { overwrite: true });
    } else if (p < 0.95) {
      const other = names[r.int(names.length)]!;
      db.tree(other);
      db.atomic((b) => {
        b.tree(t.name).put(`${k}/batch`, `b${i}`);
        b.tree(other).put(`batch/${i}`, `o${i}`);
        b.tree(t.name).delete(k);
      });
    } else {
      // A guarded batch that fails: nothing of it may show up after reopen.
      const res = db.atomic((b) => {
        b.tree(t.name).put(`never/${i}`, 'x');
        b.tree(t.name).assertVersion(`missing/${i}`, 12345);
      });
      expect(res.ok).toBe(false);
    }
    if (cpEvery !== undefined && i % cpEvery === cpEvery - 1) await db.checkpoint();
  }
}

describe('reopen round trips', () => {
  for (const [label, cpEvery] of [['WAL only', undefined], ['with checkpoints', 700]] as const) {
    it(`close and reopen gives the same content (${label})`, async () => {
      const d = dir();
      let db = DB.open(d, NO_BG);
      await workload(db, 7, 3000, cpEvery);
      const before = dump(db);
      expect(Object.keys(before).sort()).toEqual(['a/b', 'meta', 'objects']);
      await db.close();

      db = DB.open(d, NO_BG);
      expect(dump(db)).toEqual(before);
      expect(verifyAll(db)).toEqual([]);
      // Second generation on top of the recovered state, then once more.
      await workload(db, 8, 1500, cpEvery);
      const again = dump(db);
      await db.close();
      db = DB.open(d, NO_BG);
      expect(dump(db)).toEqual(again);
      expect(verifyAll(db)).toEqual([]);
      await db.close();
    });
  }

  it('a DB abandoned after sync() (no close, no checkpoint) recovers from the WAL alone', async () => {
    const d = dir();
    const db = DB.open(d, NO_BG);
    await workload(db, 11, 2000);
    await db.sync();
    const before = dump(db);
    // Simulate a crash: release the lock without the close path's checkpoint.
    db.durable!.abandon();
    const re = DB.open(d, NO_BG);
    expect(dump(re)).toEqual(before);
    expect(re.stats().durable!['open']).toMatchObject({ segmentsReplayed: 1 });
    expect(verifyAll(re)).toEqual([]);
    await re.close();
  });

  it('a DB abandoned after a checkpoint and more synced writes recovers manifest + WAL', async () => {
    const d = dir();
    const db = DB.open(d, NO_BG);
    await workload(db, 12, 1500);
    await db.checkpoint();
    await workload(db, 13, 1500);
    await db.sync();
    const before = dump(db);
    db.durable!.abandon();
    const re = DB.open(d, NO_BG);
    expect(dump(re)).toEqual(before);
    expect(verifyAll(re)).toEqual([]);
    await re.close();
  });

  it('dropped and recreated trees survive reopen as the catalog said', async () => {
    const d = dir();
    let db = DB.open(d, NO_BG);
    db.tree('gone').put('a', '1');
    db.tree('kept').put('a', '1');
    await db.checkpoint();
    db.dropTree('gone');
    db.tree('gone').put('b', '2');
    const before = dump(db);
    await db.close();
    db = DB.open(d, NO_BG);
    expect(dump(db)).toEqual(before);
    expect(db.openTree('gone').get('a')).toBeUndefined();
    await db.close();
  });
});

describe('catalog changes replayed from the log', () => {
  // A drop is logged as one batch of catalog record changes; replay once
  // decoded the catalog after each of them, and a crash after a drop (before
  // a checkpoint) left a directory that could not be opened.
  it('a crash after dropTree and createTree reopens with exactly the live trees', async () => {
    const d = dir();
    const db = DB.open(d, NO_BG);
    db.tree('keep').put('a', '1');
    db.tree('gone').put('x', 'y');
    await db.sync();
    db.dropTree('gone');
    db.tree('gone').put('fresh', 'z'); // the name again, a new tree
    db.tree('later').put('b', '2');
    await db.sync();
    db.durable!.abandon();
    const again = DB.open(d, NO_BG);
    expect(again.listTrees().map((t) => t.name)).toEqual(['gone', 'keep', 'later']);
    expect(again.openTree('gone').get('x')).toBeUndefined();
    expect(again.openTree('gone').get('fresh')?.toString()).toBe('z');
    expect(again.openTree('keep').get('a')?.toString()).toBe('1');
    expect(verifyAll(again)).toEqual([]);
    await again.close();
  });
});

describe('versions never repeat across restarts', () => {
  it('after a checkpoint empties the WAL, reopen continues above the last version', async () => {
    const d = dir();
    let db = DB.open(d, NO_BG);
    const t = db.tree('t');
    let last = 0;
    for (let i = 0; i < 100; i++) last = t.put(`k${i}`, 'v');
    await db.checkpoint();
    await db.close();

    db = DB.open(d, NO_BG);
    const v1 = db.tree('t').put('new', 'v');
    expect(v1).toBeGreaterThan(last);
    await db.checkpoint();
    await db.close();

    // No writes at all in a generation, then a write: still above.
    db = DB.open(d, NO_BG);
    await db.close();
    db = DB.open(d, NO_BG);
    const v2 = db.tree('t').put('newer', 'v');
    expect(v2).toBeGreaterThan(v1);
    await db.close();
  });

  it('a delete consumes a version too: the next write is above it after reopen', async () => {
    const d = dir();
    let db = DB.open(d, NO_BG);
    const t = db.tree('t');
    const v = t.put('a', '1');
    t.delete('a');
    t.put('b', '2');
    t.delete('b'); // the highest version is a delete, leaving no leaf that carries it
    await db.checkpoint();
    await db.close();
    db = DB.open(d, NO_BG);
    expect(db.tree('t').put('c', '3')).toBeGreaterThan(v + 3);
    await db.close();
  });

  it('every version ever returned is unique over many restarts, mixed with checkpoints', async () => {
    const d = dir();
    const seen = new Set<number>();
    let max = 0;
    for (let gen = 0; gen < 8; gen++) {
      const db = DB.open(d, NO_BG);
      const t = db.tree('t');
      for (let i = 0; i < 50; i++) {
        const v = t.put(`g${gen}/${i}`, 'v');
        expect(seen.has(v)).toBe(false);
        expect(v).toBeGreaterThan(max);
        seen.add(v);
        max = v;
      }
      const res = db.atomic((b) => { b.tree('t').put(`batch${gen}`, 'x').put(`batch${gen}b`, 'y'); });
      if (!res.ok) throw new Error('batch failed');
      for (const v of res.versions) { expect(v!).toBeGreaterThan(max); max = v!; }
      if (gen % 2 === 0) await db.checkpoint();
      if (gen % 3 === 2) { await db.sync(); db.durable!.abandon(); } else await db.close();
    }
  });
});
