/**
 * Group commit: many writers each awaiting sync() after every put share
 * fdatasyncs, so the count of fdatasyncs is far below the count of ops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

describe('group commit', () => {
  it('64 concurrent writers awaiting sync() after each put share fdatasyncs', async () => {
    const t = tempDir('group');
    cleanups.push(t.cleanup);
    const db = DB.open(t.dir, { checkpoint: false });
    const tree = db.tree('t');
    await db.sync();
    const before = db.stats().durable!.wal!;
    const WRITERS = 64;
    const PER_WRITER = 40;
    let acked = 0;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < PER_WRITER; i++) {
        tree.put(`w${w}/k${i}`, `value ${w} ${i}`);
        await db.sync();
        acked++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const millis = performance.now() - started;
    const after = db.stats().durable!.wal!;
    const ops = WRITERS * PER_WRITER;
    const fdatasyncs = after.fdatasyncs - before.fdatasyncs;
    console.log('group commit', JSON.stringify({ ops, fdatasyncs, opsPerFdatasync: +(ops / fdatasyncs).toFixed(1), maxWaitersPerSync: after.maxWaitersPerSync, millis: Math.round(millis) }));
    expect(acked).toBe(ops);
    expect(fdatasyncs).toBeGreaterThan(0);
    expect(fdatasyncs).toBeLessThanOrEqual(ops / 16);
    expect(after.maxWaitersPerSync).toBeGreaterThanOrEqual(WRITERS / 2);
    expect(after.syncWaitersServed - before.syncWaitersServed).toBe(ops);
    await db.close();
    const re = DB.open(t.dir, { checkpoint: false });
    expect(re.openTree('t').count()).toBe(ops);
    await re.close();
  });
});
