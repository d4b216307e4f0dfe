/**
 * SlotMap: which data-file slot holds each frame, and when a slot may be
 * written again (free, never while a manifest a reader may read names it).
 */
import { describe, expect, it } from 'vitest';
import { SlotMap } from '../../src/store/slot-map.js';
import { thrown } from '../support/thrown.js';

describe('SlotMap', () => {
  it('keeps slots the opening manifest does not name until readers reach its generation', () => {
    // Frames 1 and 2 at slots 0 and 3: slots 1 and 2 may be named by an older manifest.
    const m = new SlotMap('/d/data', new Map([[1, 0], [2, 3]]), 4, 7);
    expect(m.retiredSlots).toBe(2);
    expect(m.releaseRetired(6)).toEqual([]);
    expect(m.take()).toBe(4);
    expect(m.releaseRetired(7)).toEqual([1, 2]);
    expect(m.take()).toBe(1); // the lowest free slot first
    expect(m.take()).toBe(2);
    expect(m.take()).toBe(5);
    expect(m.end).toBe(6);
  });

  it('retires superseded slots under the generation that stops naming them', () => {
    const m = new SlotMap('/d/data', new Map([[1, 0]]), 1, 1);
    const s = m.take();
    m.publish([], [[1, s]], [0], 2);
    expect(m.slotOf(1)).toBe(s);
    expect(m.retiredSlots).toBe(1);
    expect(m.releaseRetired(1)).toEqual([]);
    expect(m.releaseRetired(2)).toEqual([0]);
    m.publish([1], [], [s], 3);
    expect(m.has(1)).toBe(false);
    expect(thrown(() => m.slotOf(1))).toMatchObject({ code: 'CORRUPT', file: '/d/data' });
  });

  it('rebases onto a newer manifest only when every frame still read stays where it is', () => {
    const m = new SlotMap('/d/data', new Map([[1, 0], [2, 1]]), 2, 1);
    // Frame 2 moved: refused unless the reader no longer reads it from the file.
    expect(m.rebase(new Map([[1, 0], [2, 2], [3, 3]]), new Set())).toBe(false);
    expect(m.slotOf(2)).toBe(1);
    expect(m.rebase(new Map([[1, 0], [2, 2], [3, 3]]), new Set([2]))).toBe(true);
    expect([m.slotOf(2), m.slotOf(3)]).toEqual([2, 3]);
  });
});
