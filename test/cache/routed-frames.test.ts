/**
 * Routed frames on disk (art/routed-image.ts, art/cold-lookup.ts): a
 * checkpoint writes every frame routed; a cold point read of a routed frame
 * reads its routing pages and one leaf page; a damaged routing page is
 * CORRUPT with the data file and offset (or the right answer), never a wrong
 * one; frames written before (legacy layout) are still read, the old way.
 */
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { HoltError } from '../../src/errors.js';
import { crc32c } from '../../src/checksum/crc32c.js';
import { FRAME_SIZE, H_CHECKSUM, H_CROSSINGS, H_LAYOUT, H_ROUTING_END, LAYOUT_LEAVES_ALIGNED, LAYOUT_ROUTED, DATA_START } from '../../src/layout/frame-header.js';
import { PAGE_SIZE, RI_CRC, RI_PAGE_CRCS, SLOT_BYTES, indexPageCrc } from '../../src/layout/read-index.js';
import { frameChecksum } from '../../src/store/frame-checksum.js';
import { readManifest } from '../../src/store/manifest.js';
import { Rng } from '../support/rng.mjs';
import { tempDir } from '../support/temp-dir.js';

const KEYS = 60_000;
const keyOf = (i: number): string => `bucket-${String(i % 16).padStart(2, '0')}/path/sub/file-${String(i).padStart(7, '0')}.bin`;
const valueOf = (i: number): string => `{"size":${i},"etag":"${(Math.imul(i, 2654435761) >>> 0).toString(16)}"}`;

interface SlotImage { id: number; at: number; header: DataView }

/** Every frame image the manifest of `dir` names: id, byte offset in the data file, header page. */
function slotImages(dir: string): SlotImage[] {
  const m = readManifest(dir)!;
  const fd = openSync(join(dir, 'data.holt'), 'r');
  const out: SlotImage[] = [];
  for (const [id, slot] of m.frames) {
    const page = Buffer.alloc(PAGE_SIZE);
    readSync(fd, page, 0, PAGE_SIZE, slot * SLOT_BYTES);
    out.push({ id, at: slot * SLOT_BYTES, header: new DataView(page.buffer, page.byteOffset, PAGE_SIZE) });
  }
  closeSync(fd);
  return out;
}

/** Read, change and write back one image and its index with every checksum made right again. */
function rewriteImage(dir: string, at: number, change: (image: Buffer) => void): void {
  const fd = openSync(join(dir, 'data.holt'), 'r+');
  const slot = Buffer.alloc(SLOT_BYTES);
  readSync(fd, slot, 0, SLOT_BYTES, at);
  const image = slot.subarray(0, FRAME_SIZE);
  change(image);
  image.writeUInt32LE(frameChecksum(image), H_CHECKSUM);
  const dir0 = slot.subarray(FRAME_SIZE, FRAME_SIZE + PAGE_SIZE);
  for (let p = 0; p < FRAME_SIZE / PAGE_SIZE; p++) dir0.writeUInt32LE(crc32c(image, p * PAGE_SIZE, (p + 1) * PAGE_SIZE), RI_PAGE_CRCS + 4 * p);
  dir0.writeUInt32LE(indexPageCrc(dir0, 0), RI_CRC);
  writeSync(fd, slot, 0, SLOT_BYTES, at);
  closeSync(fd);
}

const t = tempDir('routed');
afterAll(() => t.cleanup());

