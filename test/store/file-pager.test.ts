/**
 * FilePager and its ColdPageReader over a real data file: frames a round
 * writes read back whole or page by page, damage is reported as CORRUPT with
 * the data file and the byte offset, and a slot is written again only after
 * every reader has moved past the manifests that name it.
 */
import { closeSync, openSync, readSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReadIndex } from '../../src/art/read-index.js';
import { writeImages } from '../../src/checkpoint/checkpoint-round.js';
import { loadIo } from '../../src/io/index.js';
import type { Io } from '../../src/io/types.js';
import { FRAME_SIZE } from '../../src/layout/frame-header.js';
import type { Frame } from '../../src/layout/frame.js';
import { PAGE_SIZE } from '../../src/layout/read-index.js';
import { FilePager } from '../../src/store/file-pager.js';
import { slotOffset } from '../../src/store/slot-map.js';
import { faultyIo, type Faults } from '../support/fault-io.js';
import { testDir } from '../support/temp-dir.js';
import { thrown } from '../support/thrown.js';

const CACHE_MB = 16;
/** Where the tests put recognisable bytes: page 2 of a frame, past its header. */
const MARK_AT = 2 * PAGE_SIZE + 100;

interface Store {
  io: Io;
  path: string;
  pager: FilePager;
  /** The generation of the last published round. */
  generation: number;
}

/**
 * The pager's tests mark bytes outside any node, so their images are copies of
 * the frame (the legacy layout); the routed layout is tested in test/art/routed-image.test.ts.
 */
const copyImage = { layout: (f: Frame, image: Frame) => image.u8.set(f.u8), index: buildReadIndex };

function openStore(io: Io, path: string, frames = new Map<number, number>(), nextSlot = 0, nextFrameId = 1, generation = 1): Store {
  const data = io.open(path, { direct: false, create: true, readOnly: false });
  return { io, path, pager: new FilePager(io, data, path, frames, nextSlot, nextFrameId, CACHE_MB, copyImage, generation), generation };
}

/** One checkpoint round, as the checkpoint runs it: capture, write and sync, publish. */
async function round(s: Store): Promise<Map<number, number>> {
  const r = s.pager.captureRound();
  await writeImages(s.pager.data, r.images);
  s.generation++;
  s.pager.commitRound(r, s.generation);
  return r.frames;
}

/** A store with `n` frames, each marked with its id at MARK_AT, written by one round. */
async function storeWithFrames(n: number): Promise<{ s: Store; frames: Map<number, number>; ids: number[] }> {
  const s = openStore(loadIo(), join(testDir('store'), 'data'));
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = s.pager.allocateFrame(1, 0);
    f.u8[MARK_AT] = 0x40 + f.id;
    ids.push(f.id);
  }
  const frames = await round(s);
  return { s, frames, ids };
}

/** A second pager over the same file, as a process opening the manifest `frames` would. */
function reopen(s: Store, frames: Map<number, number>, io: Io = s.io): FilePager {
  const next = Math.max(...frames.values()) + 1;
  return openStore(io, s.path, new Map(frames), next, Math.max(...frames.keys()) + 1, s.generation).pager;
}

function patchFile(path: string, at: number, xor: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0]! ^= xor;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

