/**
 * Little-endian integers in byte arrays, as the WAL's on-disk formats store
 * them. u64 values are JS numbers, so they must be safe integers.
 */

const TWO_32 = 4294967296;
/** A u64 whose high word is at least this is above Number.MAX_SAFE_INTEGER. */
const MAX_SAFE_HIGH = 0x200000;

export function putU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v;
  b[p + 1] = v >>> 8;
  b[p + 2] = v >>> 16;
  b[p + 3] = v >>> 24;
}

export function putU64(b: Uint8Array, p: number, v: number): void {
  const lo = v >>> 0;
  putU32(b, p, lo);
  putU32(b, p + 4, (v - lo) / TWO_32);
}

export function getU32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** Reads a u64 as a number, or -1 when it is not a safe integer. */
export function getU64(b: Uint8Array, p: number): number {
  const hi = getU32(b, p + 4);
  if (hi >= MAX_SAFE_HIGH) return -1;
  return hi * TWO_32 + getU32(b, p);
}
