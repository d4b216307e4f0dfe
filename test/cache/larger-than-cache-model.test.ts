/**
 * Model test over a data set 20 times its cache: random puts, overwrites,
 * deletes, gets (present and absent), short listings and checkpoints, with
 * reopens in between so that reads go cold through routed images and the
 * page cache, all checked against a Map oracle. A failure names the op.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { Rng } from '../support/rng.mjs';
import { tempDir } from '../support/temp-dir.js';

const CACHE_MB = 4;
const keyOf = (i: number): string => `b${i % 7}/d${(i >>> 3) % 40}/obj-${String(i).padStart(6, '0')}`;
/** Values of 40 B to 6 KB (some leaves larger than a page), a function of key and version. */
function valueOf(i: number, v: number, r: Rng): string {
  const size = r.int(10) === 0 ? 4000 + r.int(2000) : 40 + r.int(1000);
  return `${i}:${v}:`.padEnd(size, String.fromCharCode(97 + ((i + v) % 26)));
}

const t = tempDir('model-20x');
afterAll(() => t.cleanup());

describe('larger than the cache, against an oracle', () => {
  it('random ops over a data set 20x the cache agree with a Map oracle', async () => {
    const r = new Rng(2025);
    const oracle = new Map<string, string>();
    let db = DB.open(t.dir, { cacheMB: CACHE_MB });
    let tree = db.tree('objects');
    let v = 0;
    // Load in key order until the data file is 20x the cache. (A load in random
    // order over a cache this small spills at almost every put: minutes, and not
    // what this test is about; the random writes below spill too.)
    const KEYS = 120_000;
    const order = Array.from({ length: KEYS }, (_, j) => j).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    let loaded = 0;
    while (loaded % 1000 !== 0 || db.stats().frames * 512 * 1024 < 20 * CACHE_MB * 1024 * 1024) {
      const n = order[loaded]!;
      const k = keyOf(n);
      const val = valueOf(n, ++v, r);
      tree.put(k, val);
      oracle.set(k, val);
      loaded++;
    }
    expect(loaded).toBeLessThan(KEYS);
    // Three ops in four go to loaded keys, the rest anywhere (mostly absent keys).
    const pick = (): number => (r.int(4) === 0 ? r.int(KEYS + 2000) : order[r.int(loaded)]!);
    await db.checkpoint();
    // Keys are ASCII: string order is byte order.
    const sorted = (prefix = ''): string[] => [...oracle.keys()].filter((key) => key.startsWith(prefix)).sort();
    for (let op = 0; op < 8_000; op++) {
      const where = `op ${op}`;
      const x = r.int(100);
      const n = pick();
      const k = keyOf(n);
      if (x < 40) {
        expect(tree.get(k)?.toString(), where).toBe(oracle.get(k));
      } else if (x < 65) {
        const val = valueOf(n, ++v, r);
        tree.put(k, val);
        oracle.set(k, val);
      } else if (x < 80) {
        expect(tree.delete(k), where).toBe(oracle.delete(k));
      } else if (x < 83) {
        const prefix = `b${n % 7}/d${(n >>> 3) % 40}/`;
        const got = [...tree.scan({ prefix, limit: 5, keysOnly: true })].map((e) => e.key.toString());
        const want = sorted(prefix).slice(0, 5);
        expect(got, where).toEqual(want);
      } else if (x < 99) {
        expect(tree.has(k), where).toBe(oracle.has(k));
      } else if (op % 3 === 0) {
        await db.checkpoint();
      } else {
        await db.close();
        db = DB.open(t.dir, { cacheMB: CACHE_MB });
        tree = db.tree('objects');
      }
    }
    await db.close();
    db = DB.open(t.dir, { cacheMB: CACHE_MB });
    tree = db.tree('objects');
    expect(db.stats().frames * 512 * 1024).toBeGreaterThanOrEqual(15 * CACHE_MB * 1024 * 1024);
    let count = 0;
    const want = sorted();
    for (const e of tree.scan({ keysOnly: false })) {
      const key = e.key.toString();
      expect(key).toBe(want[count]);
      expect(e.value?.toString()).toBe(oracle.get(key));
      count++;
    }
    expect(count).toBe(oracle.size);
    const s = db.stats().durable!.cache;
    expect(s.budgetFrames).toBeLessThanOrEqual(8);
    expect(tree.verify().ok).toBe(true);
    await db.close();
  }, 300_000);
});
