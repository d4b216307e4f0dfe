/**
 * When a checkpoint round starts by itself (src/checkpoint/checkpoint-schedule.ts):
 * by WAL size (checked every 4,096 appends), by time (a timer), by dirty
 * memory (at once); none with `checkpoint: false` (spills bound dirty memory
 * then: test/durability/spill.test.ts); on the next turn of
 * the event loop, never inside the write that noticed it; one at a time.
 * First the schedule alone, asked through its probe, then each trigger in a
 * real DB on disk, seen in its stats.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointSchedule, type ScheduleProbe } from '../../src/checkpoint/checkpoint-schedule.js';
import { DB } from '../../src/index.js';
import type { CheckpointStats } from '../../src/index.js';
import { testDir } from '../support/temp-dir.js';

const APPENDS_PER_CHECK = 4096;

/** A probe whose answers a test sets, and a run that counts its calls and settles when told. */
function harness(options: ConstructorParameters<typeof CheckpointSchedule>[0]) {
  const state = { canRun: true, walBytes: 0, pressure: false, runs: 0, runningNow: 0, maxRunning: 0 };
  let settle: ((ok: boolean) => void) | null = null;
  const probe: ScheduleProbe = {
    canRun: () => state.canRun,
    walBytes: () => state.walBytes,
    underMemoryPressure: () => state.pressure,
  };
  const schedule = new CheckpointSchedule(options, probe, () => {
    state.runs++;
    state.runningNow++;
    state.maxRunning = Math.max(state.maxRunning, state.runningNow);
    return new Promise<void>((resolve, reject) => {
      settle = (ok) => {
        state.runningNow--;
        settle = null;
        if (ok) resolve(); else reject(new Error('round failed'));
      };
    });
  });
  /** Ends the round in flight (as a success or a failure) and lets the schedule see it. */
  const finish = async (ok = true): Promise<void> => {
    settle!(ok);
    await nextTurn();
  };
  const writes = (n: number): void => { for (let i = 0; i < n; i++) schedule.afterWrite(); };
  /** `n` writes, then a turn of the event loop: the rounds started so far. */
  const runsAfter = async (n: number): Promise<number> => {
    writes(n);
    await nextTurn();
    return state.runs;
  };
  return { state, schedule, finish, writes, runsAfter };
}

const schedules: CheckpointSchedule[] = [];
afterEach(() => { for (const s of schedules.splice(0)) s.stop(); });

describe('CheckpointSchedule', () => {
  it('WAL size: checked every 4,096 appends; the round starts on the next turn, not inside the write', async () => {
    const h = harness({ walBytes: 1000, intervalMs: 3_600_000 });
    h.state.walBytes = 5000;
    expect(await h.runsAfter(APPENDS_PER_CHECK - 1), 'no check before the 4,096th append').toBe(0);
    h.writes(1);
    expect(h.state.runs, 'not inside the write that noticed it').toBe(0);
    await nextTurn();
    expect(h.state.runs).toBe(1);
    await h.finish();
  });

  it('WAL size below the trigger starts nothing', async () => {
    const h = harness({ walBytes: 1000, intervalMs: 3_600_000 });
    h.state.walBytes = 999;
    expect(await h.runsAfter(3 * APPENDS_PER_CHECK)).toBe(0);
    h.state.walBytes = 1000; // the trigger is inclusive
    expect(await h.runsAfter(APPENDS_PER_CHECK)).toBe(1);
    await h.finish();
  });

  it('one round at a time: triggers while one runs start nothing; after it ends (even failed) the next trigger runs', async () => {
    const h = harness({ walBytes: 1000, intervalMs: 3_600_000 });
    h.state.walBytes = 5000;
    h.writes(APPENDS_PER_CHECK);
    await nextTurn();
    h.writes(5 * APPENDS_PER_CHECK);
    h.state.pressure = true;
    expect(await h.runsAfter(10)).toBe(1);
    await h.finish(false);
    h.state.pressure = false;
    expect(await h.runsAfter(APPENDS_PER_CHECK), 'a failed round does not stop the schedule').toBe(2);
    await h.finish();
    expect(h.state.maxRunning).toBe(1);
  });

  it('nothing to run (canRun false: read-only, not loaded or nothing changed) starts nothing on any trigger', async () => {
    const h = harness({ walBytes: 1000, intervalMs: 20 });
    schedules.push(h.schedule);
    h.state.canRun = false;
    h.state.walBytes = 5000;
    h.state.pressure = true;
    h.schedule.start();
    h.writes(2 * APPENDS_PER_CHECK);
    await sleep(120);
    expect(h.state.runs).toBe(0);
  });

  it('time: the timer starts a round once intervalMs passed since the last one; roundDone restarts the count', async () => {
    const h = harness({ walBytes: 1 << 30, intervalMs: 40 });
    schedules.push(h.schedule);
    h.schedule.start();
    const started = Date.now();
    while (h.state.runs === 0 && Date.now() - started < 5000) await sleep(5);
    expect(h.state.runs).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    h.schedule.roundDone();
    const done = Date.now();
    await h.finish();
    while (h.state.runs === 1 && Date.now() - done < 5000) await sleep(5);
    expect(h.state.runs).toBe(2);
    expect(Date.now() - done).toBeGreaterThanOrEqual(35);
    await h.finish();
    h.schedule.stop();
    await sleep(120);
    expect(h.state.runs, 'stop() ends the timer').toBe(2);
  });

  it('appends never trigger by time: only the timer does', async () => {
    const h = harness({ walBytes: 1 << 30, intervalMs: 1 });
    await sleep(10);
    expect(await h.runsAfter(2 * APPENDS_PER_CHECK)).toBe(0);
  });

  it('dirty memory: the first write under pressure starts a round, without waiting for 4,096 appends', async () => {
    const h = harness({ walBytes: 1 << 30, intervalMs: 3_600_000 });
    expect(await h.runsAfter(10)).toBe(0);
    h.state.pressure = true;
    expect(await h.runsAfter(1)).toBe(1);
    await h.finish();
  });

  it('checkpoint: false turns off size, time and dirty memory (a spill bounds dirty frames instead)', async () => {
    const h = harness(false);
    schedules.push(h.schedule);
    h.schedule.start();
    h.state.walBytes = Number.MAX_SAFE_INTEGER;
    h.writes(3 * APPENDS_PER_CHECK);
    await sleep(50);
    expect(h.state.runs).toBe(0);
    h.state.pressure = true;
    expect(await h.runsAfter(3 * APPENDS_PER_CHECK)).toBe(0);
  });
});

