/**
 * Write errors (ENOSPC injected through the Io seam): sync() and checkpoint()
 * reject with NO_SPACE, reads keep working, a retry after the fault clears
 * succeeds, and nothing acknowledged is lost across a reopen.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { loadIo } from '../../src/io/index.js';
import { faultyIo, type Faults } from '../support/fault-io.js';
import { rejected } from '../support/thrown.js';
import { dump, openWithIo, verifyAll } from './helpers.js';
import { tempDir } from '../support/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });
function dir(): string {
  const t = tempDir('enospc');
  cleanups.push(t.cleanup);
  return t.dir;
}

const isWal = (p: string): boolean => /wal-\d+\.log$/.test(p);
const isData = (p: string): boolean => p.endsWith('data.holt');

function setup(match: (p: string) => boolean): { d: string; faults: Faults; db: DB } {
  const d = dir();
  const faults: Faults = { match, injected: 0 };
  const db = openWithIo(d, faultyIo(loadIo(), faults), { checkpoint: false });
  return { d, faults, db };
}

/**
 * Crash right here (process state dropped, no checkpoint, no close) and reopen:
 * the reopened DB holds exactly what `db` held, and every tree verifies.
 */
async function crashAndCompare(db: DB, d: string): Promise<void> {
  const expected = dump(db);
  db.durable!.abandon();
  const re = DB.open(d, { checkpoint: false });
  expect(dump(re)).toEqual(expected);
  expect(verifyAll(re)).toEqual([]);
  await re.close();
}

function fill(db: DB, from: number, n: number): void {
  const t = db.tree('t');
  for (let i = from; i < from + n; i++) t.put(`k/${i.toString().padStart(6, '0')}`, `value-${i}-${'p'.repeat(i % 50)}`);
}

describe('ENOSPC on the WAL', () => {
  it('sync() rejects with NO_SPACE, reads still work, a retry after the fault clears acknowledges everything', async () => {
    const { d, faults, db } = setup(isWal);
    fill(db, 0, 100);
    await db.sync();
    faults.errno = 'ENOSPC';
    fill(db, 100, 100);
    const e = await rejected(db.sync());
    expect(e.code).toBe('NO_SPACE');
    expect(faults.injected).toBeGreaterThan(0);
    // Reads see everything (the writes are in memory), and more writes are accepted into the buffer.
    expect(db.tree('t').get('k/000150')?.toString()).toBe('value-150-' + 'p'.repeat(0));
    expect(db.tree('t').count()).toBe(200);
    expect((await rejected(db.sync())).code).toBe('NO_SPACE');
    faults.errno = undefined;
    await db.sync();
    await crashAndCompare(db, d);
  });

  it('checkpoint() while the WAL cannot be written rejects with NO_SPACE and does not acknowledge anything by accident', async () => {
    const { d, faults, db } = setup(isWal);
    fill(db, 0, 300);
    await db.sync();
    faults.errno = 'ENOSPC';
    fill(db, 300, 300);
    const e = await rejected(db.checkpoint());
    expect(e.code).toBe('NO_SPACE');
    // The log the failed checkpoint was closing still holds unwritten records:
    // sync() must not report them durable while the disk is full.
    expect((await rejected(db.sync())).code).toBe('NO_SPACE');
    expect(db.tree('t').count()).toBe(600);
    faults.errno = undefined;
    await db.sync();
    await crashAndCompare(db, d);
  });

  it('a checkpoint whose old segment cannot be flushed (new segment healthy) leaves sync() failing until the fault clears', async () => {
    const d = dir();
    const faults: Faults = { match: () => false, injected: 0 };
    const db = openWithIo(d, faultyIo(loadIo(), faults), { checkpoint: false });
    fill(db, 0, 300);
    await db.sync();
    const seg = `wal-${String((db.stats().durable as { walSegment: number }).walSegment).padStart(6, '0')}.log`;
    faults.match = (p) => p.endsWith(seg); // only the segment the checkpoint will close
    faults.errno = 'ENOSPC';
    fill(db, 300, 300); // pending in the old segment
    expect((await rejected(db.checkpoint())).code).toBe('NO_SPACE');
    fill(db, 600, 10); // goes to the new segment, which is healthy
    // Records 300..599 are still only in memory: sync() must not acknowledge them.
    expect((await rejected(db.sync())).code).toBe('NO_SPACE');
    faults.errno = undefined;
    await db.sync();
    await crashAndCompare(db, d);
  });

  it('after a failed checkpoint, a later checkpoint succeeds and covers everything', async () => {
    const { d, faults, db } = setup(isWal);
    fill(db, 0, 300);
    faults.errno = 'ENOSPC';
    expect((await rejected(db.checkpoint())).code).toBe('NO_SPACE');
    fill(db, 300, 50); // writes between the failure and the retry
    faults.errno = undefined;
    await db.checkpoint();
    fill(db, 350, 50);
    await db.sync();
    await crashAndCompare(db, d);
  });
});

describe('ENOSPC on the data file', () => {
  it('checkpoint() rejects with NO_SPACE, reads work, the retry succeeds, reopen has everything', async () => {
    const { d, faults, db } = setup(isData);
    fill(db, 0, 20_000);
    await db.sync();
    faults.errno = 'ENOSPC';
    const e = await rejected(db.checkpoint());
    expect(e.code).toBe('NO_SPACE');
    const cp = (db.stats().durable as { checkpoint: { failed: number } }).checkpoint;
    expect(cp.failed).toBe(1);
    expect(db.tree('t').get('k/012345')?.toString()).toBe(`value-12345-${'p'.repeat(12345 % 50)}`);
    fill(db, 20_000, 1000);
    await db.sync(); // the WAL is healthy: acknowledged
    faults.errno = undefined;
    await db.checkpoint();
    fill(db, 21_000, 10);
    await db.sync();
    await crashAndCompare(db, d);
  });

  it('a failed checkpoint with no retry loses nothing: reopen replays the WAL over the old manifest', async () => {
    const { d, faults, db } = setup(isData);
    fill(db, 0, 5000);
    await db.checkpoint();
    fill(db, 5000, 5000);
    db.tree('t').delete('k/000001');
    db.tree('t').rename('k/000002', 'renamed');
    faults.errno = 'ENOSPC';
    expect((await rejected(db.checkpoint())).code).toBe('NO_SPACE');
    fill(db, 10_000, 100);
    await db.sync();
    await crashAndCompare(db, d);
  });

  it('close() on a full data disk rejects with NO_SPACE, but still makes the log durable', async () => {
    const { d, faults, db } = setup(isData);
    fill(db, 0, 3000);
    await db.sync();
    fill(db, 3000, 100); // not synced: close() is what makes these durable
    const expected = dump(db);
    faults.errno = 'ENOSPC';
    expect((await rejected(db.close())).code).toBe('NO_SPACE');
    const re = DB.open(d, { checkpoint: false });
    expect(dump(re)).toEqual(expected);
    await re.close();
  });
});
