/**
 * Damaged files: a torn WAL tail is recovered silently; anything else is
 * HoltError CORRUPT naming the file and a byte offset, with nothing modified.
 * Never a crash, never a silently wrong answer.
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { loadIo } from '../../src/io/index.js';
import { READ_INDEX_BYTES, SLOT_BYTES } from '../../src/layout/read-index.js';
import { decodeManifest } from '../../src/store/manifest.js';
import { replayWal } from '../../src/wal/replay.js';
import { flipByte } from '../support/damage.js';
import { thrown } from '../support/thrown.js';
import { hashDir } from './helpers.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir('corrupt');
afterAll(() => root.cleanup());
let n = 0;
function fresh(): string {
  const d = join(root.dir, `d${n++}`);
  mkdirSync(d);
  return d;
}
function cloneDir(src: string): string {
  const d = fresh();
  cpSync(src, d, { recursive: true }); // readers/ is a directory
  return d;
}
const flip = (file: string, offset: number): void => flipByte(file, offset, 0x10);
const segments = (d: string): string[] => readdirSync(d).filter((x) => x.startsWith('wal-')).sort();

/** Record offsets of a WAL file, in order. */
function recordOffsets(file: string): number[] {
  const out: number[] = [];
  replayWal({ io: loadIo(), path: file, onRecord: (r) => out.push(r.offset) });
  return out;
}

/**
 * Reads every 13th expected key (a failed frame read costs ~0.5 ms); returns
 * how many were CORRUPT. Any other outcome (wrong value, other error) fails.
 */
function readAll(db: DB, expected: Map<string, string>): { corrupt: number; read: number; errors: { file?: string; offset?: number }[] } {
  let corrupt = 0;
  let read = 0;
  const errors: { file?: string; offset?: number }[] = [];
  const t = db.openTree('t');
  for (const [k, v] of expected) {
    if (read++ % 13 !== 0) continue;
    let got: Buffer | undefined;
    try {
      got = t.get(k);
    } catch (e) {
      const err = e as { code?: string; file?: string; offset?: number };
      expect(err.code, String(e)).toBe('CORRUPT');
      corrupt++;
      errors.push(err);
      continue;
    }
    expect(got?.toString(), `key ${k}`).toBe(v);
  }
  return { corrupt, read: Math.ceil(read / 13), errors };
}

