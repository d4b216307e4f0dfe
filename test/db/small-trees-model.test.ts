/**
 * Model test for small trees: random operations across ~50 trees (create,
 * drop, put, delete, rename, atomic batches across trees) against a Map
 * oracle, on a file DB with a 4 MiB cache so that shared frames and grown
 * trees are evicted and read back, with checkpoints, clean reopens and
 * crash-like reopens (WAL replay) in between. Trees start in shared frames;
 * some grow past GRADUATE_KEYS and move out, shared frames fill and split.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { GRADUATE_KEYS } from '../../src/art/shared-frame.js';
import { Rng } from '../support/rng.mjs';
import { testDir } from '../support/temp-dir.js';

type Oracle = Map<string, Map<string, string>>;

function check(db: DB, oracle: Oracle): void {
  expect(db.listTrees().map((t) => t.name).sort()).toEqual([...oracle.keys()].sort());
  for (const [name, want] of oracle) {
    const t = db.openTree(name);
    const got = [...t.scan()].map((e) => [e.key.toString(), e.value!.toString()]);
    const exp = [...want].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
    expect(got, name).toEqual(exp);
    expect(t.count()).toBe(want.size);
  }
}

describe('small trees model', () => {
  it('random ops over ~50 trees agree with a Map oracle across reopens and crashes', async () => {
    const dir = testDir('small-trees-model');
    const r = new Rng(1717);
    const oracle: Oracle = new Map();
    const options = { checkpoint: false as const, cacheMB: 4 };
    let db = DB.open(dir, options);
    const pickName = (): string => `tree-${r.int(50)}`;
    const pickKey = (): string => `k${r.int(40)}`;
    for (let round = 0; round < 8; round++) {
      for (let step = 0; step < 1500; step++) {
        const name = pickName();
        const p = r.next();
        const live = oracle.get(name);
        if (live === undefined) {
          if (p < 0.5) { db.createTree(name); oracle.set(name, new Map()); }
          continue;
        }
        const t = db.openTree(name);
        if (p < 0.02) {
          db.dropTree(name);
          oracle.delete(name);
        } else if (p < 0.55) {
          const k = pickKey();
          const v = `${name}:${step}:${'v'.repeat(r.int(60))}`;
          t.put(k, v);
          live.set(k, v);
        } else if (p < 0.7) {
          const k = pickKey();
          expect(t.delete(k)).toBe(live.delete(k));
        } else if (p < 0.78) {
          const from = pickKey();
          const to = pickKey();
          if (live.has(from) && from !== to) {
            t.rename(from, to, { overwrite: true });
            live.set(to, live.get(from)!);
            live.delete(from);
          }
        } else if (p < 0.86) {
          const other = pickName();
          const otherLive = oracle.get(other);
          if (otherLive !== undefined && other !== name) {
            const k = pickKey();
            db.atomic((b) => {
              b.tree(name).put(`batch/${k}`, `b${step}`);
              b.tree(other).put(k, `o${step}`);
              b.tree(name).delete(k);
            });
            live.set(`batch/${k}`, `b${step}`);
            otherLive.set(k, `o${step}`);
            live.delete(k);
          }
        } else if (p < 0.87) {
          // Grow one tree past graduation now and then.
          for (let i = 0; i < GRADUATE_KEYS + 50; i++) {
            t.put(`grow/${i}`, 'g');
            live.set(`grow/${i}`, 'g');
          }
        } else {
          const k = pickKey();
          expect(t.get(k)?.toString()).toBe(live.get(k));
        }
      }
      check(db, oracle);
      if (round % 3 === 0) await db.checkpoint();
      if (round % 2 === 0) {
        await db.close();
      } else {
        await db.sync();
        db.durable!.abandon(); // crash-like: the WAL since the last checkpoint is replayed
      }
      db = DB.open(dir, options);
      check(db, oracle);
      for (const name of oracle.keys()) expect(db.openTree(name).verify().ok, name).toBe(true);
    }
    await db.close();
  });
});
