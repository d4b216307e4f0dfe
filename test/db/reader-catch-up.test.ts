/**
 * A reader's refresh reads only the WAL the writer appended since the last
 * one (a catch-up) and reloads from the newest checkpoint only after holding
 * its own for a while. Model test: a writer doing random puts, deletes,
 * renames, atomic batches, tree creates and drops, syncs and checkpoints; a
 * reader that refreshes after every sync must hold exactly the writer's state,
 * whichever kind of refresh ran (catch-ups across segment switches and
 * deleted segments, reloads), and the counters say which kind ran.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import type { DBOptions } from '../../src/shapes/options.js';
import { Rng } from '../support/rng.mjs';
import { testDir } from '../support/temp-dir.js';
import { readManifest } from '../../src/store/manifest.js';
import type { FilePager } from '../../src/store/file-pager.js';


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

interface Refreshes { catchUps: number; reloads: number; records: number; inherited: number; rebases: number; checkpoints: number }

/** `lagRounds`: the reader refreshes only every so many rounds (the writer checkpoints past it meanwhile). */
async function model(seed: number, rebaseMs: number, cacheMB: number, lagRounds = 1): Promise<Refreshes> {
  const dir = testDir('catch-up');
  const rng = new Rng(seed);
  const w = DB.open(dir, { checkpoint: false, cacheMB });
  w.tree('t0').put('seed', String(seed));
  // Written once: its frames stay unchanged, so a reload can keep them.
  const still = w.tree('static');
  for (let i = 0; i < 3000; i++) still.put(`s/${i}`, 's'.repeat(400));
  await w.sync();
  const r = DB.open(dir, { readOnly: true, cacheMB, readerRebaseMs: rebaseMs } as DBOptions);
  const names = ['t0', 't1', 't2', 't3'];
  const key = (): string => `d${rng.int(6)}/k${rng.int(300)}`;
  const value = (): string => 'v'.repeat(rng.int(8) === 0 ? 9000 : 1 + rng.int(120)) + rng.int(1000);
  for (let round = 0; round < 60; round++) {
    for (let i = 0, n = 1 + rng.int(400); i < n; i++) {
      const name = names[rng.int(names.length)]!;
      const roll = rng.int(100);
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
        if (from !== to && t.has(from) && (!t.has(to) || rng.int(2) === 0)) t.rename(from, to, { overwrite: true });
      }
      else {
        const live = w.listTrees().map((info) => info.name);
        w.atomic((b) => {
          for (let j = 0, m = 1 + rng.int(6); j < m; j++) {
            const bt = b.tree(live[rng.int(live.length)]!);
            if (rng.int(3) === 0) bt.delete(key()); else bt.put(key(), value());
          }
        });
      }
    }
    if (rng.int(lagRounds === 1 ? 4 : 2) === 0) await w.checkpoint(); else await w.sync();
    if (round % lagRounds !== lagRounds - 1) continue;
    r.refresh();
    expect(contents(r), `seed ${seed} round ${round}`).toEqual(contents(w));
  }
  const s = r.stats().durable!.readers;
  // The writer's own count (checkpoint: false: memory pressure starts no rounds, it spills).
  const checkpoints = w.stats().durable!.checkpoint.succeeded;
  await r.close();
  await w.close();
  return { catchUps: s.catchUps, reloads: s.reloads, records: s.recordsApplied, inherited: s.framesInherited, rebases: s.rebases, checkpoints };
}

describe('reader refresh: catch-up and reload', () => {
  it('catch-ups across checkpoints (segments switched and deleted under the reader, rebased in place) match the writer exactly', async () => {
    for (const [seed, cacheMB] of [[1, 64], [2, 64], [3, 2]] as const) {
      const s = await model(seed, 60_000, cacheMB);
      expect(s.reloads, `seed ${seed}`).toBe(0);
      expect(s.catchUps, `seed ${seed}`).toBe(60);
      // Several checkpoints were followed by an in-place rebase (one moving a frame the reader may read is not).
      // With cacheMB 2 the writer spills between checkpoints, and a checkpoint then publishes every
      // spilled frame at its spill slot: more of the frames a reader reads move at once.
      expect(s.rebases, `seed ${seed}`).toBeGreaterThanOrEqual(cacheMB === 2 ? 3 : 5);
      expect(s.rebases, `seed ${seed}`).toBeLessThanOrEqual(s.checkpoints);
      expect(s.records, `seed ${seed}`).toBeGreaterThan(1000);
    }
  });

  it('a reader that falls a segment behind reloads, keeping unchanged frames, and matches the writer exactly', async () => {
    for (const [seed, cacheMB] of [[4, 2], [5, 64]] as const) {
      const s = await model(seed, 0, cacheMB, 3);
      expect(s.reloads).toBeGreaterThan(2);
      expect(s.inherited).toBeGreaterThan(0);
      expect(s.catchUps + s.reloads).toBe(20);
    }
  });

  it('a refresh reads only what was appended: the records applied are the writer\'s new records', async () => {
    const dir = testDir('catch-up');
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

  it('a reader moves to a newer checkpoint in place only when no frame it may read from disk moved', async () => {
    const dir = testDir('catch-up');
    const w = DB.open(dir, { checkpoint: false });
    const t = w.tree('t');
    for (let i = 0; i < 3000; i++) t.put(`k/${i}`, 'a'.repeat(300));
    await w.checkpoint();
    const r = DB.open(dir, { readOnly: true });
    const pager = (r as unknown as { pager: FilePager }).pager;
    // The writer rewrites frames the reader has not changed: the checkpoint moves them.
    for (let i = 0; i < 3000; i += 7) t.put(`k/${i}`, 'b'.repeat(300));
    await w.checkpoint();
    const newer = readManifest(dir)!;
    expect(pager.rebase(newer.frames)).toBe(false);
    // Once the reader has applied the same writes, those frames are its own (dirty, resident): it may move.
    r.refresh();
    expect(r.stats().durable!.readers.rebases).toBe(1);
    expect(r.stats().durable!.readers.generation).toBe(newer.walSegment);
    expect(r.openTree('t').get('k/7')?.toString()).toBe('b'.repeat(300));
    expect(r.openTree('t').get('k/8')?.toString()).toBe('a'.repeat(300));
    await r.close();
    await w.close();
  });
});
