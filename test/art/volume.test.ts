/**
 * Volume: hundreds of thousands of keys across many frames, then all deleted:
 * no frame may leak and the root ends empty.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';

function pathKey(i: number): string {
  return `vol${i % 13}/dir${(i >>> 4) % 97}/sub${i % 7}/file-${String(i).padStart(6, '0')}.dat`;
}

describe('volume', () => {
  it('300k path keys: insert, verify, delete all, no frames leak', () => {
    const db = DB.memory();
    const t = db.tree('big');
    const N = 300_000;
    const value = Buffer.alloc(24, 0x76);
    for (let i = 0; i < N; i++) t.put(pathKey(i), value);
    const full = t.verify();
    if (!full.ok) throw new Error(full.errors.join('\n'));
    expect(full.keys).toBe(N);
    expect(full.frames).toBeGreaterThan(20);
    expect(db.stats().frames).toBe(full.frames);
    console.log(`300k keys: ${full.frames} frames, depth ${full.frameDepth}, live ${(full.liveBytes / 2 ** 20).toFixed(1)} MiB`);
    for (let i = 0; i < N; i += 997) expect(t.get(pathKey(i))?.equals(value)).toBe(true);
    expect(t.count('vol3/')).toBe(Math.floor((N - 3 + 12) / 13));
    // Delete in a different order than inserted, checking midway.
    for (let i = 0; i < N; i += 2) expect(t.delete(pathKey(i))).toBe(true);
    const half = t.verify();
    if (!half.ok) throw new Error(half.errors.join('\n'));
    expect(half.keys).toBe(N / 2);
    for (let i = N - 1; i > 0; i -= 2) expect(t.delete(pathKey(i))).toBe(true);
    const empty = t.verify();
    if (!empty.ok) throw new Error(empty.errors.join('\n'));
    expect(empty.keys).toBe(0);
    // Regression: merge attempts used to compact the parent frame on every erase
    // in a small child (over 12,000 compactions here, a minute of CPU).
    expect(t.state.core.counters.compactions).toBeLessThan(1000);
    expect(empty.frames).toBe(1);
    expect(db.stats().frames).toBe(1);
    expect(empty.nodes).toEqual({ EmptyRoot: 1 });
    expect(t.count()).toBe(0);
    expect(t.scan().toArray()).toEqual([]);
    // The tree is still usable.
    t.put('again', '1');
    expect(t.verify()).toMatchObject({ ok: true, keys: 1, frames: 1 });
  });
});
