/**
 * tree.stats(): the walker's counters plus a shape walk that agrees with
 * verify() and with the frame headers.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { HoltError } from '../../src/errors.js';
import { key, value } from './helpers.js';
import { testDir } from '../support/temp-dir.js';

describe('tree.stats()', () => {
  it('describes an empty tree: one root frame holding an EmptyRoot', () => {
    const t = DB.memory().tree('empty');
    const s = t.stats();
    expect(s).toMatchObject({ name: 'empty', keys: 0, mutations: 0, spillovers: 0 });
    expect(s.shape.frames).toBe(1);
    expect(s.shape.frameDepth).toBe(1);
    expect(s.shape.leafFrames).toBe(1);
    expect(s.shape.nodes.emptyRoot).toBe(1);
    expect(s.shape.nodes.leaf).toBe(0);
    expect(s.shape.underfilledFrames).toBe(0);
  });

  it('counts one leaf per key and agrees with verify() on frames, depth and live bytes', () => {
    const db = DB.memory();
    const t = db.tree('objects');
    const n = 20_000;
    for (let i = 0; i < n; i++) t.put(key(i), value(i, 200));
    const s = t.stats();
    const v = t.verify();
    expect(v.ok).toBe(true);
    expect(s.keys).toBe(n);
    expect(s.mutations).toBe(n);
    expect(s.shape.nodes.leaf).toBe(n);
    expect(s.shape.frames).toBe(v.frames);
    expect(s.shape.frames).toBe(db.stats().frames);
    expect(s.shape.frameDepth).toBe(v.frameDepth);
    expect(s.shape.liveBytes).toBe(v.liveBytes);
    // Packed frames hold several roots, each behind its own Crossing.
    expect(s.shape.nodes.crossing).toBeGreaterThanOrEqual(s.shape.frames - 1);
    expect(s.shape.nodes.crossing).toBe(v.nodes['Crossing']);
    expect(s.shape.nodes.prefix).toBe(v.nodes['Prefix'] ?? 0);
    expect(s.shape.nodes.node4 + s.shape.nodes.node16 + s.shape.nodes.node48 + s.shape.nodes.node256)
      .toBe((v.nodes['Node4'] ?? 0) + (v.nodes['Node16'] ?? 0) + (v.nodes['Node48'] ?? 0) + (v.nodes['Node256'] ?? 0));
    // 20k x ~240 bytes does not fit one 512 KiB frame: the tree spilled.
    expect(s.spillovers).toBeGreaterThan(0);
    expect(s.shape.frames).toBeGreaterThan(1);
    expect(s.shape.leafFrames).toBeGreaterThan(0);
    expect(s.shape.leafFrames).toBeLessThan(s.shape.frames);
    const { min, mean, max } = s.shape.fill;
    expect(0 < min && min <= mean && mean <= max && max <= 1).toBe(true);
    expect(s.shape.spaceUsedBytes).toBe(s.shape.liveBytes + s.shape.deadBytes + s.shape.freeListBytes);
    expect(s.shape.slots).toBeGreaterThanOrEqual(n);
  });

  it('sees deletes as dead bytes and free-list bytes, and merges as counters', () => {
    const db = DB.memory();
    const t = db.tree('objects');
    for (let i = 0; i < 20_000; i++) t.put(key(i), value(i, 200));
    for (let i = 0; i < 20_000; i++) if (i % 10 !== 0) t.delete(key(i));
    const s = t.stats();
    expect(s.keys).toBe(2_000);
    expect(s.shape.nodes.leaf).toBe(2_000);
    expect(s.shape.deadBytes + s.shape.freeListBytes).toBeGreaterThan(0);
    expect(s.merges + s.compactions + s.framesReleased).toBeGreaterThan(0);
    const cs = db.stats().trees[0]!;
    expect({ ...cs }).toEqual({ name: s.name, id: s.id, keys: s.keys, mutations: s.mutations, spillovers: s.spillovers, compactions: s.compactions, merges: s.merges, framesReleased: s.framesReleased });
  });

  it('walks a file-backed tree the same after reopen (frames read silently from disk)', async () => {
    const dir = testDir('stats');
    const writer = DB.open(dir, { checkpoint: false });
    const w = writer.tree('objects');
    for (let i = 0; i < 10_000; i++) w.put(key(i), value(i, 500));
    const shape = w.stats().shape;
    await writer.close();

    const db = DB.open(dir, { cacheMB: 4, checkpoint: false });
    const t = db.tree('objects');
    const cache = db.stats().durable!.cache;
    const reopened = t.stats();
    // The same tree, read from the images a checkpoint wrote: those are laid out routed
    // (art/routed-image.ts): only reachable bodies are allocated (fewer slots), the free lists
    // are empty and the leaves' page padding counts as dead bytes.
    const layoutFields = { deadBytes: expect.any(Number), freeListBytes: 0, slots: expect.any(Number), spaceUsedBytes: expect.any(Number) };
    expect(reopened.shape).toEqual({ ...shape, ...layoutFields });
    expect(reopened.shape.slots).toBeLessThanOrEqual(shape.slots);
    expect(reopened.shape.spaceUsedBytes).toBe(reopened.shape.liveBytes + reopened.shape.deadBytes);
    expect(reopened.mutations).toBe(0);
    expect(db.stats().durable!.cache).toEqual({ ...cache, rssBytes: expect.any(Number) });
    await db.close();
  });

  it('throws TREE_DROPPED on a dropped tree', () => {
    const db = DB.memory();
    const t = db.tree('gone');
    db.dropTree('gone');
    expect(() => t.stats()).toThrow(HoltError);
  });
});
