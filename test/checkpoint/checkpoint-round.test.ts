/**
 * One checkpoint round (src/checkpoint/checkpoint-round.ts) on a real DB
 * directory: what it counts, what it captures and publishes (the manifest,
 * the WAL segment appends move to, the covered segments it deletes), and
 * what a round that fails before publishing leaves behind: nothing published,
 * everything it captured pending again, its slots free for the retry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { loadIo } from '../../src/io/index.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { READ_INDEX_BYTES } from '../../src/layout/read-index.js';
import { MANIFEST_FILE, readManifest } from '../../src/store/manifest.js';
import { dump, openWithIo } from '../durability/helpers.js';
import { faultyIo, type Faults } from '../support/fault-io.js';
import { testDir } from '../support/temp-dir.js';
import { rejected } from '../support/thrown.js';

const isData = (p: string): boolean => p.endsWith('data.holt');
const segmentFiles = (dir: string): string[] => readdirSync(dir).filter((n) => /^wal-\d+\.log$/.test(n)).sort();

/** Writes `n` keys from `from` on, spread over 50 directories, and returns the last version. */
function fill(db: DB, from: number, n: number): number {
  const t = db.tree('objects');
  let v = 0;
  for (let i = from; i < from + n; i++) v = t.put(`dir-${i % 50}/obj-${String(i).padStart(6, '0')}`, `value-${i}-${'p'.repeat(i % 300)}`);
  return v;
}

const checkpointStats = (db: DB) => db.stats().durable!.checkpoint;

