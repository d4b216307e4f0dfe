/**
 * Turning user keys and values (string or bytes) into bytes without allocating.
 *
 * Strings are encoded into module-owned scratch buffers that the next call
 * overwrites; callers use the bytes before encoding again. `encodeInto` into a
 * reused buffer measured fastest here (about 50 ns for a 33-byte path key,
 * against 85 ns for a charCodeAt loop and 60 ns for Buffer#utf8Write).
 */
import { HoltError } from '../errors.js';
import type { Bytes } from './types.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../layout/leaf.js';

const encoder = new TextEncoder();

/** Scratch for one encoded byte string. */
export class ByteScratch {
  buf: Uint8Array;
  /** The bytes of the last `set*` call: `bytes[0..length)`. */
  bytes: Uint8Array;
  length = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.bytes = this.buf;
  }

  /** Encode `v`; returns the byte length. Strings land in the scratch buffer. */
  set(v: Bytes, what: string): number {
    if (typeof v === 'string') {
      const n = v.length;
      const buf = this.buf;
      if (n > buf.length) return (this.length = n); // at least n bytes: too long
      // UTF-8 takes at most 3 bytes per UTF-16 unit; only long strings need the exact size first.
      if (n * 3 > buf.length) {
        const exact = Buffer.byteLength(v, 'utf8');
        if (exact > buf.length) return (this.length = exact);
      }
      this.bytes = buf;
      return (this.length = encoder.encodeInto(v, buf).written);
    }
    if (v instanceof Uint8Array) {
      this.bytes = v;
      return (this.length = v.length);
    }
    throw new HoltError('INVALID_ARGUMENT', `${what} must be a string or Uint8Array, got ${v === null ? 'null' : typeof v}`);
  }
}

export const keyScratch = new ByteScratch(MAX_KEY_BYTES);
export const key2Scratch = new ByteScratch(MAX_KEY_BYTES);
export const valueScratch = new ByteScratch(MAX_VALUE_BYTES);

/** Encode and validate a key into `s`; returns its length. */
export function encodeKey(s: ByteScratch, key: Bytes, what = 'key'): number {
  const n = s.set(key, what);
  if (n === 0) throw new HoltError('INVALID_ARGUMENT', `${what} must not be empty`);
  if (n > MAX_KEY_BYTES) throw new HoltError('KEY_TOO_LARGE', `${what} is ${n} bytes; the limit is ${MAX_KEY_BYTES}`);
  return n;
}

/** Encode a prefix (may be empty) into `s`. */
export function encodePrefix(s: ByteScratch, prefix: Bytes | undefined, what = 'prefix'): number {
  if (prefix === undefined) return (s.length = 0);
  const n = s.set(prefix, what);
  if (n > MAX_KEY_BYTES) throw new HoltError('KEY_TOO_LARGE', `${what} is ${n} bytes; the limit is ${MAX_KEY_BYTES}`);
  return n;
}

export function encodeValue(value: Bytes): number {
  const n = valueScratch.set(value, 'value');
  if (n > MAX_VALUE_BYTES) throw new HoltError('VALUE_TOO_LARGE', `value is ${n} bytes; the limit is ${MAX_VALUE_BYTES}`);
  return n;
}
