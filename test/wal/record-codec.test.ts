import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/checksum/crc32c.js';
import { GrowableBuffer } from '../../src/wal/growable-buffer.js';
import {
  decodeRecord,
  encodePutRecord,
  encodeRecord,
  MAX_RECORD_BYTES,
  REC_BODY_OFFSET,
  REC_LEN_OFFSET,
  REC_MAGIC_OFFSET,
  REC_SEQ_OFFSET,
  REC_TYPE_OFFSET,
  RECORD_OVERHEAD,
  recordSize,
} from '../../src/wal/record-codec.js';
import type { WalOp } from '../../src/wal/wal-op.js';
import { enc } from './helpers.js';
import { expectCode } from '../support/thrown.js';

function roundTrip(op: WalOp, seq = 42): WalOp {
  const out = new GrowableBuffer(16);
  const size = encodeRecord(out, seq, op);
  expect(size).toBe(recordSize(op));
  expect(out.length).toBe(size);
  const r = decodeRecord(out.bytes, 0);
  if (!r.ok) throw new Error(r.defect);
  expect(r.seq).toBe(seq);
  expect(r.size).toBe(size);
  return r.op;
}

const binary = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('record codec', () => {
  it('lays the frame out as the diagram says', () => {
    const out = new GrowableBuffer();
    encodeRecord(out, 0x0102030405, { type: 'delete', treeId: 7, key: enc('ab') });
    const b = out.bytes;
    const dv = new DataView(b.buffer, 0, out.length);
    expect(dv.getUint32(REC_MAGIC_OFFSET, true)).toBe(0x43455248);
    expect(new TextDecoder().decode(b.subarray(0, 4))).toBe('HREC');
    const len = dv.getUint32(REC_LEN_OFFSET, true);
    expect(len).toBe(8 + 4 + 2);
    expect(dv.getBigUint64(REC_SEQ_OFFSET, true)).toBe(0x0102030405n);
    expect(b[REC_TYPE_OFFSET]).toBe(2);
    expect(dv.getBigUint64(REC_BODY_OFFSET, true)).toBe(7n);
    expect(out.length).toBe(RECORD_OVERHEAD + len);
    expect(dv.getUint32(REC_BODY_OFFSET + len, true)).toBe(crc32c(b, 0, REC_BODY_OFFSET + len));
  });

  it('round-trips every op type, empty values, binary keys and big ids', () => {
    const ops: WalOp[] = [
      { type: 'put', treeId: 0, key: enc('a/b/c'), value: enc('v') },
      { type: 'put', treeId: 3, key: new Uint8Array(0), value: new Uint8Array(0) },
      { type: 'put', treeId: Number.MAX_SAFE_INTEGER, key: binary, value: binary },
      { type: 'delete', treeId: 2 ** 40, key: binary },
      { type: 'rename', treeId: 1, from: enc('x'), to: enc('y'), overwrite: true },
      { type: 'rename', treeId: 1, from: new Uint8Array(0), to: binary, overwrite: false },
      {
        type: 'batch',
        ops: [
          { type: 'put', treeId: 1, key: enc('k1'), value: enc('v1') },
          { type: 'delete', treeId: 2, key: enc('k2') },
          { type: 'rename', treeId: 3, from: enc('f'), to: enc('t'), overwrite: false },
          { type: 'put', treeId: 4, key: new Uint8Array(0), value: new Uint8Array(0) },
        ],
      },
    ];
    for (const op of ops) expect(roundTrip(op)).toEqual(op);
    expect(roundTrip(ops[0]!, Number.MAX_SAFE_INTEGER)).toEqual(ops[0]);
  });

  it('encodes a record of exactly MAX_RECORD_BYTES and refuses one byte more', () => {
    const valueLen = MAX_RECORD_BYTES - RECORD_OVERHEAD - 8 - 4 - 4;
    const value = new Uint8Array(valueLen).fill(0xab);
    const op: WalOp = { type: 'put', treeId: 1, key: new Uint8Array(0), value };
    expect(recordSize(op)).toBe(MAX_RECORD_BYTES);
    const back = roundTrip(op) as { value: Uint8Array };
    expect(back.value.length).toBe(valueLen);
    expect(back.value.every((x) => x === 0xab)).toBe(true);

    const out = new GrowableBuffer(16);
    const big: WalOp = { type: 'put', treeId: 1, key: enc('k'), value };
    expectCode(() => encodeRecord(out, 1, big), 'RECORD_TOO_LARGE');
    expect(out.length).toBe(0);
  });

  it('reports each defect instead of decoding damage', () => {
    const out = new GrowableBuffer();
    encodeRecord(out, 9, { type: 'put', treeId: 1, key: enc('key'), value: enc('value') });
    const good = out.bytes.slice(0, out.length);
    const damaged = (at: number, v: number): Uint8Array => {
      const b = good.slice();
      b[at] = v;
      return b;
    };
    expect(decodeRecord(damaged(0, 0), 0)).toEqual({ ok: false, defect: 'bad magic' });
    expect(decodeRecord(damaged(REC_BODY_OFFSET + 9, 0x7f), 0)).toEqual({ ok: false, defect: 'bad checksum' });
    const withType = (type: number): Uint8Array => {
      const b = damaged(REC_TYPE_OFFSET, type);
      const end = b.length - 4;
      new DataView(b.buffer).setUint32(end, crc32c(b, 0, end), true);
      return b;
    };
    expect(decodeRecord(withType(0), 0)).toEqual({ ok: false, defect: 'bad type' });
    expect(decodeRecord(withType(9), 0)).toEqual({ ok: false, defect: 'bad type' });
    // A delete body shorter than the put body it is given: trailing bytes.
    expect(decodeRecord(withType(2), 0)).toEqual({ ok: false, defect: 'trailing bytes' });
  });

  it('reuses the buffer: no growth once capacity suffices', () => {
    const out = new GrowableBuffer(4096);
    const before = out.bytes;
    for (let i = 0; i < 20; i++) encodeRecord(out, i + 1, { type: 'put', treeId: 1, key: enc(`k${i}`), value: enc('v') });
    expect(out.bytes).toBe(before);
  });
});

describe('encodePutRecord (the hot put path)', () => {
  it('writes exactly the bytes encodeRecord writes for the same put', () => {
    for (const [keyLen, valueLen] of [[1, 0], [33, 72], [200, 300], [16_384, 131_072]] as const) {
      const key = Buffer.alloc(keyLen + 7, 0x61);
      const value = Buffer.alloc(valueLen + 5, 0x7a);
      for (let i = 0; i < key.length; i++) key[i] = (i * 31) & 0xff;
      for (let i = 0; i < value.length; i++) value[i] = (i * 17) & 0xff;
      const a = new GrowableBuffer(16);
      const b = new GrowableBuffer(16);
      const sa = encodeRecord(a, 123_456_789_012, { type: 'put', treeId: 9, key: key.subarray(0, keyLen), value: value.subarray(0, valueLen) });
      const sb = encodePutRecord(b, 123_456_789_012, 9, key, keyLen, value, valueLen);
      expect(sb).toBe(sa);
      expect(Buffer.from(b.bytes.subarray(0, b.length)).equals(Buffer.from(a.bytes.subarray(0, a.length)))).toBe(true);
      const d = decodeRecord(b.bytes.subarray(0, b.length), 0);
      expect(d.ok).toBe(true);
    }
  });
});