/** Waits until `db` counts a succeeded round beyond `after` (or gives up after 10 s). */
async function roundAfter(db: DB, after: number): Promise<CheckpointStats> {
  const started = Date.now();
  for (;;) {
    const cp = db.stats().durable!.checkpoint;
    if (cp.succeeded > after || Date.now() - started > 10_000) return cp;
    await sleep(10);
  }
}

describe('rounds a DB starts by itself', () => {
  const value = 'v'.repeat(200);

  it('by WAL size: past walBytes, a round runs without checkpoint() and the WAL debt drops below it', async () => {
    const walBytes = 256 * 1024;
    const db = DB.open(testDir('cp-size'), { checkpoint: { walBytes, intervalMs: 3_600_000 } });
    const t = db.tree('t');
    for (let i = 0; i < APPENDS_PER_CHECK; i++) t.put(`k/${i}`, value);
    expect(db.stats().durable!.checkpoint.debt.walBytes).toBeGreaterThan(walBytes);
    const cp = await roundAfter(db, 0);
    expect(cp.succeeded).toBe(1);
    expect(cp.framesWritten).toBeGreaterThan(0);
    expect(cp.debt.walBytes).toBeLessThan(walBytes);
    await db.close();
  });

  it('by time: intervalMs after open, a round covers the writes', async () => {
    const db = DB.open(testDir('cp-time'), { checkpoint: { walBytes: 1 << 30, intervalMs: 100 } });
    const opened = Date.now();
    db.tree('t').put('k', value);
    const cp = await roundAfter(db, 0);
    expect(cp.succeeded).toBe(1);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(90);
    expect(cp.debt.dirtyFrames).toBe(0);
    // Nothing changed since: the timer keeps firing, but no round is counted.
    await sleep(300);
    expect(db.stats().durable!.checkpoint.attempted).toBe(1);
    await db.close();
  });

  it('by dirty memory: a round starts once dirty frames fill half the cache, not before', async () => {
    const db = DB.open(testDir('cp-memory'), { checkpoint: { walBytes: 1 << 30, intervalMs: 3_600_000 }, cacheMB: 4 });
    const budget = db.stats().durable!.cache.budgetFrames;
    const t = db.tree('t');
    let firstRoundAtDirty = -1;
    for (let i = 0; i < 40_000; i++) {
      t.put(`dir-${i % 97}/object-${String(i).padStart(6, '0')}`, value);
      if ((i & 255) !== 0) continue;
      // After a turn of the loop, a trigger noticed by any write so far has started its round.
      await nextTurn();
      const s = db.stats().durable!;
      if (s.checkpoint.attempted > 0) break;
      expect(s.cache.dirtyFrames * 2, `no round yet at ${s.cache.dirtyFrames} dirty frames of ${budget}`).toBeLessThan(budget);
      firstRoundAtDirty = s.cache.dirtyFrames;
    }
    expect(firstRoundAtDirty, 'the writes filled the cache up to the trigger').toBeGreaterThan(0);
    const cp = await roundAfter(db, 0);
    expect(cp.succeeded).toBeGreaterThan(0);
    expect(cp.failed).toBe(0);
    await db.close();
  });

  it('with checkpoint: false, no round runs, however many frames the writes dirty (they spill)', async () => {
    const db = DB.open(testDir('cp-off-memory'), { checkpoint: false, cacheMB: 4 });
    const budget = db.stats().durable!.cache.budgetFrames;
    const t = db.tree('t');
    // Keys in order: each frame fills, spills and is not written again (see test/durability/spill.test.ts).
    for (let i = 0; i < 40_000; i++) {
      t.put(`object-${String(i).padStart(6, '0')}`, value);
      if ((i & 1023) === 0) await nextTurn();
    }
    await sleep(50);
    const s = db.stats().durable!;
    expect(s.checkpoint.attempted).toBe(0);
    expect(s.spill.framesSpilled).toBeGreaterThan(budget);
    expect(s.cache.dirtyFrames).toBeLessThan(budget);
    await db.close();
  });

  it('with checkpoint: false and no memory pressure, no round runs', async () => {
    const db = DB.open(testDir('cp-off'), { checkpoint: false });
    const t = db.tree('t');
    for (let i = 0; i < 2 * APPENDS_PER_CHECK; i++) t.put(`k/${i}`, value);
    await sleep(200);
    expect(db.stats().durable!.checkpoint.attempted).toBe(0);
    await db.close();
  });
});
