/**
 * Copies out of leaves (src/art/read-leaf.ts): word copies carved from shared
 * slabs must give exactly the leaf's bytes at every source alignment and
 * length, across slab boundaries, and stay intact after the frame bytes they
 * came from are overwritten.
 */
import { describe, expect, it } from 'vitest';
import { copyFrameBytes, copyOut, copyPair, leafRecord, leafValue, outCopyPair } from '../../src/art/read-leaf.js';
import { insert } from '../../src/art/insert.js';
import { erase } from '../../src/art/erase.js';
import { outFound, findLeaf } from '../../src/art/lookup.js';
import { TreeCore } from '../../src/art/tree-core.js';
import { Frame } from '../../src/layout/frame.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import { MemoryPager } from '../../src/store/memory-pager.js';

function patternedFrame(): Frame {
  const f = new Frame(1, new ArrayBuffer(FRAME_SIZE));
  for (let i = 0; i < FRAME_SIZE; i++) f.u8[i] = (i * 131 + (i >>> 8)) & 0xff;
  return f;
}

describe('copyFrameBytes', () => {
  it('copies every alignment and length, including the last bytes of the frame', () => {
    const f = patternedFrame();
    const kept: { copy: Buffer; start: number; len: number }[] = [];
    for (const len of [0, 1, 2, 3, 4, 5, 7, 8, 31, 33, 80, 1023, 1024, 1025, 5000]) {
      for (const start of [4096, 4097, 4098, 4099, 70_001, FRAME_SIZE - len - 1, FRAME_SIZE - len]) {
        const copy = copyFrameBytes(f, start, len);
        expect(copy).toBeInstanceOf(Buffer);
        expect(copy.length).toBe(len);
        expect(copy.equals(f.u8.subarray(start, start + len))).toBe(true);
        kept.push({ copy, start, len });
      }
    }
    // Thousands of copies fill several slabs; earlier copies are untouched by later ones.
    f.u8.fill(0);
    const g = patternedFrame();
    for (const { copy, start, len } of kept) expect(copy.equals(g.u8.subarray(start, start + len))).toBe(true);
  });

  it('copyPair returns the key and leaves the adjacent value in outCopyPair.value', () => {
    const f = patternedFrame();
    for (const [kl, vl] of [[1, 0], [3, 5], [32, 80], [40, 2000], [1000, 100]] as const) {
      const start = 8192 + 16 + kl;
      const key = copyPair(f, start, kl, vl);
      const value = outCopyPair.value;
      expect(key.equals(f.u8.subarray(start, start + kl))).toBe(true);
      expect(value.equals(f.u8.subarray(start + kl, start + kl + vl))).toBe(true);
      // Writing into one copy must not show in the other.
      if (kl > 0) key[kl - 1] = key[kl - 1]! ^ 0xff;
      if (vl > 0) expect(value[0]).toBe(f.u8[start + kl]);
    }
  });

  it('copyOut copies from any byte array, short or long', () => {
    const src = Buffer.from(Array.from({ length: 3000 }, (_, i) => i & 0xff));
    for (const [start, len] of [[0, 0], [1, 7], [13, 1024], [5, 2500]] as const) {
      expect(copyOut(src, start, len).equals(src.subarray(start, start + len))).toBe(true);
    }
  });
});

describe('leaf copies', () => {
  it('stay valid after the tree rewrites and releases the bytes they came from', () => {
    const core = TreeCore.create(1, new MemoryPager());
    const key = (i: number): Buffer => Buffer.from(`bucket-${i % 7}/path/file-${i}.bin`);
    const value = (i: number, gen: number): Buffer => Buffer.from(`{"i":${i},"gen":${gen}}`.padEnd(20 + (i % 90), '.'));
    const held: { i: number; v: Buffer; rec: { key: Buffer; value: Buffer } }[] = [];
    for (let i = 0; i < 3000; i++) insert(core, key(i), key(i).length, value(i, 0), value(i, 0).length, i + 1);
    for (let i = 0; i < 3000; i += 3) {
      expect(findLeaf(core, key(i), key(i).length)).toBe(true);
      held.push({ i, v: leafValue(outFound.frame, outFound.leaf), rec: leafRecord(outFound.frame, outFound.leaf) });
    }
    // Overwrite and delete everything: the frames' bytes are reused, compacted and released.
    for (let i = 0; i < 3000; i++) insert(core, key(i), key(i).length, value(i, 1), value(i, 1).length, 5000 + i);
    for (let i = 0; i < 3000; i++) erase(core, key(i), key(i).length);
    for (const { i, v, rec } of held) {
      expect(v.equals(value(i, 0))).toBe(true);
      expect(rec.key.equals(key(i))).toBe(true);
      expect(rec.value.equals(value(i, 0))).toBe(true);
    }
  });
});
