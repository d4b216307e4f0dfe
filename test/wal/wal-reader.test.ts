import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayWal } from '../../src/wal/replay.js';
import { WAL_HEADER_SIZE } from '../../src/wal/wal-header.js';
import type { WalRecord } from '../../src/wal/wal-op.js';
import { WalWriter } from '../../src/wal/wal-writer.js';
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

/** Writes n records (the last one a batch) and returns the file bytes and record offsets. */
async function makeLog(n: number): Promise<{ bytes: Buffer; offsets: number[] }> {
  const w = WalWriter.open({ io, path });
  for (let i = 0; i < n - 1; i++) w.append({ type: 'put', treeId: 1, key: enc(`key/${i}`), value: enc(`value-${i}`) });
  w.append({
    type: 'batch',
    ops: [
      { type: 'put', treeId: 2, key: enc('last'), value: enc('batch') },
      { type: 'rename', treeId: 2, from: enc('a'), to: enc('b'), overwrite: true },
    ],
  });
  await w.close();
  const offsets: number[] = [];
  replayWal({ io, path, onRecord: (r) => offsets.push(r.offset) });
  return { bytes: readFileSync(path), offsets };
}

function replayAll(): { records: WalRecord[]; torn: number; end: number } {
  const records: WalRecord[] = [];
  const r = replayWal({ io, path, onRecord: (rec) => records.push(rec) });
  return { records, torn: r.tornTailBytes, end: r.endOffset };
}

describe('WAL reader and recovery', () => {
  it('cut at every byte inside the last record: earlier records survive, the tail is reported and left alone', async () => {
    const { bytes, offsets } = await makeLog(6);
    const lastStart = offsets[5]!;
    for (let cut = lastStart; cut < bytes.length; cut++) {
      writeFileSync(path, bytes.subarray(0, cut));
      // Read-only replay reports the tear and leaves the file alone.
      const ro = replayAll();
      expect(ro.records).toHaveLength(5);
      expect(ro.torn).toBe(cut - lastStart);
      expect(ro.end).toBe(lastStart);
      expect(statSync(path).size).toBe(cut);
    }
  });

  it('a zero-filled tail is torn, not corrupt', async () => {
    await makeLog(3);
    appendFileSync(path, new Uint8Array(10_000));
    const ro = replayAll();
    expect(ro.records).toHaveLength(3);
    expect(ro.torn).toBe(10_000);
  });

  it('a record cut 1-3 bytes into its magic, then the preallocated zeros, is a torn tail (W-1)', async () => {
    const { bytes, offsets } = await makeLog(4);
    const lastStart = offsets[3]!;
    const log = bytes.subarray(0, lastStart); // three complete records
    const magic = bytes.subarray(lastStart, lastStart + 4);
    expect(magic.toString('latin1')).toBe('HREC');
    for (const zeros of [13, 512, 4096]) {
      for (let k = 1; k <= 3; k++) {
        writeFileSync(path, Buffer.concat([log, magic.subarray(0, k), Buffer.alloc(zeros)]));
        const records: WalRecord[] = [];
        const r = replayWal({ io, path, onRecord: (rec) => records.push(rec) });
        expect(records.map((x) => x.offset), `${k} magic bytes + ${zeros} zeros`).toEqual(offsets.slice(0, 3));
        expect(r.endOffset).toBe(lastStart);
        expect(r.lastSeq).toBe(3);
        expect(r.tornTailBytes).toBe(k + zeros);
        expect(r.zeroTailBytes).toBe(zeros);
      }
    }
  });

  it('bytes that are not a prefix of the magic, or non-zero data after one, stay CORRUPT', async () => {
    const { bytes } = await makeLog(2);
    const at = bytes.length;
    for (const [tail, what] of [
      [Buffer.from('R\0\0'), 'not the first magic byte'],
      [Buffer.from('HX'), 'a wrong second byte'],
      [Buffer.from('HRX'), 'a wrong third byte'],
      [Buffer.from('HR\0\0\0\0\0\0\0\0x'), 'data after the zeros'],
      [Buffer.from('HRE\0H'), 'a second prefix after a zero'],
    ] as const) {
      writeFileSync(path, Buffer.concat([bytes, tail, Buffer.alloc(64)]));
      const e = expectCode(() => replayAll(), 'CORRUPT');
      expect(e.offset, what).toBe(at);
    }
  });

  it('a checksum-bad last record (followed only by zeros) is a torn tail', async () => {
    const { bytes, offsets } = await makeLog(4);
    const damaged = Buffer.from(bytes);
    damaged[offsets[3]! + 20] ^= 0x01;
    writeFileSync(path, Buffer.concat([damaged, Buffer.alloc(512)]));
    const ro = replayAll();
    expect(ro.records).toHaveLength(3);
    expect(ro.end).toBe(offsets[3]);
  });

  it('a bit flip mid-file is CORRUPT naming file and offset, and nothing is modified', async () => {
    const { bytes, offsets } = await makeLog(6);
    for (const [record, delta] of [
      [2, 20], // body byte: bad checksum
      [2, 0], // magic
      [3, 16], // type byte
      [1, 5], // length field: the record now runs into the next ones
    ] as const) {
      const damaged = Buffer.from(bytes);
      damaged[offsets[record]! + delta] ^= 0x40;
      writeFileSync(path, damaged);
      const before = readFileSync(path);
      const e1 = expectCode(() => replayAll(), 'CORRUPT');
      expect(e1.file).toBe(path);
      expect(e1.offset).toBe(offsets[record]);
      expect(e1.message).toContain(path);
      expect(e1.message).toContain(String(offsets[record]));
      expect(readFileSync(path).equals(before)).toBe(true);
    }
  });

  it('garbage after the last record is CORRUPT, not silently dropped', async () => {
    const { bytes } = await makeLog(3);
    appendFileSync(path, Buffer.from('definitely not a record'));
    const e = expectCode(() => replayAll(), 'CORRUPT');
    expect(e.offset).toBe(bytes.length);
  });

  it('a damaged header is CORRUPT at its offset; a header that never became durable is an empty log', async () => {
    await makeLog(2);
    const bytes = readFileSync(path);
    const damaged = Buffer.from(bytes);
    damaged[16] ^= 1; // baseSeq
    writeFileSync(path, damaged);
    const e = expectCode(() => replayAll(), 'CORRUPT');
    expect(e.offset).toBe(32);
    expect(readFileSync(path).equals(damaged)).toBe(true);

    // A crash while creating the file: zero-filled header page, nothing else.
    writeFileSync(path, new Uint8Array(WAL_HEADER_SIZE));
    expect(replayAll().records).toHaveLength(0);

    // Zero header but records after it: corrupt.
    const zeroed = Buffer.from(bytes);
    zeroed.fill(0, 0, WAL_HEADER_SIZE);
    writeFileSync(path, zeroed);
    expect(expectCode(() => replayAll(), 'CORRUPT').offset).toBe(WAL_HEADER_SIZE);
  });

  it('replays big records that span the read window', async () => {
    const w = WalWriter.open({ io, path });
    const big = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    for (let i = 0; i < 3; i++) w.append({ type: 'put', treeId: 1, key: enc(`b${i}`), value: big });
    w.append({ type: 'put', treeId: 1, key: enc('small'), value: enc('x') });
    await w.close();
    const { records } = replayAll();
    expect(records).toHaveLength(4);
    expect(Buffer.compare((records[2]!.op as { value: Uint8Array }).value, big)).toBe(0);
  });
});
