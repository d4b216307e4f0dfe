/**
 * db.stats() counters move as documented: group commit shares fdatasyncs,
 * a small cache evicts and re-reads, a checkpoint pays off its debt, and
 * reading stats (db.stats() or a tree shape walk) changes none of them.
 */
import { describe, expect, it } from 'vitest';
import { DB, type DurableStats } from '../../src/index.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { SLOT_BYTES } from '../../src/layout/read-index.js';
import { anyRss, key, value } from './helpers.js';
import { testDir } from '../support/temp-dir.js';

function durable(db: DB): DurableStats {
  const d = db.stats().durable;
  if (d === null) throw new Error('expected a file-backed DB');
  return d;
}

describe('db.stats()', () => {
  it('works for a memory DB: trees with counters, no durable section', () => {
    const db = DB.memory();
    const t = db.tree('objects');
    for (let i = 0; i < 100; i++) t.put(key(i), value(i, 20));
    t.delete(key(0));
    const s = db.stats();
    expect(s.durable).toBeNull();
    expect(s.frames).toBe(1);
    expect(s.trees).toEqual([{ name: 'objects', id: expect.any(Number), keys: 99, mutations: 101, spillovers: 0, compactions: 0, merges: 0, framesReleased: 0 }]);
  });

  it('serves N concurrent sync() waiters with few fdatasyncs', async () => {
    const db = DB.open(testDir('stats'), { checkpoint: false });
    const t = db.tree('objects');
    await db.sync();
    const before = durable(db).wal!;
    const n = 32;
    const waits: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      t.put(key(i), value(i, 100));
      waits.push(db.sync());
    }
    await Promise.all(waits);
    const after = durable(db).wal!;
    expect(after.recordsAppended - before.recordsAppended).toBe(n);
    expect(after.recordsWritten - before.recordsWritten).toBe(n);
    expect(after.pendingRecords).toBe(0);
    expect(after.syncWaitersServed - before.syncWaitersServed).toBe(n);
    expect(after.fdatasyncs - before.fdatasyncs).toBeLessThanOrEqual(2);
    expect(after.maxWaitersPerSync).toBeGreaterThanOrEqual(n / 2);
    expect(after.bytesWritten).toBeGreaterThan(before.bytesWritten);
    await db.close();
  });

  it('counts evictions and misses with a small cache, and a re-read of an evicted frame misses', async () => {
    const dir = testDir('stats');
    const n = 12_000;
    const writer = DB.open(dir, { checkpoint: false });
    const w = writer.tree('objects');
    for (let i = 0; i < n; i++) w.put(key(i), value(i, 600));
    await writer.close();

    const db = DB.open(dir, { cacheMB: 4, checkpoint: false });
    const t = db.tree('objects');
    const opened = durable(db).cache;
    expect(opened.budgetFrames).toBe(8);
    expect(db.stats().frames).toBeGreaterThan(2 * opened.budgetFrames);
    // Key order (bucket by bucket), so that each frame is read about once.
    for (let b = 0; b < 97; b++) for (let i = b; i < n; i += 97) expect(t.get(key(i))?.length).toBe(600);
    // Point reads of frames not resident read read-index pages (coldReads) or,
    // once the pool is full and a frame is not worth a whole load, only those.
    const points = durable(db);
    expect(points.cache.misses + points.cache.coldReads.probes).toBeGreaterThan(opened.budgetFrames);
    expect(points.cache.coldReads.pageReads).toBeGreaterThan(0);
    // A scan loads whole frames, more than fit: evictions.
    let keys = 0;
    for (const e of t.scan({ keysOnly: true })) if (e.kind === 'key') keys++;
    expect(keys).toBe(n);
    const read = durable(db);
    expect(read.cache.misses).toBeGreaterThan(opened.budgetFrames);
    expect(read.cache.evictions).toBeGreaterThan(0);
    expect(read.cache.hits).toBeGreaterThan(0);
    expect(read.disk.bytesRead).toBe(read.cache.misses * FRAME_SIZE + read.cache.coldReads.pageBytesRead);
    expect(read.disk.frameReads).toBe(read.cache.misses);
    expect(read.cache.residentFrames).toBeLessThanOrEqual(read.cache.budgetFrames);

    // The first bucket's frames were evicted long ago: reading one again goes to disk.
    t.get(key(0));
    const again = durable(db);
    expect(again.disk.bytesRead).toBeGreaterThan(read.disk.bytesRead);
    await db.close();
  });

  it('reading stats changes no counter, even a shape walk over frames that are not resident', async () => {
    const dir = testDir('stats');
    const writer = DB.open(dir, { checkpoint: false });
    const w = writer.tree('objects');
    for (let i = 0; i < 12_000; i++) w.put(key(i), value(i, 600));
    await writer.close();

    const db = DB.open(dir, { cacheMB: 4, checkpoint: false });
    const t = db.tree('objects');
    for (let i = 0; i < 12_000; i += 100) t.get(key(i));
    const before = db.stats();
    const shape = t.stats().shape;
    expect(shape.frames).toBeGreaterThan(durable(db).cache.budgetFrames);
    expect(db.stats()).toEqual(anyRss(before));
    expect(t.stats()).toEqual(t.stats());
    expect(db.stats()).toEqual(anyRss(before));
    await db.close();
  });

  it('a checkpoint counts a round and its frames, and pays off the debt', async () => {
    const db = DB.open(testDir('stats'), { checkpoint: false });
    const t = db.tree('objects');
    for (let i = 0; i < 3_000; i++) t.put(key(i), value(i, 300));
    await db.sync();
    const before = durable(db);
    expect(before.checkpoint.debt.dirtyFrames).toBeGreaterThan(1);
    expect(before.checkpoint.debt.dirtyBytes).toBe(before.checkpoint.debt.dirtyFrames * FRAME_SIZE);
    expect(before.checkpoint.debt.walBytes).toBeGreaterThan(3_000 * 300);

    await db.checkpoint();
    const after = durable(db);
    const cp = after.checkpoint;
    expect(cp.attempted - before.checkpoint.attempted).toBe(1);
    expect(cp.succeeded - before.checkpoint.succeeded).toBe(1);
    expect(cp.failed).toBe(0);
    expect(cp.framesWritten - before.checkpoint.framesWritten).toBe(before.checkpoint.debt.dirtyFrames);
    expect(cp.bytesWritten).toBe(cp.framesWritten * SLOT_BYTES); // each image with its read index
    expect(after.disk.dataBytesWritten).toBe(cp.bytesWritten);
    expect(cp.lastRoundMillis).toBeGreaterThan(0);
    expect(cp.walSegmentsDeleted).toBeGreaterThanOrEqual(1);
    expect(cp.lastError).toBeNull();
    expect(cp.debt.dirtyFrames).toBe(0);
    expect(cp.debt.walBytes).toBeLessThan(before.checkpoint.debt.walBytes);
    expect(after.cache.inflightFrames).toBe(0);
    // WAL counters are totals since open, not per segment.
    expect(after.wal!.segment).toBe(before.wal!.segment + 1);
    expect(after.walSegment).toBe(after.wal!.segment);
    expect(after.wal!.recordsAppended).toBe(before.wal!.recordsAppended);
    expect(after.wal!.bytesWritten).toBeGreaterThanOrEqual(before.wal!.bytesWritten);
    expect(after.wal!.fdatasyncs).toBeGreaterThanOrEqual(before.wal!.fdatasyncs);

    t.put('after', 'checkpoint');
    expect(durable(db).wal!.recordsAppended).toBe(before.wal!.recordsAppended + 1);
    await db.close();
  });

  it('reports what opening replayed, and the I/O in use', async () => {
    const dir = testDir('stats');
    const writer = DB.open(dir, { checkpoint: false });
    const w = writer.tree('objects');
    for (let i = 0; i < 50; i++) w.put(key(i), value(i, 10));
    await writer.sync();
    // Leave without a checkpoint: the next open replays the WAL.
    const abandoned = writer.durable!;
    abandoned.abandon();

    const db = DB.open(dir, { checkpoint: false });
    const d = durable(db);
    expect(d.open.replayRecords).toBeGreaterThanOrEqual(50);
    expect(d.open.segmentsReplayed).toBeGreaterThanOrEqual(1);
    expect(d.open.tornTailBytes).toBe(0);
    expect(d.open.replayMillis).toBeGreaterThanOrEqual(0);
    expect(['native', 'fs']).toContain(d.io);
    expect(typeof d.direct).toBe('boolean');
    expect(d.wal!.recordsAppended).toBe(0);
    await db.close();
  });
});
