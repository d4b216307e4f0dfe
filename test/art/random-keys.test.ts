import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { Rng } from '../support/rng.mjs';

// Regression: 200k random 32-byte keys (the kv bench) once failed with
// "spillover: no subtree that can move": packed frames filled up with roots too
// small to split. Full packed frames now split between two frames.
describe('random binary keys', () => {
  it('200k random 32-byte keys: insert, read back, verify, delete all', () => {
    const rng = new Rng(0x2545f491);
    const N = 200_000;
    const keys: Buffer[] = [];
    for (let i = 0; i < N; i++) {
      const k = Buffer.allocUnsafe(32);
      for (let j = 0; j < 32; j += 4) k.writeUInt32LE(rng.u32(), j);
      keys.push(k);
    }
    const value = Buffer.alloc(64, 0x5a);
    const db = DB.memory();
    const t = db.tree('kv');
    for (const k of keys) t.put(k, value);
    const report = t.verify();
    if (!report.ok) throw new Error(report.errors.join('\n'));
    expect(report.keys).toBe(N);
    const ratio = (report.frames * 512 * 1024) / (N * (32 + 64));
    console.log(`200k random keys: ${report.frames} frames, ${ratio.toFixed(2)}x raw key+value bytes`);
    expect(ratio).toBeLessThan(4);
    for (let i = 0; i < N; i += 997) expect(t.get(keys[i]!)).toEqual(value);
    for (const k of keys) expect(t.delete(k)).toBe(true);
    expect(t.verify().ok).toBe(true);
    expect(db.stats().frames).toBe(1);
  });
});
