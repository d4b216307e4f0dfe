/**
 * A reader's refresh reads only the WAL the writer appended since the last
 * one (a catch-up) and reloads from the newest checkpoint only after holding
 * its own for a while. Model test: a writer doing random puts, deletes,
 * renames, atomic batches, tree creates and drops, syncs and checkpoints; a
 * reader that refreshes after every sync must hold exactly the writer's state,
 * whichever kind of refresh ran (catch-ups across segment switches and
 * deleted segments, reloads), and the counters say which kind ran.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import type { DBOptions } from '../../src/api/options.js';
import { tempDir } from '../support/temp-dir.js';

const dirs: (() => void)[] = [];
afterAll(() => { for (const c of dirs) c(); });
function fresh(): string {
  const t = tempDir('catch-up');
  dirs.push(t.cleanup);
  return t.dir;
}

function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

/** Every live tree of `db` as name -> (key -> value@version). */
function contents(db: DB): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const info of db.listTrees()) {
    const m = new Map<string, string>();
    for (const e of db.openTree(info.name).scan()) m.set(e.key.toString('latin1'), `${e.value.toString('latin1')}@${e.version}`);
    out.set(info.name, m);
  }
  return out;
}

async function model(seed: number, rebaseMs: number, cacheMB: number): Promise<{ catchUps: number; reloads: number; records: number; inherited: number }> {
  const dir = fresh();
  const rnd = prng(seed);
  const w = DB.open(dir, { checkpoint: false, cacheMB });
  w.tree('t0').put('seed', String(seed));
  // Written once: its frames stay unchanged, so a reload can keep them.
  const still = w.tree('static');
  for (let i = 0; i < 3000; i++) still.put(`s/${i}`, 's'.repeat(400));
  await w.sync();
  const r = DB.open(dir, { readOnly: true, cacheMB, readerRebaseMs: rebaseMs } as DBOptions);
  const names = ['t0', 't1', 't2', 't3'];
  const key = (): string => `d${rnd(6)}/k${rnd(300)}`;
  const value = (): string => 'v'.repeat(rnd(8) === 0 ? 9000 : 1 + rnd(120)) + rnd(1000);
  for (let round = 0; round < 60; round++) {
    for (let i = 0, n = 1 + rnd(400); i < n; i++) {
      const name = names[rnd(names.length)]!;
      const roll = rnd(100);
      if (roll < 2) {
        if (w.listTrees().some((t) => t.name === name)) w.dropTree(name);
        else w.createTree(name);
        continue;
      }
      const t = w.tree(name);
      if (roll < 60) t.put(key(), value());
      else if (roll < 80) t.delete(key());
      else if (roll < 88) {
        const from = key();
        const to = key();
        if (from !== to && t.has(from) && (!t.has(to) || rnd(2) === 0)) t.rename(from, to, { overwrite: true });
      }
      else {
        const live = w.listTrees().map((info) => info.name);
        w.atomic((b) => {
          for (let j = 0, m = 1 + rnd(6); j < m; j++) {
            const bt = b.tree(live[rnd(live.length)]!);
            if (rnd(3) === 0) bt.delete(key()); else bt.put(key(), value());
          }
        });
      }
    }
    if (rnd(4) === 0) await w.checkpoint(); else await w.sync();
    r.refresh();
    expect(contents(r), `seed ${seed} round ${round}`).toEqual(contents(w));
  }
  const s = r.stats().durable!.readers;
  await r.close();
  await w.close();
  return { catchUps: s.catchUps, reloads: s.reloads, records: s.recordsApplied, inherited: s.framesInherited };
}

describe('reader refresh: catch-up and reload', () => {
  it('catch-ups across checkpoints (segments switched and deleted under the reader) match the writer exactly', async () => {
    for (const seed of [1, 2, 3]) {
      const s = await model(seed, 60_000, 64);
      expect(s.reloads).toBe(0);
      expect(s.catchUps).toBe(60);
      expect(s.records).toBeGreaterThan(1000);
    }
  });

  it('reloads after every checkpoint (rebase at once), keeping unchanged frames, match the writer exactly', async () => {
    for (const [seed, cacheMB] of [[4, 2], [5, 64]] as const) {
      const s = await model(seed, 0, cacheMB);
      expect(s.reloads).toBeGreaterThan(5);
      expect(s.inherited).toBeGreaterThan(0);
      expect(s.catchUps).toBeGreaterThan(5);
      expect(s.catchUps + s.reloads).toBe(60);
    }
  });

  it('a refresh reads only what was appended: the records applied are the writer\'s new records', async () => {
    const dir = fresh();
    const w = DB.open(dir, { checkpoint: false });
    const t = w.tree('t');
    for (let i = 0; i < 5000; i++) t.put(`k${i}`, 'x');
    await w.sync();
    const r = DB.open(dir, { readOnly: true });
    expect(r.stats().durable!.open.replayRecords).toBeGreaterThanOrEqual(5000);
    for (let i = 0; i < 7; i++) t.put(`n${i}`, 'y');
    await w.sync();
    r.refresh();
    expect(r.stats().durable!.readers).toMatchObject({ catchUps: 1, reloads: 0, recordsApplied: 7 });
    r.refresh(); // nothing new
    expect(r.stats().durable!.readers).toMatchObject({ catchUps: 2, reloads: 0, recordsApplied: 7 });
    expect(r.openTree('t').count()).toBe(5007);
    await r.close();
    await w.close();
  });
});
