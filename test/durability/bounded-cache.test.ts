/**
 * The frame cache stays near its budget (cacheMB) while reading a tree much
 * bigger than that, and never evicts a dirty frame (it spills it first): writes
 * far beyond the budget without a checkpoint are all there, before and after
 * reopening.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { Rng } from '../support/rng.mjs';
import { tempDir } from '../support/temp-dir.js';

const KEYS = 200_000;
const keyOf = (i: number): string => `bucket-${i % 97}/obj/${i.toString(36)}/part-${i}`;
const valueOf = (i: number, gen = 0): string => `g${gen}-${i}-${'c'.repeat(40 + (i % 60))}`;
const FRAME = 512 * 1024;

const t = tempDir('cache');
afterAll(() => t.cleanup());

describe('bounded cache', () => {
  beforeAll(async () => {
    // Built with the default (large) cache, checkpointed on close.
    const db = DB.open(t.dir, { checkpoint: false });
    const tree = db.tree('t');
    for (let i = 0; i < KEYS; i++) tree.put(keyOf(i), valueOf(i));
    await db.close();
  }, 120_000);

  it('reading everything with cacheMB: 8 keeps resident frames near the budget', async () => {
    const db = DB.open(t.dir, { cacheMB: 8, checkpoint: false });
    const budget = (8 * 1024 * 1024) / FRAME;
    const tree = db.openTree('t');
    const r = new Rng(5);
    let maxResident = 0;
    // Random gets over ~100 frames with a 16-frame budget: they read pages of
    // frames that are not resident (cold reads) or load hot ones whole, and
    // never hold more than the budget; the scan below reads every frame.
    for (let n = 0; n < 1500; n++) {
      const i = r.int(KEYS);
      expect(tree.get(keyOf(i))?.toString()).toBe(valueOf(i));
      if ((n & 15) === 0) maxResident = Math.max(maxResident, db.stats().durable!.cache.residentFrames);
    }
    const cache = db.stats().durable!.cache;
    console.log('cache (random gets)', JSON.stringify({ frames: db.stats().frames, budget, maxResident, ...cache }));
    expect(db.stats().frames).toBeGreaterThan(budget * 2); // the tree really is bigger than the cache
    expect(maxResident).toBeLessThanOrEqual(budget + 2);
    expect(cache.misses + cache.coldReads.probes).toBeGreaterThan(budget);

    // A full scan (a single lazy iterator) must not pin the whole tree either.
    let n = 0;
    let scanMax = 0;
    for (const e of tree.scan({ keysOnly: true })) {
      if (e.kind === 'key' && (++n & 1023) === 0) scanMax = Math.max(scanMax, db.stats().durable!.cache.residentFrames);
    }
    expect(n).toBe(KEYS);
    const scanned = db.stats().durable!.cache;
    console.log('cache (scan)', JSON.stringify({ scanMax, ...scanned }));
    expect(scanMax).toBeLessThanOrEqual(budget + 4);
    expect(scanned.evictions).toBeGreaterThan(0);
    expect(scanned.misses).toBeGreaterThan(budget);
    await db.close();
  }, 120_000);

  it('a rewrite of everything without checkpoint, under cacheMB: 8, spills dirty frames instead of holding them, and loses nothing', async () => {
    const db = DB.open(t.dir, { cacheMB: 8, checkpoint: false });
    const tree = db.openTree('t');
    // In key order, so that each frame is rewritten while it is dirty: in random order over six
    // times the cache nearly every put would dirty another frame (DESIGN.md, "Spills").
    const even: number[] = [];
    for (let i = 0; i < KEYS; i += 2) even.push(i);
    const sortKeys = even.map((i) => [keyOf(i), i] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [k, i] of sortKeys) tree.put(k, valueOf(i, 1));
    const deleted: string[] = [];
    for (let i = 1; i < KEYS; i += 50) deleted.push(keyOf(i));
    for (const k of deleted.sort()) tree.delete(k);
    const d = db.stats().durable!;
    console.log('cache (dirty)', JSON.stringify({ cache: d.cache, spill: d.spill }));
    // Far more frames were changed than the budget holds: they spilled, dirty ones stay within it.
    expect(d.spill.framesSpilled).toBeGreaterThan(16);
    expect(d.cache.dirtyFrames).toBeLessThanOrEqual(16);
    expect(d.cache.overdraftsTotal).toBe(0);
    const expectOf = (i: number): string | undefined => (i % 50 === 1 ? undefined : valueOf(i, i % 2 === 0 ? 1 : 0));
    for (let i = 0; i < KEYS; i += 7) expect(tree.get(keyOf(i))?.toString(), `key ${i}`).toBe(expectOf(i));
    await db.sync();
    db.durable!.abandon(); // no checkpoint: recovery is manifest + WAL
    const re = DB.open(t.dir, { cacheMB: 8, checkpoint: false });
    const rt = re.openTree('t');
    for (let i = 0; i < KEYS; i += 3) expect(rt.get(keyOf(i))?.toString(), `key ${i} after reopen`).toBe(expectOf(i));
    expect(rt.count()).toBe(KEYS - Math.ceil((KEYS - 1) / 50));
    expect(rt.verify().ok).toBe(true);
    await re.close();
  }, 120_000);
});
