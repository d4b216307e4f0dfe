/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum on every
 * on-disk record: WAL records and headers, frame images, the manifest. It
 * lives in its own folder, importing nothing, so that neither `wal/` nor
 * `store/` reaches into the other for it.
 *
 * Slicing-by-8: eight 256-entry tables let the main loop fold 8 input bytes per
 * iteration with eight independent lookups instead of eight dependent ones.
 * It runs on every appended record, so the loop works on plain indices into a
 * `Uint8Array` and never allocates.
 *
 * Check value: crc32c("123456789") = 0xE3069283.
 *
 * Long ranges go to the addon's `crc32c` (the CPU's instruction: SSE4.2's crc32, ~29 GB/s
 * against ~2 GB/s here) once `src/io/` has loaded it and registered it with
 * `useNativeCrc32c`; this folder still imports nothing. A native call costs
 * ~75 ns, so ranges shorter than NATIVE_CRC32C_MIN_BYTES stay in JS (measured
 * crossover on x86-64: 128 bytes JS 68 ns vs native 88 ns, 256 bytes 133 vs 100).
 */

const POLY = 0x82f63b78;

/**
 * TABLE[k * 256 + b]: the CRC of byte b followed by k zero bytes. Stored as
 * Int32Array so every load is a small integer to V8; a Uint32Array yields
 * doubles for entries >= 2^31 and runs several times slower.
 */
const TABLE = buildTable();

function buildTable(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b]!;
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ t[c & 0xff]!;
      t[k * 256 + b] = c;
    }
  }
  return t;
}

/** The addon's function: same arguments and result as `crc32cJs`, `crc` an unsigned 32-bit integer. */
export type NativeCrc32c = (bytes: Uint8Array, start: number, end: number, crc: number) => number;

/** Ranges at least this long use the native function when one is registered. */
export const NATIVE_CRC32C_MIN_BYTES = 256;

let nativeCrc: NativeCrc32c | null = null;

/** Registers the addon's CRC-32C (called by src/io/ when the addon loads); null goes back to JS only. */
export function useNativeCrc32c(fn: NativeCrc32c | null): void {
  nativeCrc = fn;
}

/** Whether long ranges currently go to the addon. */
export function nativeCrc32cActive(): boolean {
  return nativeCrc !== null;
}

/**
 * CRC-32C of `bytes[start, end)`. Pass a previous result as `crc` to continue
 * a checksum across several calls (the default 0 starts a new one).
 * Returns an unsigned 32-bit integer.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  // Only ranges the addon accepts go there; anything else keeps the JS behaviour.
  if (nativeCrc !== null && end - start >= NATIVE_CRC32C_MIN_BYTES && start >= 0 && end <= bytes.length) {
    return nativeCrc(bytes, start, end, crc >>> 0);
  }
  return crc32cJs(bytes, start, end, crc);
}

/** The JS implementation alone: the fallback, and what the native one is tested against. */
export function crc32cJs(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  const t = TABLE;
  let c = ~crc;
  let i = start;
  const end8 = end - ((end - start) & 7);
  while (i < end8) {
    const lo = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = t[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