describe('FilePager over a real data file', () => {
  it('reads back what a round wrote, whole and page by page', async () => {
    const { s, frames, ids } = await storeWithFrames(3);
    const p = reopen(s, frames);
    for (const id of ids) {
      expect(p.isResident(id)).toBe(false);
      const dir = p.cold.readIndexPage(id, 0)!;
      expect(dir).not.toBeNull();
      expect(p.cold.readColdRange(id, MARK_AT, MARK_AT + 1, dir, false).u8[MARK_AT]).toBe(0x40 + id);
      expect(p.frame(id).u8[MARK_AT]).toBe(0x40 + id);
      expect(p.isResident(id)).toBe(true);
    }
    expect(p.coldReads.pageReads).toBeGreaterThan(0);
    expect(p.coldReads.pageBytesRead).toBe(p.coldReads.pageReads * PAGE_SIZE);
  });

  it('serves a page read once from the page cache', async () => {
    const { s, frames, ids } = await storeWithFrames(1);
    const p = reopen(s, frames);
    const dir = p.cold.readIndexPage(ids[0]!, 0)!;
    p.cold.readColdRange(ids[0]!, MARK_AT, MARK_AT + 1, dir, true); // a navigation page: cached at once
    const reads = p.coldReads.pageReads;
    const hits = p.coldReads.pageHits;
    p.beginOperation(); // within one operation the page would still be in the scratch frame
    expect(p.cold.readColdRange(ids[0]!, MARK_AT, MARK_AT + 1, dir, true).u8[MARK_AT]).toBe(0x40 + ids[0]!);
    expect(p.coldReads.pageReads).toBe(reads);
    expect(p.coldReads.pageHits).toBe(hits + 1);
  });

  it('reports a damaged frame as CORRUPT with the data file and the offset', async () => {
    const { s, frames, ids } = await storeWithFrames(2);
    const [good, bad] = ids as [number, number];
    const base = slotOffset(frames.get(bad)!);
    patchFile(s.path, base + MARK_AT, 0xff);
    const p = reopen(s, frames);
    // Whole: the frame checksum fails, reported at the image's offset.
    const whole = thrown(() => p.frame(bad));
    expect(whole).toMatchObject({ code: 'CORRUPT', file: s.path, offset: base });
    expect(whole.message).toContain('checksum');
    expect(thrown(() => p.frameSilently(bad))).toMatchObject({ code: 'CORRUPT', file: s.path, offset: base });
    // Page by page: the page's listed CRC fails, reported at the page's offset.
    const dir = p.cold.readIndexPage(bad, 0)!;
    const paged = thrown(() => p.cold.readColdRange(bad, MARK_AT, MARK_AT + 1, dir, true));
    expect(paged).toMatchObject({ code: 'CORRUPT', file: s.path, offset: base + 2 * PAGE_SIZE });
    // Neither was cached: the next read fails again; the other frame is fine.
    expect(thrown(() => p.frame(bad)).code).toBe('CORRUPT');
    expect(p.frame(good).u8[MARK_AT]).toBe(0x40 + good);
  });

  it('treats a damaged read-index page as "load the frame", not as damage', async () => {
    const { s, frames, ids } = await storeWithFrames(1);
    const id = ids[0]!;
    patchFile(s.path, slotOffset(frames.get(id)!) + FRAME_SIZE + PAGE_SIZE + 20, 0x01);
    const p = reopen(s, frames);
    expect(p.cold.readIndexPage(id, 1)).toBeNull();
    expect(p.cold.readIndexPage(id, 0)).not.toBeNull();
    expect(p.frame(id).u8[MARK_AT]).toBe(0x40 + id);
  });

  it('reports a data file cut short as CORRUPT at the byte where it ends', async () => {
    const { s, frames, ids } = await storeWithFrames(1);
    const id = ids[0]!;
    const base = slotOffset(frames.get(id)!);
    const p = reopen(s, frames);
    const dir = p.cold.readIndexPage(id, 0)!;
    truncateSync(s.path, base + PAGE_SIZE);
    expect(thrown(() => p.frame(id))).toMatchObject({ code: 'CORRUPT', file: s.path, offset: base + PAGE_SIZE });
    expect(thrown(() => p.cold.readColdRange(id, PAGE_SIZE, 3 * PAGE_SIZE, dir, false))).toMatchObject({ code: 'CORRUPT', file: s.path, offset: base + PAGE_SIZE });
  });

  it('reports a failing read as IO_ERROR with the data file and the offset', async () => {
    const { s, frames, ids } = await storeWithFrames(1);
    const id = ids[0]!;
    const faults: Faults = { calls: ['pread'], injected: 0 };
    const p = reopen(s, frames, faultyIo(s.io, faults));
    const dir = p.cold.readIndexPage(id, 0)!;
    faults.errno = 'EIO';
    expect(thrown(() => p.frame(id))).toMatchObject({ code: 'IO_ERROR', file: s.path, offset: slotOffset(frames.get(id)!) });
    expect(thrown(() => p.cold.readColdRange(id, MARK_AT, MARK_AT + 1, dir, false)).code).toBe('IO_ERROR');
    // An index page is an accelerator: unreadable, the caller loads the frame.
    expect(p.cold.readIndexPage(id, 1)).toBeNull();
    faults.errno = undefined;
    expect(p.frame(id).u8[MARK_AT]).toBe(0x40 + id);
  });

  it('reports a frame the manifest does not name as CORRUPT with the data file', async () => {
    const { s, frames } = await storeWithFrames(1);
    const p = reopen(s, frames);
    expect(thrown(() => p.frame(99))).toMatchObject({ code: 'CORRUPT', file: s.path });
    expect(thrown(() => p.cold.readIndexPage(99, 0))).toMatchObject({ code: 'CORRUPT', file: s.path });
  });
});