describe('WAL damage', () => {
  it('a torn tail at every cut point of the last record opens with every earlier record', async () => {
    const base = fresh();
    const db = DB.open(base, { checkpoint: false });
    const t = db.tree('t');
    for (let i = 0; i < 20; i++) t.put(`k${i}`, `v${i}`);
    db.atomic((b) => { b.tree('t').put('last-a', 'A').delete('k0').put('last-b', 'B'); }); // the last record: a batch
    await db.sync();
    db.durable!.abandon();
    const seg = segments(base).pop()!;
    const offs = recordOffsets(join(base, seg));
    const lastStart = offs[offs.length - 1]!;
    // Where the log ends: the writer preallocates zeros past it, and a killed
    // process leaves them (they read as part of the torn tail).
    const size = replayWal({ io: loadIo(), path: join(base, seg) }).endOffset;
    expect(size - lastStart).toBeGreaterThan(30);
    for (let cut = lastStart; cut < size; cut++) {
      const d = cloneDir(base);
      truncateSync(join(d, seg), cut);
      const re = DB.open(d, { checkpoint: false });
      const tt = re.openTree('t');
      for (let i = 0; i < 20; i++) expect(tt.get(`k${i}`)?.toString(), `cut ${cut}`).toBe(`v${i}`);
      expect(tt.has('last-a')).toBe(false);
      expect(tt.has('last-b')).toBe(false);
      // The cut-off partial record is torn data; the zeros the writer had preallocated after it are not.
      const open = re.stats().durable!['open'];
      expect(open.tornTailBytes).toBeLessThanOrEqual(cut - lastStart);
      expect(open.tornTailBytes + open.zeroTailBytes).toBeGreaterThanOrEqual(cut - lastStart);
      // Writing after recovery appends after the valid prefix, and survives another reopen.
      tt.put('after', 'x');
      await re.close();
      const again = DB.open(d, { checkpoint: false });
      expect(again.openTree('t').get('after')?.toString()).toBe('x');
      expect(again.openTree('t').get('k19')?.toString()).toBe('v19');
      await again.close();
    }
  });

  it('a zero-filled tail (preallocated, never written) is a torn tail too', async () => {
    const d = fresh();
    const db = DB.open(d, { checkpoint: false });
    for (let i = 0; i < 10; i++) db.tree('t').put(`k${i}`, 'v');
    await db.sync();
    db.durable!.abandon();
    const seg = join(d, segments(d).pop()!);
    writeFileSync(seg, Buffer.concat([readFileSync(seg), Buffer.alloc(8192)]));
    const re = DB.open(d, { checkpoint: false });
    expect(re.openTree('t').count()).toBe(10);
    await re.close();
  });

  it('a flipped bit mid-file is CORRUPT naming the segment and record offset, and modifies nothing', async () => {
    const d = fresh();
    const db = DB.open(d, { checkpoint: false });
    for (let i = 0; i < 50; i++) db.tree('t').put(`k${i}`, `value-${i}`);
    await db.sync();
    db.durable!.abandon();
    const seg = join(d, segments(d).pop()!);
    const offs = recordOffsets(seg);
    const victim = offs[10]!;
    flip(seg, victim + 25); // inside the body of record 10, 39 valid records follow
    const before = hashDir(d);
    for (const readOnly of [false, true]) {
      const e = thrown(() => DB.open(d, { checkpoint: false, readOnly }));
      expect(e.code).toBe('CORRUPT');
      expect(e.file).toBe(seg);
      expect(e.offset).toBe(victim);
      expect(e.message).toContain(String(victim));
      expect(hashDir(d)).toEqual(before);
    }
    // The lock was released: a later open is not LOCKED (still CORRUPT).
    expect(thrown(() => DB.open(d)).code).toBe('CORRUPT');
  });

  it('a damaged WAL header is CORRUPT with file and offset', async () => {
    const d = fresh();
    const db = DB.open(d, { checkpoint: false });
    db.tree('t').put('a', 'b');
    await db.sync();
    db.durable!.abandon();
    const seg = join(d, segments(d).pop()!);
    flip(seg, 17); // base seq
    const before = hashDir(d);
    const e = thrown(() => DB.open(d));
    expect(e.code).toBe('CORRUPT');
    expect(e.file).toBe(seg);
    expect(typeof e.offset).toBe('number');
    expect(hashDir(d)).toEqual(before);
  });
});

