import { describe, expect, it } from 'vitest';
import { GrowableBuffer } from '../../src/wal/growable-buffer.js';
import { decodeRecord, encodePutRecord, encodeRecord } from '../../src/wal/record-codec.js';

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
