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
});
