/**
 * `cacheMB` bounds memory: a separate process reads a database several times
 * larger than its cache (random point reads, full scans, counts) and its RSS,
 * sampled throughout, stays within the cache budget plus a fixed overhead.
 * Before the buffer pool, every miss allocated a new 512 KiB buffer and RSS
 * grew with the number of misses, not with the budget.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

const CHILD = new URL('./rss-child.mjs', import.meta.url).pathname;
const CACHE_MB = 16;
const KEYS = 150_000; // about 90 MB of frames: more than 5x the cache
/** RSS growth allowed past the warmed-up baseline (allocator slack, iterator garbage). */
const OVERHEAD_MB = 48;

const t = tempDir('rss');
afterAll(() => t.cleanup());

function child(mode: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, mode, t.dir, String(CACHE_MB), String(KEYS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Record<string, unknown>;
}

describe('memory bounded by cacheMB', () => {
  beforeAll(() => {
    child('build');
  }, 300_000);

  it('RSS stays flat through random gets, full scans and counts over a database 5x the cache', () => {
    const r = child('read') as { baseline: number; peak: number; wrong: number; cache: Record<string, number> };
    console.log('rss', JSON.stringify({ baselineMB: r.baseline.toFixed(1), peakMB: r.peak.toFixed(1), cache: r.cache }));
    expect(r.wrong).toBe(0);
    // The data really does not fit: frames were evicted and re-read many times.
    expect(r.cache.evictions).toBeGreaterThan(1000);
    expect(r.cache.poolBuffers).toBeLessThanOrEqual(r.cache.budgetFrames);
    expect(r.cache.overdraftsTotal).toBe(0);
    // The baseline already holds the full pool; nothing may grow with more misses.
    expect(r.peak - r.baseline).toBeLessThan(OVERHEAD_MB);
  }, 300_000);

  it('a hot set after a uniform phase becomes frame-resident within the same budget', () => {
    type Cache = Record<string, number> & { point: Record<string, number>; coldReads: Record<string, number> };
    const r = child('hot') as { wrong: number; peak: number; afterUniform: Cache; warm: Cache; end: Cache };
    const { afterUniform: u, warm: w, end: e } = r;
    console.log('hot set', JSON.stringify({
      peakMB: r.peak.toFixed(1), uniform: { resident: u.residentFrames, routing: u.routeAnchorFrames, pages: u.pageCacheResident, promoted: u.framesPromoted },
      warm: { resident: w.residentFrames, pages: w.pageCacheResident, promoted: w.framesPromoted, evictions: w.evictions, chunksReleased: w.pageChunksReleased },
      lastPass: { probes: e.coldReads.probes - w.coldReads.probes, pageHits: e.coldReads.pageHits - w.coldReads.pageHits, misses: e.point.misses - w.point.misses, bytesRead: e.bytesRead - w.bytesRead },
    }));
    expect(r.wrong).toBe(0);
    // The uniform phase read pages: the data is far larger than the budget.
    expect(u.coldReads.probes).toBeGreaterThan(1000);
    // The hot set's frames were promoted whole, displacing pages or frames no longer used...
    expect(w.framesPromoted).toBeGreaterThan(u.framesPromoted);
    expect(w.evictions + w.pageChunksReleased).toBeGreaterThan(u.evictions + u.pageChunksReleased);
    // ...so the last 4,000 hot gets read nothing and load no frame: they walk resident
    // frames, and a routing frame above them whose leaves they do not use is passed through
    // its cached routing pages (a routing region does not count towards loading a frame whole).
    expect(e.bytesRead - w.bytesRead).toBe(0);
    expect(e.point.misses - w.point.misses).toBe(0);
    expect(e.coldReads.probes - w.coldReads.probes).toBeLessThan(4000 / 10);
    // One budget: frames and page chunks together within the pool.
    expect(e.residentFrames + e.pageCacheChunks).toBeLessThanOrEqual(e.budgetFrames);
    expect(e.overdraftsTotal).toBe(0);
  }, 300_000);
});