describe('slot reuse', () => {
  it('writes a superseded slot again only once readers are past the manifests naming it', async () => {
    const { s, frames, ids } = await storeWithFrames(1);
    const f = s.pager.frame(ids[0]!);
    const first = frames.get(f.id)!;
    s.pager.markDirty(f);
    const second = (await round(s)).get(f.id)!;
    expect(second).not.toBe(first); // never in place
    expect(s.pager.retiredSlots).toBe(1);
    // A reader still reads the manifest before the round that superseded `first`.
    s.pager.releaseRetired(s.generation - 1);
    s.pager.markDirty(f);
    const third = (await round(s)).get(f.id)!;
    expect([first, second]).not.toContain(third);
    // Readers move on to the round that retired `first`: only it is free.
    s.pager.releaseRetired(s.generation - 1);
    expect(s.pager.retiredSlots).toBe(1);
    s.pager.markDirty(f);
    expect((await round(s)).get(f.id)).toBe(first);
  });

  it('drops the cached pages of a slot before it is written again', async () => {
    const { s, frames, ids } = await storeWithFrames(2);
    const [kept, gone] = ids as [number, number];
    const dir = s.pager.cold.readIndexPage(gone, 0)!;
    s.pager.cold.readColdRange(gone, MARK_AT, MARK_AT + 1, dir, true);
    const cached = s.pager.pages.size;
    s.pager.releaseFrame(gone);
    await round(s);
    expect(s.pager.pages.size).toBe(cached); // retired: a reader may still read it
    s.pager.releaseRetired(s.generation);
    expect(s.pager.pages.size).toBe(cached - 2); // its directory page and page 2
    const f = s.pager.allocateFrame(1, 0);
    f.u8[MARK_AT] = 0x77;
    expect((await round(s)).get(f.id)).toBe(frames.get(gone));
    const p = reopen(s, new Map([[kept, frames.get(kept)!], [f.id, frames.get(gone)!]]));
    expect(p.cold.readColdRange(f.id, MARK_AT, MARK_AT + 1, p.cold.readIndexPage(f.id, 0)!, true).u8[MARK_AT]).toBe(0x77);
  });

  it('frees the slots of a rolled-back round at once: no manifest ever named them', async () => {
    const { s, ids } = await storeWithFrames(1);
    const f = s.pager.frame(ids[0]!);
    s.pager.markDirty(f);
    const failed = s.pager.captureRound();
    const taken = failed.images[0]!.slot;
    s.pager.rollbackRound(failed);
    expect(s.pager.dirtyFrames).toBe(1);
    expect((await round(s)).get(f.id)).toBe(taken);
  });
});