describe('a checkpoint round', () => {
  it('writes every dirty frame once, publishes a manifest naming the next segment and the last version, deletes the covered segment, and counts it', async () => {
    const dir = testDir('round');
    const db = DB.open(dir, { checkpoint: false });
    const last = fill(db, 0, 20_000);
    const before = checkpointStats(db);
    const dirty = before.debt.dirtyFrames;
    expect(dirty).toBeGreaterThan(2);
    const segmentBefore = readManifest(dir)?.walSegment ?? 1;
    expect(segmentFiles(dir)).toContain(`wal-${String(segmentBefore).padStart(6, '0')}.log`);

    await db.checkpoint();
    const cp = checkpointStats(db);
    expect(cp.attempted - before.attempted).toBe(1);
    expect(cp.succeeded - before.succeeded).toBe(1);
    expect(cp.failed).toBe(0);
    expect(cp.lastError).toBeNull();
    expect(cp.lastRoundMillis).toBeGreaterThan(0);
    // Each frame as its image and its read index, once.
    expect(cp.framesWritten - before.framesWritten).toBe(dirty);
    expect(cp.bytesWritten - before.bytesWritten).toBe(dirty * (FRAME_SIZE + READ_INDEX_BYTES));
    expect(cp.debt.dirtyFrames).toBe(0);

    const manifest = readManifest(dir)!;
    expect(manifest.highWater).toBe(last);
    expect(manifest.walSegment).toBe(segmentBefore + 1);
    // The segment the round switched away from is covered and gone; appends go to the next one.
    expect(cp.walSegmentsDeleted - before.walSegmentsDeleted).toBe(1);
    expect(segmentFiles(dir)).toEqual([`wal-${String(segmentBefore + 1).padStart(6, '0')}.log`]);
    expect(manifest.frames.size).toBe(dirty);
    await db.close();
  });

  it('with nothing changed since the last round, counts nothing and leaves the manifest as it was', async () => {
    const dir = testDir('round');
    const db = DB.open(dir, { checkpoint: false });
    fill(db, 0, 2000);
    await db.checkpoint();
    const before = checkpointStats(db);
    const manifestBytes = readFileSync(join(dir, MANIFEST_FILE));
    await db.checkpoint();
    await db.checkpoint();
    expect(checkpointStats(db)).toEqual(before);
    expect(readFileSync(join(dir, MANIFEST_FILE)).equals(manifestBytes)).toBe(true);
    await db.close();
  });

  it('rounds asked for at once run one after another; the last one covers every write made before it was asked for', async () => {
    const dir = testDir('round');
    const db = DB.open(dir, { checkpoint: false });
    fill(db, 0, 3000);
    const first = db.checkpoint();
    const last = fill(db, 3000, 3000);
    const second = db.checkpoint();
    await Promise.all([first, second]);
    const cp = checkpointStats(db);
    expect(cp.failed).toBe(0);
    expect(cp.succeeded).toBe(cp.attempted);
    expect(cp.debt.dirtyFrames).toBe(0);
    expect(readManifest(dir)!.highWater).toBe(last);
    await db.close();
  });

  it('that fails before publishing (ENOSPC on the data file) publishes nothing, leaves its frames dirty, and frees its slots for the retry', async () => {
    // The same writes, once without faults: the slots a clean round uses.
    const cleanDir = testDir('round-clean');
    const clean = DB.open(cleanDir, { checkpoint: false });
    fill(clean, 0, 20_000);
    await clean.checkpoint();
    const cleanManifest = readManifest(cleanDir)!;
    await clean.close();

    const dir = testDir('round-fail');
    const faults: Faults = { match: isData, injected: 0 };
    const db = openWithIo(dir, faultyIo(loadIo(), faults), { checkpoint: false });
    fill(db, 0, 20_000);
    await db.sync();
    const before = checkpointStats(db);
    const segmentsBefore = segmentFiles(dir);
    const manifestBefore = readManifest(dir);

    faults.errno = 'ENOSPC';
    const e = await rejected(db.checkpoint());
    expect(e.code).toBe('NO_SPACE');
    expect(faults.injected).toBeGreaterThan(0);
    const failed = checkpointStats(db);
    expect(failed.attempted - before.attempted).toBe(1);
    expect(failed.failed).toBe(1);
    expect(failed.succeeded).toBe(before.succeeded);
    expect(failed.lastError).toMatch(/ENOSPC/);
    expect(failed.framesWritten).toBe(before.framesWritten);
    // Rolled back: every captured frame is pending again, nothing was published or deleted.
    expect(failed.debt.dirtyFrames).toBe(before.debt.dirtyFrames);
    expect(readManifest(dir)).toEqual(manifestBefore);
    for (const s of segmentsBefore) expect(segmentFiles(dir)).toContain(s);

    faults.errno = undefined;
    await db.checkpoint();
    const retried = checkpointStats(db);
    expect(retried.succeeded - before.succeeded).toBe(1);
    expect(retried.lastError).toBeNull();
    expect(retried.framesWritten - before.framesWritten).toBe(before.debt.dirtyFrames);
    expect(retried.debt.dirtyFrames).toBe(0);
    // No manifest ever named the failed round's slots: the retry took the same ones.
    const manifest = readManifest(dir)!;
    expect(manifest.nextSlot).toBe(cleanManifest.nextSlot);
    expect([...manifest.frames.values()].sort((a, b) => a - b)).toEqual([...cleanManifest.frames.values()].sort((a, b) => a - b));

    const expected = dump(db);
    await db.close();
    const reopened = DB.open(dir, { checkpoint: false });
    expect(dump(reopened)).toEqual(expected);
    await reopened.close();
  });

  it('writes made after a failed round are in the retry, and reopen replays nothing it covers', async () => {
    const dir = testDir('round-fail');
    const faults: Faults = { match: isData, injected: 0 };
    const db = openWithIo(dir, faultyIo(loadIo(), faults), { checkpoint: false });
    fill(db, 0, 5000);
    faults.errno = 'ENOSPC';
    expect((await rejected(db.checkpoint())).code).toBe('NO_SPACE');
    const last = fill(db, 5000, 5000);
    faults.errno = undefined;
    await db.checkpoint();
    expect(readManifest(dir)!.highWater).toBe(last);
    const expected = dump(db);
    db.durable!.abandon();
    const reopened = DB.open(dir, { checkpoint: false });
    expect(reopened.stats().durable!.open.replayRecords).toBe(0);
    expect(dump(reopened)).toEqual(expected);
    await reopened.close();
  });
});
