/**
 * A cache decision (victim choice, TinyLFU admission, anchor budget and depth)
 * costs a bounded amount of work however many frames are resident: the cache
 * counts the entries each decision examines, and a pool ten times larger must
 * not make a decision examine more. Before the lists, every eviction scanned
 * every resident frame twice (chooseVictim and anchorDepthLimit): 4.3 s and
 * 4.0 s of a 15.5 s profile at 16M keys.
 */
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/cache/buffer-pool.js';
import { CLASS_PROBATION, CLASS_SCAN, FrameCache, VICTIM_SAMPLE } from '../../src/cache/frame-cache.js';
import { loadIo } from '../../src/io/index.js';
import { Frame } from '../../src/layout/frame.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { Rng } from '../support/rng.mjs';

const io = loadIo();

interface Cost {
  /** Most entries one decision examined. */
  max: number;
  mean: number;
  evictions: number;
  anchors: number;
}

/**
 * A full cache of `capacity` frames (a quarter routing frames at several
 * depths, a tenth dirty, most read twice), then a mix of point hits, point
 * misses that ask whether to load whole, loads and scan loads.
 */
function decisionCost(capacity: number): Cost {
  const cache = new FrameCache(new BufferPool(io, capacity, FRAME_SIZE));
  let nextId = 0;
  const frames: Frame[] = [];
  const load = (cls: number): Frame => {
    const id = nextId++;
    const buf = cache.acquire(id, cls);
    const f = Frame.create(id, 1, id % 4 === 0 ? id % 7 : 20, buf.bytes);
    if (id % 4 === 0) f.addCrossings(1 + (id % 3));
    cache.admit(f, buf, cache.incomingClass, true);
    frames.push(f);
    return f;
  };
  for (let i = 0; i < capacity; i++) {
    cache.beginOperation();
    const f = load(CLASS_PROBATION);
    if (i % 10 === 3) f.dirty = true;
  }
  for (const f of frames) {
    cache.beginOperation();
    cache.pointHit(f.id);
  }
  const rng = new Rng(12345);
  let max = 0;
  let total = 0;
  const decisions = 4000;
  for (let n = 0; n < decisions; n++) {
    cache.beginOperation();
    const before = cache.examined;
    const op = rng.int(10);
    if (op < 4) {
      const f = frames[rng.int(frames.length)]!;
      if (!f.evicted) cache.pointHit(f.id);
      else cache.shouldLoadWhole(f.id);
    } else if (op < 8) {
      load(CLASS_PROBATION);
    } else {
      load(CLASS_SCAN);
    }
    const cost = cache.examined - before;
    max = Math.max(max, cost);
    total += cost;
  }
  return { max, mean: total / decisions, evictions: cache.counters.evictions, anchors: cache.anchorFrames };
}

describe('cache decisions cost the same however many frames are resident', () => {
  it('entries examined per decision stay bounded as the pool grows 10x', () => {
    const small = decisionCost(64);
    const large = decisionCost(640);
    console.log('decision cost', JSON.stringify({ small, large }));
    // Both caches really were full and evicting, with anchors held.
    expect(small.evictions).toBeGreaterThan(2000);
    expect(large.evictions).toBeGreaterThan(2000);
    expect(large.anchors).toBe(160);
    // Three class lists and two anchor depths of VICTIM_SAMPLE each, plus the anchor depths looked at.
    const bound = 5 * VICTIM_SAMPLE + 16;
    expect(small.max).toBeLessThanOrEqual(bound);
    expect(large.max).toBeLessThanOrEqual(bound);
    expect(large.mean).toBeLessThanOrEqual(small.mean * 1.5 + 1);
  });
});