describe('MANIFEST and data file damage', () => {
  /** A checkpointed DB with one tree spread over several frames; returns its dir and content. */
  async function bigDb(): Promise<{ dir: string; expected: Map<string, string> }> {
    const d = fresh();
    const db = DB.open(d, { checkpoint: false });
    const t = db.tree('t');
    const expected = new Map<string, string>();
    for (let i = 0; i < 30_000; i++) {
      const k = `dir${i % 37}/sub${i % 101}/file-${i}`;
      const v = `v${i}-${'z'.repeat(i % 90)}`;
      t.put(k, v);
      expected.set(k, v);
    }
    await db.close();
    return { dir: d, expected };
  }

  it('a flipped bit anywhere in MANIFEST is CORRUPT with file and offset, nothing modified', async () => {
    const { dir } = await bigDb();
    const file = join(dir, 'MANIFEST');
    const size = statSync(file).size;
    for (const at of [0, 9, 30, Math.floor(size / 2), size - 1]) {
      const d = cloneDir(dir);
      flip(join(d, 'MANIFEST'), at);
      const before = hashDir(d);
      const e = thrown(() => DB.open(d));
      expect(e.code, `flip at ${at}`).toBe('CORRUPT');
      expect(e.file).toBe(join(d, 'MANIFEST'));
      expect(typeof e.offset).toBe('number');
      expect(hashDir(d)).toEqual(before);
    }
    // A truncated manifest too.
    const d = cloneDir(dir);
    truncateSync(join(d, 'MANIFEST'), Math.floor(size / 2));
    expect(thrown(() => DB.open(d)).code).toBe('CORRUPT');
  });

  it('a flipped bit in a frame is CORRUPT when that frame is read, never a wrong value', async () => {
    const { dir, expected } = await bigDb();
    const manifest = decodeManifest(readFileSync(join(dir, 'MANIFEST')), 'MANIFEST');
    expect(manifest.frames.size).toBeGreaterThan(1);
    const rootId = manifest.trees.find((x) => x.treeId !== 0 && manifest.frames.has(x.rootFrameId))!.rootFrameId;
    // A non-root frame: only the keys below it become unreadable.
    const [victimId, victimSlot] = [...manifest.frames].find(([id]) => id !== rootId)!;
    const d = cloneDir(dir);
    const flipAt = victimSlot * SLOT_BYTES + 200_000;
    flip(join(d, 'data.holt'), flipAt);
    const before = hashDir(d);
    const db = DB.open(d, { checkpoint: false });
    const { corrupt, errors } = readAll(db, expected);
    expect(corrupt).toBeGreaterThan(0);
    expect(corrupt).toBeLessThan(Math.ceil(expected.size / 13));
    for (const e of errors) {
      expect(e.file).toBe(join(d, 'data.holt'));
      expect(e.offset).toBe(victimSlot * SLOT_BYTES);
    }
    // A scan reaches the bad frame too: CORRUPT, not a partial answer; verify reports it.
    expect(thrown(() => [...db.openTree('t').scan()]).code).toBe('CORRUPT');
    const report = db.openTree('t').verify();
    expect(report.ok).toBe(false);
    expect(report.errors.join('\n')).toContain(`${join(d, 'data.holt')}: frame checksum mismatch for frame ${victimId}`);
    db.durable!.abandon();
    // A writer open starts a new WAL segment; the damaged files stay as they were.
    const after = hashDir(d);
    expect([after['data.holt'], after['MANIFEST']]).toEqual([before['data.holt'], before['MANIFEST']]);
    expect(victimId).not.toBe(rootId);

    // The root frame: every read is CORRUPT (or the open itself is).
    const d2 = cloneDir(dir);
    flip(join(d2, 'data.holt'), manifest.frames.get(rootId)! * SLOT_BYTES + 100);
    let db2: DB;
    try {
      db2 = DB.open(d2, { checkpoint: false });
    } catch (e) {
      expect((e as { code: string }).code).toBe('CORRUPT');
      return;
    }
    const all = readAll(db2, expected);
    expect(all.corrupt).toBe(all.read);
    db2.durable!.abandon();
  });

  it('a damaged or cut read index only costs speed: every value still reads right', async () => {
    const { dir, expected } = await bigDb();
    const size = statSync(join(dir, 'data.holt')).size;
    const manifest = decodeManifest(readFileSync(join(dir, 'MANIFEST')), 'MANIFEST');
    const d = cloneDir(dir);
    // Flip a byte in every index page of every slot, then cut the last slot's index short.
    for (const slot of manifest.frames.values()) {
      for (let p = 0; p < READ_INDEX_BYTES; p += 4096) flip(join(d, 'data.holt'), slot * SLOT_BYTES + SLOT_BYTES - READ_INDEX_BYTES + p + 40);
    }
    truncateSync(join(d, 'data.holt'), size - 1000);
    const db = DB.open(d, { checkpoint: false, cacheMB: 1 });
    const { corrupt } = readAll(db, expected);
    expect(corrupt).toBe(0);
    const cold = db.stats().durable!.cache.coldReads;
    expect(cold.probes).toBeGreaterThan(0);
    expect(cold.fallbacks).toBe(cold.probes); // no damaged page was ever believed
    db.durable!.abandon();
  });

  it('a truncated data.holt is CORRUPT on the frames it cut off', async () => {
    const { dir, expected } = await bigDb();
    const size = statSync(join(dir, 'data.holt')).size;
    // Cuts into frame images (a slot ends with its read index, READ_INDEX_BYTES).
    for (const cut of [size - READ_INDEX_BYTES - 1000, size - SLOT_BYTES, Math.floor(size / 2), 4096, 0]) {
      const d = cloneDir(dir);
      truncateSync(join(d, 'data.holt'), cut);
      let db: DB;
      try {
        db = DB.open(d, { checkpoint: false });
      } catch (e) {
        expect((e as { code: string }).code, `cut ${cut}`).toBe('CORRUPT');
        continue;
      }
      const { corrupt, errors } = readAll(db, expected);
      expect(corrupt, `cut ${cut}`).toBeGreaterThan(0);
      for (const e of errors) expect(e.file).toBe(join(d, 'data.holt'));
      db.durable!.abandon();
    }
  });
});
