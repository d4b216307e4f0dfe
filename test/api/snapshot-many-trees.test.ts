/**
 * Snapshots of a DB with many trees: taking one records nothing per tree, so
 * each tree's root location and key count must be preserved the moment they
 * are about to change (a write or a batch, a move out of or within a shared
 * frame, a drop that is finalized). Model test: ~150 small trees with random writes,
 * growth past graduation, shared-frame splits, creates and drops; snapshots
 * taken at random points (some trees first read through them only after they
 * changed) must each still read exactly the oracle copied when they were taken.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import type { Snapshot } from '../../src/api/snapshot.js';
import { Rng } from '../support/rng.mjs';
import { testDir } from '../support/temp-dir.js';


type Oracle = Map<string, Map<string, string>>;

function copy(o: Oracle): Oracle {
  return new Map([...o].map(([name, m]) => [name, new Map(m)]));
}

function check(snap: Snapshot, want: Oracle, when: string): void {
  expect(snap.listTrees().map((t) => `${t.name}:${t.keys}`).sort(), when).toEqual([...want].map(([n, m]) => `${n}:${m.size}`).sort());
  for (const [name, m] of want) {
    const t = snap.tree(name);
    const got = [...t.scan()].map((e) => `${e.key.toString()}=${e.value!.toString()}`);
    expect(got, `${when}: ${name}`).toEqual([...m].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map(([k, v]) => `${k}=${v}`));
    expect(t.count(), `${when}: ${name} count`).toBe(m.size);
  }
}

async function run(db: DB, seed: number, checkpoint: () => Promise<void>): Promise<number> {
  const rng = new Rng(seed);
  const oracle: Oracle = new Map();
  const snaps: { snap: Snapshot; want: Oracle; at: number }[] = [];
  const names = Array.from({ length: 150 }, (_, i) => `tenant-${i}`);
  for (const n of names.slice(0, 120)) { db.tree(n).put('k0', 'v0'); oracle.set(n, new Map([['k0', 'v0']])); }
  for (let step = 0; step < 4000; step++) {
    const name = names[rng.int(names.length)]!;
    const roll = rng.int(1000);
    if (roll < 8) {
      snaps.push({ snap: db.snapshot(), want: copy(oracle), at: step });
      // Read a few trees through it now; the others are first read after they changed.
      for (const n of [...oracle.keys()].slice(0, 3)) snaps.at(-1)!.snap.tree(n).count();
    } else if (roll < 14) {
      if (oracle.has(name)) { db.dropTree(name); oracle.delete(name); } else { db.createTree(name); oracle.set(name, new Map()); }
    } else if (roll < 16) {
      await checkpoint(); // finalizes drops
    } else if (oracle.has(name)) {
      const m = oracle.get(name)!;
      const t = db.openTree(name);
      if (roll < 30) {
        // Growth: past 1,024 keys a tree leaves its shared frame; big values fill shared frames until they split.
        for (let i = 0; i < 300; i++) { const k = `g${rng.int(5000)}`; const v = 'x'.repeat(rng.int(400)); t.put(k, v); m.set(k, v); }
      } else if (roll < 120) {
        // A batch across two trees.
        const other = [...oracle.keys()][rng.int(oracle.size)]!;
        const k = `b${rng.int(20)}`; const v = `w${step}`;
        db.atomic((b) => { b.tree(name).put(k, v); b.tree(other).delete('k0'); });
        m.set(k, v); oracle.get(other)!.delete('k0');
      } else if (roll < 700) {
        const k = `k${rng.int(50)}`; const v = `v${step}`;
        t.put(k, v); m.set(k, v);
      } else {
        const k = `k${rng.int(50)}`;
        t.delete(k); m.delete(k);
      }
    }
  }
  for (const s of snaps) check(s.snap, s.want, `seed ${seed}, snapshot of step ${s.at}`);
  for (const s of snaps) s.snap.close();
  return snaps.length;
}

describe('snapshots of a DB with many small trees', () => {
  it('memory DB: every snapshot reads its instant after writes, graduations, splits, drops', async () => {
    for (const seed of [1, 2]) {
      const db = DB.memory();
      expect(await run(db, seed, async () => {})).toBeGreaterThan(10);
      await db.close();
    }
  });

  it('file DB with a small cache: the same, with checkpoints finalizing drops', async () => {
    const db = DB.open(testDir('snap-trees'), { cacheMB: 8, checkpoint: false });
    expect(await run(db, 3, () => db.checkpoint())).toBeGreaterThan(10);
    await db.close();
  });
});
