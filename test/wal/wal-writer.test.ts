import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/wal/record-codec.js';
import { replayWal } from '../../src/wal/replay.js';
import { WAL_HEADER_SIZE } from '../../src/wal/wal-header.js';
import type { WalOp, WalRecord } from '../../src/wal/wal-op.js';
import { WalWriter } from '../../src/wal/wal-writer.js';
import { faultyIo, type Faults } from '../support/fault-io.js';
import { enc, io } from './helpers.js';
import { tempDir } from '../support/temp-dir.js';
import { expectCode } from '../support/thrown.js';

let dir: string;
let cleanup: () => void;
let path: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('wal'));
  path = join(dir, 'journal.wal');
});
afterEach(() => cleanup());

const put = (k: string, v = 'value', treeId = 1): WalOp => ({ type: 'put', treeId, key: enc(k), value: enc(v) });

function readAll(): WalRecord[] {
  const out: WalRecord[] = [];
  replayWal({ io, path, onRecord: (r) => out.push(r) });
  return out;
}

describe('WalWriter', () => {
  it('creates the file with a header and numbers records from 1', async () => {
    const w = WalWriter.open({ io, path });
    expect(statSync(path).size).toBe(WAL_HEADER_SIZE);
    expect(w.nextSeq).toBe(1);
    expect(w.append(put('a'))).toBe(1);
    expect(w.append(put('b'))).toBe(2);
    const batch: WalOp = { type: 'batch', ops: [put('c') as never, { type: 'delete', treeId: 2, key: enc('d') }] };
    expect(w.append(batch)).toBe(3);
    expect(w.append(put('e'))).toBe(5);
    await w.close();
    const recs = readAll();
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 5]);
    expect(recs[2]!.op).toEqual(batch);
    expect(recs[0]!.offset).toBe(WAL_HEADER_SIZE);
  });

  it('a new segment continues the sequence above initialBaseSeq', async () => {
    const w = WalWriter.open({ io, path, initialBaseSeq: 41 });
    expect(w.nextSeq).toBe(42);
    expect(w.append(put('a'))).toBe(42);
    await w.close();
    const r = replayWal({ io, path });
    expect(r.baseSeq).toBe(41);
    expect(r.lastSeq).toBe(42);
  });

  it('a batch may end at 2^53 - 1 but not at 2^53 (A-1: the guard must not round)', async () => {
    const TOP = Number.MAX_SAFE_INTEGER;
    const w = WalWriter.open({ io, path, initialBaseSeq: TOP - 2 });
    expect(w.nextSeq).toBe(TOP - 1);
    const batch = (n: number): WalOp => ({ type: 'batch', ops: Array.from({ length: n }, (_, i) => put(`b${i}`) as never) });
    // Versions TOP - 1, TOP, 2^53: seq + count - 1 is 2^53 + 1 in exact arithmetic, 2^53 - 1 in doubles.
    expect(() => w.append(batch(3))).toThrow(expect.objectContaining({ code: 'INTERNAL', message: 'WAL sequence space exhausted' }));
    expect(w.nextSeq).toBe(TOP - 1);
    expect(w.stats().recordsAppended).toBe(0);
    expect(w.append(batch(2))).toBe(TOP - 1); // ends exactly at 2^53 - 1
    expect(w.nextSeq).toBe(TOP + 1);
    expect(() => w.append(batch(2))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => w.append(put('x'))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    await w.close();
    const r = replayWal({ io, path });
    expect(r.records).toBe(1);
    expect(r.lastSeq).toBe(TOP);
  });

  for (const durability of ['default', 'sync'] as const) {
    it(`appendPut refuses a version past 2^53 - 1 (durability ${durability})`, async () => {
      const TOP = Number.MAX_SAFE_INTEGER;
      const w = WalWriter.open({ io, path, durability, initialBaseSeq: TOP - 1 });
      const k = enc('key');
      const v = enc('value');
      expect(w.appendPut(1, k, k.length, v, v.length)).toBe(TOP);
      expect(w.nextSeq).toBe(TOP + 1);
      // Without a guard this put gets 2^53, and the one after it 2^53 again.
      for (let i = 0; i < 2; i++) {
        expect(() => w.appendPut(1, k, k.length, v, v.length)).toThrow(
          expect.objectContaining({ code: 'INTERNAL', message: 'WAL sequence space exhausted' }),
        );
      }
      expect(w.nextSeq).toBe(TOP + 1);
      expect(w.stats().recordsAppended).toBe(1);
      await w.close();
      expect(readAll().map((r) => r.seq)).toEqual([TOP]);
    });
  }

  it('starts over a file left by a failed creation, and refuses a segment that holds records', async () => {
    writeFileSync(path, new Uint8Array(WAL_HEADER_SIZE)); // header page never made durable
    let w = WalWriter.open({ io, path, initialBaseSeq: 7 });
    expect(w.append(put('a'))).toBe(8);
    await w.close();
    expect(readAll().map((r) => r.seq)).toEqual([8]);
    const before = readFileSync(path);
    expect(() => (w = WalWriter.open({ io, path }))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('group commit: 100 concurrent sync() callers share at most a few fdatasyncs', async () => {
    const w = WalWriter.open({ io, path });
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      w.append(put(`k${i}`));
      waits.push(w.sync());
    }
    await Promise.all(waits);
    const s = w.stats();
    expect(s.fdatasyncs).toBeLessThanOrEqual(3);
    expect(s.syncWaitersServed).toBe(100);
    expect(s.maxWaitersPerSync).toBeGreaterThanOrEqual(50);
    expect(s.pendingRecords).toBe(0);
    expect(s.recordsWritten).toBe(100);
    await w.close();
    expect(readAll()).toHaveLength(100);
  });

  it('later callers arriving during an fdatasync are covered by one more round', async () => {
    const w = WalWriter.open({ io, path });
    w.append(put('a'));
    const first = w.sync();
    await Promise.resolve();
    const more: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      w.append(put(`b${i}`));
      more.push(w.sync());
    }
    await Promise.all([first, ...more]);
    expect(w.stats().fdatasyncs).toBeLessThanOrEqual(3);
    await w.close();
    expect(readAll()).toHaveLength(51);
  });

  it('hands pending bytes to the OS past the size threshold, and after the timer', async () => {
    const w = WalWriter.open({ io, path, flushBytes: 4096, flushDelayMs: 3 });
    w.append(put('small'));
    expect(w.stats().pendingRecords).toBe(1);
    expect(statSync(path).size).toBe(WAL_HEADER_SIZE);
    for (let i = 0; i < 100; i++) w.append(put(`key-${i}`, 'v'.repeat(64)));
    expect(w.stats().recordsWritten).toBeGreaterThan(0);
    expect(statSync(path).size).toBeGreaterThan(WAL_HEADER_SIZE);
    // The timer (3 ms) hands the rest off; on a loaded machine its async write can take a while.
    for (let waited = 0; w.stats().pendingRecords > 0 && waited < 2000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    const s = w.stats();
    expect(s.pendingRecords).toBe(0);
    expect(s.recordsWritten).toBe(101);
    expect(s.fdatasyncs).toBe(0);
    // Written over preallocated zeros while open; a clean close ends the file at the last record.
    expect(statSync(path).size).toBeGreaterThanOrEqual(s.walBytes);
    expect(readAll()).toHaveLength(101);
    await w.close();
    expect(statSync(path).size).toBe(s.walBytes);
  });

  it("durability 'sync': each append is durable when it returns", async () => {
    const w = WalWriter.open({ io, path, durability: 'sync' });
    expect(w.append(put('a'))).toBe(1);
    expect(w.stats().fdatasyncs).toBe(1);
    expect(w.appendDurable(put('b'))).toBe(2);
    expect(w.stats().fdatasyncs).toBe(2);
    expect(w.stats().pendingRecords).toBe(0);
    // Visible to an independent reader without close.
    expect(readAll().map((r) => r.seq)).toEqual([1, 2]);
    await w.sync();
    await w.close();
  });

  it('refuses a record over 16 MiB before appending anything', async () => {
    const w = WalWriter.open({ io, path });
    w.append(put('a'));
    const before = w.stats();
    expectCode(() => w.append({ type: 'put', treeId: 1, key: enc('k'), value: new Uint8Array(MAX_RECORD_BYTES) }), 'RECORD_TOO_LARGE');
    expect(w.stats()).toEqual(before);
    expect(w.nextSeq).toBe(2);
    expect(() => w.append({ type: 'batch', ops: [] })).toThrow(/at least one/);
    expect(() => w.append({ type: 'put', treeId: -1, key: enc('k'), value: enc('v') })).toThrow(/treeId/);
    await w.close();
    expect(readAll()).toHaveLength(1);
  });

  it('rejects use after close with CLOSED', async () => {
    const w = WalWriter.open({ io, path });
    await w.close();
    expect(() => w.append(put('a'))).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    await expect(w.sync()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('ENOSPC on write surfaces as NO_SPACE from sync(); after the fault clears a retry syncs everything', async () => {
    const faults: Faults = { injected: 0 };
    const w = WalWriter.open({ io: faultyIo(io, faults), path, flushBytes: 1024 });
    for (let i = 0; i < 5; i++) w.append(put(`ok${i}`));
    await w.sync();
    faults.errno = 'ENOSPC';
    for (let i = 0; i < 100; i++) w.append(put(`k${i}`, 'v'.repeat(40)));
    const waits = [w.sync(), w.sync()];
    for (const p of waits) await expect(p).rejects.toMatchObject({ code: 'NO_SPACE', errno: 'ENOSPC', file: path });
    expect(w.stats().pendingRecords).toBeGreaterThan(0);
    expect(readAll()).toHaveLength(5);

    faults.errno = undefined;
    await w.sync();
    expect(w.stats().pendingRecords).toBe(0);
    expect(readAll()).toHaveLength(105);
    await w.close();
  });

  it('a failed fdatasync rejects with IO_ERROR, and the retry rewrites and syncs', async () => {
    const faults: Faults = { calls: ['fdatasyncAsync'], injected: 0 };
    const w = WalWriter.open({ io: faultyIo(io, faults), path });
    w.append(put('a'));
    faults.errno = 'EIO';
    await expect(w.sync()).rejects.toMatchObject({ code: 'IO_ERROR', errno: 'EIO' });
    w.append(put('b'));
    faults.errno = undefined;
    const before = w.stats().bytesWritten;
    await w.sync();
    // Both records were written again after the failed fdatasync.
    expect(w.stats().bytesWritten - before).toBe(w.stats().walBytes - WAL_HEADER_SIZE);
    await w.close();
    expect(readAll().map((r) => r.seq)).toEqual([1, 2]);
  });

  it('reports stats as plain integers', async () => {
    const w = WalWriter.open({ io, path });
    w.append(put('a'));
    await w.sync();
    const s = w.stats();
    expect(s).toMatchObject({ recordsAppended: 1, recordsWritten: 1, pendingRecords: 0, fdatasyncs: 1 });
    expect(s.walBytes).toBeLessThanOrEqual(readFileSync(path).length); // zeros preallocated past the log
    expect(s.bytesAppended).toBe(s.walBytes - WAL_HEADER_SIZE);
    await w.close();
  });
});