describe('routed frames', () => {
  beforeAll(async () => {
    const db = DB.open(t.dir, { cacheMB: 256 });
    const tree = db.tree('objects');
    const r = new Rng(3);
    const order = Array.from({ length: KEYS }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) tree.put(keyOf(i), valueOf(i));
    await db.close();
  }, 120_000);

  it('a checkpoint writes every frame routed, with aligned leaves where they fit', () => {
    const images = slotImages(t.dir);
    expect(images.length).toBeGreaterThan(10);
    for (const s of images) expect(s.header.getUint32(H_LAYOUT, true) & LAYOUT_ROUTED).toBe(LAYOUT_ROUTED);
    expect(images.filter((s) => (s.header.getUint32(H_LAYOUT, true) & LAYOUT_LEAVES_ALIGNED) !== 0).length).toBeGreaterThan(images.length / 2);
    expect(images.some((s) => s.header.getUint32(H_CROSSINGS, true) > 0)).toBe(true);
  });

  it('a cold get reads routing pages and one leaf page: under 16 KiB per get, every value right', async () => {
    const db = DB.open(t.dir, { cacheMB: 4, checkpoint: false });
    const tree = db.openTree('objects');
    const r = new Rng(11);
    const N = 3000;
    const before = db.stats().durable!.disk.bytesRead;
    for (let n = 0; n < N; n++) {
      const i = r.int(KEYS);
      expect(tree.get(keyOf(i))?.toString()).toBe(valueOf(i));
    }
    const s = db.stats().durable!;
    const perGet = (s.disk.bytesRead - before) / N;
    console.log('routed cold gets', JSON.stringify({ perGetKiB: (perGet / 1024).toFixed(1), cold: s.cache.coldReads, misses: s.cache.point.misses }));
    expect(s.cache.coldReads.probes).toBeGreaterThan(N / 2);
    expect(perGet).toBeLessThan(16 * 1024);
    await db.close();
  });

  it('a damaged routing page is CORRUPT with the data file and offset, never a wrong answer', async () => {
    const dir = tempDir('routed-damage');
    try {
      const db = DB.open(dir.dir, { cacheMB: 64 });
      const tree = db.tree('objects');
      for (let i = 0; i < KEYS; i++) tree.put(keyOf(i), valueOf(i));
      await db.close();
      // The routing region's first page of every frame with Crossings: the path of every key under it.
      // Not the tree roots (every read passes them, loaded whole): routing frames below them.
      const roots = new Set(readManifest(dir.dir)!.trees.map((tr) => tr.rootFrameId));
      const routing = slotImages(dir.dir).filter((s) => !roots.has(s.id) && s.header.getUint32(H_CROSSINGS, true) > 0 && s.header.getUint32(H_ROUTING_END, true) > DATA_START);
      expect(routing.length).toBeGreaterThan(0);
      const fd = openSync(join(dir.dir, 'data.holt'), 'r+');
      const damaged = new Set<number>();
      for (const s of routing) {
        const at = s.at + DATA_START + 40;
        const b = Buffer.alloc(1);
        readSync(fd, b, 0, 1, at);
        b[0]! ^= 0x5a;
        writeSync(fd, b, 0, 1, at);
        damaged.add(s.at + DATA_START);
        damaged.add(s.at);
      }
      closeSync(fd);
      const db2 = DB.open(dir.dir, { cacheMB: 4, checkpoint: false });
      const t2 = db2.openTree('objects');
      let corrupt = 0;
      let right = 0;
      for (let i = 0; i < KEYS; i += 7) {
        try {
          expect(t2.get(keyOf(i))?.toString()).toBe(valueOf(i));
          right++;
        } catch (e) {
          if (!(e instanceof HoltError)) throw e;
          expect(e.code).toBe('CORRUPT');
          expect(e.file).toBe(join(dir.dir, 'data.holt'));
          // A page read cold names the damaged page; a frame loaded whole names its slot.
          expect(damaged.has(e.offset ?? -1)).toBe(true);
          corrupt++;
        }
      }
      console.log('damaged routing pages', JSON.stringify({ frames: routing.length, corrupt, right }));
      expect(corrupt).toBeGreaterThan(0);
      expect(right).toBeGreaterThan(0);
      await db2.close();
    } finally {
      dir.cleanup();
    }
  }, 120_000);

  it('frames written before routed images (legacy layout) are read the old way', async () => {
    const dir = tempDir('routed-legacy');
    try {
      const db = DB.open(dir.dir, { cacheMB: 64 });
      const tree = db.tree('objects');
      for (let i = 0; i < KEYS; i++) tree.put(keyOf(i), valueOf(i));
      await db.close();
      // Clear the layout fields as a frame written before them has them: zero.
      for (const s of slotImages(dir.dir)) rewriteImage(dir.dir, s.at, (image) => image.fill(0, H_LAYOUT, H_LAYOUT + 12));
      for (const s of slotImages(dir.dir)) expect(s.header.getUint32(H_LAYOUT, true)).toBe(0);
      const db2 = DB.open(dir.dir, { cacheMB: 4, checkpoint: false });
      const t2 = db2.openTree('objects');
      const r = new Rng(17);
      for (let n = 0; n < 3000; n++) {
        const i = r.int(KEYS);
        expect(t2.get(keyOf(i))?.toString()).toBe(valueOf(i));
        expect(t2.get(`${keyOf(i)}x`)).toBeUndefined();
      }
      expect(db2.stats().durable!.cache.coldReads.probes).toBeGreaterThan(1000);
      // Written again, a changed frame becomes routed.
      await db2.close();
      const db3 = DB.open(dir.dir, { cacheMB: 4 });
      db3.tree('objects').put(keyOf(5), 'changed');
      await db3.close();
      expect(slotImages(dir.dir).some((s) => (s.header.getUint32(H_LAYOUT, true) & LAYOUT_ROUTED) !== 0)).toBe(true);
      const db4 = DB.open(dir.dir, { cacheMB: 4, checkpoint: false });
      expect(db4.tree('objects').get(keyOf(5))?.toString()).toBe('changed');
      expect(db4.tree('objects').get(keyOf(6))?.toString()).toBe(valueOf(6));
      await db4.close();
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});
