/**
 * The addon's CRC-32C (native/crc32c.cc) against the JS one: the same value
 * for every length 0..5000 at random offsets and seeds, on large buffers and
 * across continued calls, through both the dispatching entry (SSE4.2 here when
 * the CPU has it) and the C++ table fallback. Bad arguments throw a typed
 * ERR_INVALID_ARG, never crash. And `crc32c` in src/checksum/ routes long
 * ranges to the addon once src/io/ has loaded it.
 */
import { describe, expect, it } from 'vitest';
import {
  crc32c, crc32cJs, nativeCrc32cActive, NATIVE_CRC32C_MIN_BYTES, useNativeCrc32c,
} from '../../src/checksum/crc32c.js';
import { nativeBinding } from '../../src/io/native-binding.js';
import { Rng } from '../support/rng.mjs';
import { thrown } from '../support/thrown.js';

const binding = nativeBinding();

describe.skipIf(binding === null)('native crc32c', () => {
  const b = binding!;
  const impls = [
    ['crc32c', (buf: Uint8Array, from: number, to: number, seed: number) => b.crc32c(buf, from, to, seed)],
    ['crc32cPortable', (buf: Uint8Array, from: number, to: number, seed: number) => b.crc32cPortable(buf, from, to, seed)],
  ] as const;

  it('reports whether it uses the CPU instruction', () => {
    expect(typeof b.crc32cHardware()).toBe('boolean');
  });

  for (const [name, native] of impls) {
    describe(name, () => {
      it('matches the check value and the JS version on known inputs', () => {
        expect(native(new TextEncoder().encode('123456789'), 0, 9, 0)).toBe(0xe3069283);
        expect(native(new Uint8Array(0), 0, 0, 0)).toBe(0);
        expect(native(new Uint8Array(0), 0, 0, 0xdeadbeef)).toBe(0xdeadbeef);
        expect(native(new Uint8Array(32), 0, 32, 0)).toBe(0x8a9136aa);
      });

      it('equals the JS version for every length 0..5000 at random offsets and seeds', () => {
        const rng = new Rng(0x5eed);
        const data = rng.bytes(5000 + 64);
        for (let n = 0; n <= 5000; n++) {
          const from = rng.u32() % 64;
          const seed = n % 3 === 0 ? 0 : rng.u32();
          const got = native(data, from, from + n, seed);
          const want = crc32cJs(data, from, from + n, seed);
          if (got !== want) expect({ n, from, seed, got }).toEqual({ n, from, seed, got: want });
        }
      });

      it('equals the JS version on large buffers and subarrays (byteOffset honoured)', () => {
        const rng = new Rng(42);
        for (const n of [12287, 12288, 12289, 3 * 4096 * 7 + 5, 524288, 524288 + 13, 2 * 1024 * 1024 + 3]) {
          const data = rng.bytes(n + 16);
          const seed = rng.u32();
          expect(native(data, 0, n, 0)).toBe(crc32cJs(data, 0, n, 0));
          expect(native(data, 7, n + 7, seed)).toBe(crc32cJs(data, 7, n + 7, seed));
          const sub = data.subarray(3, n + 3);
          expect(native(sub, 0, n, seed)).toBe(crc32cJs(data, 3, n + 3, seed));
        }
      });

      it('continues a checksum across calls, in any split and mixed with the JS version', () => {
        const rng = new Rng(7);
        const data = rng.bytes(100_000);
        const whole = crc32cJs(data);
        for (let k = 0; k < 200; k++) {
          const cut = rng.u32() % (data.length + 1);
          expect(native(data, cut, data.length, native(data, 0, cut, 0))).toBe(whole);
          expect(native(data, cut, data.length, crc32cJs(data, 0, cut))).toBe(whole);
          expect(crc32cJs(data, cut, data.length, native(data, 0, cut, 0))).toBe(whole);
        }
      });

      it('detects a flipped bit anywhere', () => {
        const data = new Rng(9).bytes(524288);
        const clean = native(data, 0, data.length, 0);
        for (const at of [0, 1, 4095, 4096, 12288, 262143, 524287]) {
          data[at]! ^= 0x10;
          expect(native(data, 0, data.length, 0)).not.toBe(clean);
          data[at]! ^= 0x10;
        }
      });

      it('throws ERR_INVALID_ARG on bad arguments, never crashes', () => {
        const buf = new Uint8Array(16);
        const bad: unknown[][] = [
          [],
          [undefined, 0, 0, 0],
          [null, 0, 0, 0],
          ['abc', 0, 3, 0],
          [new Uint16Array(4), 0, 4, 0],
          [new ArrayBuffer(8), 0, 8, 0],
          [[1, 2, 3], 0, 3, 0],
          [buf, -1, 4, 0],
          [buf, 0.5, 4, 0],
          [buf, NaN, 4, 0],
          [buf, '0', 4, 0],
          [buf, 0, 17, 0],
          [buf, 5, 4, 0],
          [buf, 0, Infinity, 0],
          [buf, 2 ** 53, 2 ** 53, 0],
          [buf, 0, 4],
          [buf, 0, 4, -1],
          [buf, 0, 4, 2 ** 32],
          [buf, 0, 4, 1.5],
          [buf, 0, 4, 10n],
          [buf, 0, 4, '1'],
        ];
        for (const args of bad) {
          const what = `args ${String(args.length)}: ${args.map((a) => typeof a).join(',')}`;
          const error = thrown(() => (native as (...a: unknown[]) => number)(...args), what);
          expect(error, what).toBeInstanceOf(Error);
          expect(error.code).toBe('ERR_INVALID_ARG');
        }
      });
    });
  }

  it('src/checksum uses the addon for long ranges once src/io has loaded it, and JS otherwise', () => {
    expect(nativeCrc32cActive()).toBe(true);
    const data = new Rng(11).bytes(10_000);
    let calls = 0;
    useNativeCrc32c((buf, from, to, seed) => {
      calls++;
      return b.crc32c(buf, from, to, seed);
    });
    try {
      expect(crc32c(data, 0, NATIVE_CRC32C_MIN_BYTES - 1)).toBe(crc32cJs(data, 0, NATIVE_CRC32C_MIN_BYTES - 1));
      expect(calls).toBe(0);
      expect(crc32c(data, 5, 5 + NATIVE_CRC32C_MIN_BYTES, 0x1234)).toBe(crc32cJs(data, 5, 5 + NATIVE_CRC32C_MIN_BYTES, 0x1234));
      expect(calls).toBe(1);
      // A seed given as a negative int32 (the same bits) continues the same checksum.
      expect(crc32c(data, 0, 5000, -1)).toBe(crc32cJs(data, 0, 5000, -1));
      // Ranges the addon would refuse keep the JS behaviour.
      expect(crc32c(data, 0, data.length + 8)).toBe(crc32cJs(data, 0, data.length + 8));
      expect(calls).toBe(2);
    } finally {
      useNativeCrc32c(b.crc32c);
    }
  });
});
