/**
 * A million object-store keys: all readable, verify ok, and a report of frame
 * memory against the raw key and value bytes (printed, not asserted).
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';

describe('object store shape', () => {
  it('1M object-store keys: all readable, verify ok, frame memory vs raw bytes', () => {
    const db = DB.memory();
    const t = db.tree('objects');
    const N = 1_000_000;
    const key = (i: number): string => `bucket-${String(i % 40).padStart(2, '0')}/path/sub${(i >>> 6) % 50}/file-${String(i).padStart(7, '0')}.bin`;
    const value = (i: number): string => `{"size":${(i * 7919) % 1_000_000},"etag":"${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}","ct":"bin"}`;
    let raw = 0;
    for (let i = 0; i < N; i++) {
      const k = key(i);
      const v = value(i);
      raw += k.length + v.length;
      t.put(k, v);
    }
    for (let i = 0; i < N; i++) {
      const got = t.get(key(i));
      if (got === undefined || got.toString() !== value(i)) throw new Error(`key ${key(i)} reads ${String(got)}`);
    }
    const r = t.verify();
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.keys).toBe(N);
    const frames = db.stats().frames;
    const mem = frames * FRAME_SIZE;
    console.log(`1M keys: ${frames} frames (depth ${r.frameDepth}), frame memory ${(mem / 2 ** 20).toFixed(1)} MiB, raw key+value ${(raw / 2 ** 20).toFixed(1)} MiB, ratio ${(mem / raw).toFixed(2)}x, live node bytes ${(r.liveBytes / 2 ** 20).toFixed(1)} MiB (${(r.liveBytes / raw).toFixed(2)}x)`);
  }, 120_000);
});
