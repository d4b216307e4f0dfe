/**
 * Snapshots: random writes (with spills, merges, renames, batches, tree
 * drops and creates) go on while snapshots taken at random moments must keep
 * answering exactly as the state was at their instant, against a copy of the
 * oracle taken at the same moment. Memory DBs and file DBs with a cache far
 * smaller than the data (so frames are evicted and re-read under snapshots).
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import type { Snapshot } from '../../src/index.js';
import { Oracle, scanOracle, show } from '../art/oracle.js';
import { Rng } from '../support/rng.mjs';
import { testDir } from '../support/temp-dir.js';

interface Taken { snap: Snapshot; oracles: Map<string, Oracle>; step: number }

function copyOracle(o: Oracle): Oracle {
  const c = new Oracle();
  for (const r of o.map.values()) c.set(r.key, r.value, r.version);
  return c;
}

function checkSnapshot(t: Taken, rng: Rng, where: string): void {
  expect(t.snap.listTrees().map((x) => x.name), `${where} trees`).toEqual([...t.oracles.keys()].sort());
  for (const [name, o] of t.oracles) {
    const tree = t.snap.tree(name);
    const sorted = o.sorted();
    expect(tree.count(), `${where} ${name} count`).toBe(sorted.length);
    for (let i = 0; i < 20 && sorted.length > 0; i++) {
      const r = rng.pick(sorted);
      const got = tree.getRecord(r.key);
      expect(got?.value.equals(r.value) && got.version === r.version, `${where} ${name} get ${r.key.toString()}`).toBe(true);
    }
    const opts = rng.chance(0.5) ? {} : { prefix: `k/${rng.int(10)}`, delimiter: '/', reverse: rng.chance(0.5) };
    const got = show(tree.scan(opts).toArray());
    const want = show(scanOracle(sorted, opts));
    expect(got, `${where} ${name} scan ${JSON.stringify(opts)}`).toEqual(want);
  }
}

async function campaign(db: DB, seed: number, steps: number): Promise<{ checks: number; maxOpen: number }> {
  const rng = new Rng(seed);
  const oracles = new Map<string, Oracle>();
  const taken: Taken[] = [];
  let checks = 0;
  let maxOpen = 0;
  const names = ['a', 'b', 'c'];
  for (let step = 0; step < steps; step++) {
    const name = rng.pick(names);
    if (!oracles.has(name)) oracles.set(name, new Oracle());
    const t = db.tree(name);
    const o = oracles.get(name)!;
    const k = Buffer.from(`k/${rng.int(10)}/${rng.int(300)}`);
    const p = rng.int(100);
    if (p < 55) {
      const v = rng.chance(0.03) ? rng.bytes(40_000) : rng.bytes(rng.range(1, 200));
      o.set(k, v, t.put(k, v));
    } else if (p < 75) {
      expect(t.delete(k)).toBe(o.delete(k));
    } else if (p < 82 && o.has(k)) {
      const to = Buffer.from(`k/${rng.int(10)}/${rng.int(300)}`);
      if (!to.equals(k)) {
        const rec = o.get(k)!;
        const ver = t.rename(k, to, { overwrite: true });
        o.delete(k);
        o.set(to, rec.value, ver);
      }
    } else if (p < 90) {
      const puts = Array.from({ length: rng.range(1, 5) }, () => [Buffer.from(`k/${rng.int(10)}/${rng.int(300)}`), rng.bytes(50)] as const);
      const r = t.atomic((b) => { for (const [bk, bv] of puts) b.put(bk, bv); });
      if (!r.ok) throw new Error('batch failed');
      puts.forEach(([bk, bv], i) => o.set(bk, bv, r.versions[i]!));
    } else if (p < 92 && oracles.size > 1) {
      db.dropTree(name);
      oracles.delete(name);
    } else if (p < 96) {
      const snapOracles = new Map([...oracles].map(([n, x]) => [n, copyOracle(x)]));
      taken.push({ snap: db.snapshot(), oracles: snapOracles, step });
      maxOpen = Math.max(maxOpen, taken.length);
    } else if (taken.length > 0) {
      const i = rng.int(taken.length);
      checkSnapshot(taken[i]!, rng, `seed ${seed} step ${step} snapshot of step ${taken[i]!.step}`);
      checks++;
      if (rng.chance(0.4)) {
        taken[i]!.snap.close();
        taken.splice(i, 1);
      }
    }
    if (step % 500 === 0 && db.durable !== null) await db.checkpoint();
  }
  for (const t of taken) {
    checkSnapshot(t, rng, `seed ${seed} end, snapshot of step ${t.step}`);
    checks++;
  }
  expect(db.stats().snapshots.open).toBe(taken.length);
  for (const t of taken) t.snap.close();
  expect(db.stats().snapshots).toMatchObject({ open: 0, savedFrames: 0, savedBytes: 0 });
  return { checks, maxOpen };
}

describe('snapshots', () => {
  for (const seed of [1, 2, 3]) {
    it(`memory DB, seed ${seed}: every snapshot answers as of its instant`, async () => {
      const r = await campaign(DB.memory(), seed, 3000);
      expect(r.checks).toBeGreaterThan(10);
    });
  }

  it('file DB with a small cache: snapshots survive checkpoints, eviction and re-reads', async () => {
    const db = DB.open(testDir('snap'), { cacheMB: 2, checkpoint: false });
    const r = await campaign(db, 7, 3000);
    expect(r.checks).toBeGreaterThan(10);
    await db.close();
  });

  it('a snapshot scan stepped between writes (and batches that read) lists exactly the snapshot', () => {
    for (const db of [DB.memory(), DB.open(testDir('snap-scan'), { cacheMB: 2, checkpoint: false })]) {
      const t = db.tree('t');
      const rng = new Rng(99);
      const o = new Oracle();
      for (let i = 0; i < 20_000; i++) {
        const k = Buffer.from(`k/${String(i).padStart(6, '0')}`);
        const v = rng.bytes(rng.range(1, 120));
        o.set(k, v, t.put(k, v));
      }
      const snap = db.snapshot();
      const want = show(scanOracle(o.sorted(), {}));
      const got: string[] = [];
      const it = snap.tree('t').scan();
      for (let r = it.next(); !r.done; r = it.next()) {
        got.push(show([r.value])[0]!);
        if (got.length % 97 === 0) {
          // A batch whose callback reads, then writes around and ahead of the cursor.
          db.atomic((b) => {
            const k = `k/${String(rng.int(20_000)).padStart(6, '0')}`;
            b.tree('t').put(k, Buffer.concat([t.get(k) ?? Buffer.alloc(0), Buffer.from('!')]));
          });
          t.delete(`k/${String(rng.int(20_000)).padStart(6, '0')}`);
          t.put(`k/${String(rng.int(20_000)).padStart(6, '0')}x`, rng.bytes(3000));
        }
      }
      expect(got).toEqual(want);
      snap.close();
    }
  });

  it('taking one is O(1); closing releases its copies; reads after close are CLOSED; writes are READ_ONLY', () => {
    const db = DB.memory();
    const t = db.tree('t');
    for (let i = 0; i < 50_000; i++) t.put(`k/${i}`, 'v'.repeat(50));
    const n = 2000;
    const t0 = process.hrtime.bigint();
    const snaps = Array.from({ length: n }, () => db.snapshot());
    const perSnapshotUs = Number(process.hrtime.bigint() - t0) / n / 1000;
    console.log('snapshot()', perSnapshotUs.toFixed(2), 'us each with 50,000 keys');
    for (const s of snaps) s.close();
    const snap = db.snapshot();
    const it = snap.tree('t').scan();
    expect(it.next().done).toBe(false);
    t.put('k/0', 'changed');
    expect(snap.tree('t').get('k/0')?.toString()).toBe('v'.repeat(50));
    expect(db.stats().snapshots.open).toBe(1);
    expect(db.stats().snapshots.savedFrames).toBeGreaterThan(0);
    expect(() => snap.tree('t').put('x', 'y')).toThrowError(expect.objectContaining({ code: 'READ_ONLY' }) as Error);
    snap[Symbol.dispose]();
    expect(db.stats().snapshots).toMatchObject({ open: 0, savedFrames: 0 });
    expect(() => it.next()).toThrowError(expect.objectContaining({ code: 'CLOSED' }) as Error);
    expect(() => snap.tree('t')).toThrowError(expect.objectContaining({ code: 'CLOSED' }) as Error);
  });
});
