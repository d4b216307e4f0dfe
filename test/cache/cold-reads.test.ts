/**
 * The buffer manager's read paths on a database several times its cache:
 * cold point reads fetch read-index and leaf pages, not whole frames; absent
 * keys are answered from the index; a frame read often is loaded whole; a
 * full scan leaves the point-read hot set resident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { Rng } from '../support/rng.mjs';
import { tempDir } from '../support/temp-dir.js';

const KEYS = 60_000;
const keyOf = (i: number): string => `bucket-${String(i % 16).padStart(2, '0')}/path/sub/file-${String(i).padStart(7, '0')}.bin`;
const valueOf = (i: number): string => `{"size":${i},"etag":"${(Math.imul(i, 2654435761) >>> 0).toString(16)}","pad":"${'y'.repeat(40 + (i % 40))}"}`;

const t = tempDir('cold');
afterAll(() => t.cleanup());

describe('cold reads', () => {
  beforeAll(async () => {
    const db = DB.open(t.dir, { cacheMB: 256 });
    const tree = db.tree('objects');
    for (let i = 0; i < KEYS; i++) tree.put(keyOf(i), valueOf(i));
    await db.close();
  }, 120_000);

  it('a cold get reads pages, not frames: under 32 KiB per get, every value right', async () => {
    const db = DB.open(t.dir, { cacheMB: 4, checkpoint: false });
    const tree = db.openTree('objects');
    expect(db.stats().frames).toBeGreaterThan(3 * db.stats().durable!.cache.budgetFrames);
    const r = new Rng(11);
    const before = db.stats().durable!.disk.bytesRead;
    const N = 2000;
    for (let n = 0; n < N; n++) {
      const i = r.int(KEYS);
      expect(tree.get(keyOf(i))?.toString()).toBe(valueOf(i));
    }
    const s = db.stats().durable!;
    const perGet = (s.disk.bytesRead - before) / N;
    console.log('cold gets', JSON.stringify({ perGetKiB: (perGet / 1024).toFixed(1), cold: s.cache.coldReads, misses: s.cache.point.misses }));
    expect(s.cache.coldReads.probes).toBeGreaterThan(N / 2);
    expect(perGet).toBeLessThan(32 * 1024);
    // getRecord, getVersion and has take the same path and agree with get.
    for (let n = 0; n < 200; n++) {
      const i = r.int(KEYS);
      const rec = tree.getRecord(keyOf(i))!;
      expect(rec.key.toString()).toBe(keyOf(i));
      expect(rec.value.toString()).toBe(valueOf(i));
      expect(tree.getVersion(keyOf(i))).toBe(rec.version);
      expect(tree.has(keyOf(i))).toBe(true);
    }
    await db.close();
  });

  it('absent keys are answered from the index without loading their frame', async () => {
    const db = DB.open(t.dir, { cacheMB: 4, checkpoint: false });
    const tree = db.openTree('objects');
    const r = new Rng(5);
    const loadsBefore = db.stats().durable!.cache.point.misses;
    let absent = 0;
    for (let n = 0; n < 300; n++) {
      const i = r.int(KEYS);
      // Same path as a live key (so the walk reaches the same leaf frame), another file name.
      const k = keyOf(i).replace('.bin', '.tmp');
      expect(tree.get(k)).toBeUndefined();
      expect(tree.has(k)).toBe(false);
      absent++;
    }
    const s = db.stats().durable!.cache;
    console.log('absent gets', JSON.stringify({ absent, frameLoads: s.point.misses - loadsBefore, cold: s.coldReads }));
    // Routing frames load whole; leaf frames do not, except those read often enough to promote.
    expect(s.point.misses - loadsBefore).toBeLessThan(absent / 4);
    await db.close();
  });

  it('a frame read often is loaded whole, and then reads cost no I/O', async () => {
    const db = DB.open(t.dir, { cacheMB: 8, checkpoint: false });
    const tree = db.openTree('objects');
    const hot = [1, 17, 33, 49, 65].map(keyOf);
    // Long enough for the frames' page touches to pay for them (FrameCache: 128 touches).
    for (let round = 0; round < 40; round++) for (const k of hot) tree.get(k);
    const before = db.stats().durable!.disk.bytesRead;
    for (let round = 0; round < 50; round++) for (const k of hot) expect(tree.get(k)).toBeDefined();
    expect(db.stats().durable!.disk.bytesRead).toBe(before);
    await db.close();
  });

  it('a full scan leaves the hot set resident (scans do not evict what point reads use)', async () => {
    const db = DB.open(t.dir, { cacheMB: 8, checkpoint: false });
    const tree = db.openTree('objects');
    // A hot set a few frames wide, read until it is resident and protected.
    const hot = Array.from({ length: 40 }, (_, j) => keyOf(j * 7));
    // (long enough that the hot frames' page touches paid for them: promotions are over).
    for (let round = 0; round < 30; round++) for (const k of hot) tree.get(k);
    const warm = db.stats().durable!.cache;
    let n = 0;
    for (const e of tree.scan({ keysOnly: true })) if (e.kind === 'key') n++;
    expect(n).toBe(KEYS);
    const afterScan = db.stats().durable!.cache;
    expect(afterScan.scan.misses).toBeGreaterThan(afterScan.budgetFrames); // the scan went through more than the cache
    const bytesBefore = db.stats().durable!.disk.bytesRead;
    for (const k of hot) tree.get(k);
    const after = db.stats().durable!;
    console.log('scan resistance', JSON.stringify({ hotFramesRead: (after.disk.bytesRead - bytesBefore) / FRAME_SIZE, warmResident: warm.residentFrames, scanMisses: afterScan.scan.misses }));
    // At most the few frames the scan itself stood in at once may have left: its window
    // (an eighth of the 16-buffer pool) and the frame it walks, read back whole, and the
    // pages read on the way to them (a routed frame's routing region, a few pages each).
    expect(after.disk.bytesRead - bytesBefore).toBeLessThanOrEqual(3 * FRAME_SIZE + 24 * 4096);
    await db.close();
  });
});
