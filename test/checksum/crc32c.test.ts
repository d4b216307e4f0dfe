import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/checksum/crc32c.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Bit-at-a-time reference, the definition the table-driven version must match. */
function slowCrc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it('matches the published check value and RFC 3720 vectors', () => {
    expect(crc32c(enc('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    const inc = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(crc32c(inc)).toBe(0x46dd794e);
    const dec = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
    expect(crc32c(dec)).toBe(0x113fdb5c);
  });

  it('agrees with the bitwise reference for every length and alignment', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end += 7) {
        expect(crc32c(data, start, end)).toBe(slowCrc32c(data.subarray(start, end)));
      }
    }
  });

  it('continues a checksum across calls', () => {
    const data = enc('the quick brown fox jumps over the lazy dog');
    const whole = crc32c(data);
    for (let cut = 0; cut <= data.length; cut++) {
      expect(crc32c(data, cut, data.length, crc32c(data, 0, cut))).toBe(whole);
    }
  });
});
