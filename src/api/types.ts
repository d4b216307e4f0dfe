/**
 * Public value types shared by `Tree`, `DB` and the bridges built on them.
 */

/** Keys and values: a UTF-8 string or raw bytes. */
export type Bytes = string | Uint8Array;

/** A stored record. `key` and `value` are copies that stay valid after later writes. */
export interface HoltRecord {
  key: Buffer;
  value: Buffer;
  /** Unique per write, strictly increasing within a DB, never reused across restarts. */
  version: number;
}

export interface ScanOptions {
  /** Only keys starting with these bytes. */
  prefix?: Bytes;
  /**
   * Only keys strictly after this one (in scan direction). With a delimiter, a value
   * equal to an emitted common prefix continues after that whole rollup (S3 marker semantics).
   */
  startAfter?: Bytes;
  /** Exclusive upper bound in key order: only keys strictly below `end`, in either direction. */
  end?: Bytes;
  /** Roll keys up at the first occurrence of this byte after the prefix (a 1-byte string or number 0..255). */
  delimiter?: string | number;
  /** Do not read or return values. */
  keysOnly?: boolean;
  /** Stop after this many entries (keys plus common prefixes). */
  limit?: number;
  /** Descending byte order. */
  reverse?: boolean;
}

/** What a scan yields: defined beside the iterator that produces them. */
export type { ScanEntry, ScanKeyEntry, ScanPrefixEntry } from '../art/scan.js';

export interface RenameOptions {
  /** Replace a live destination instead of failing with ALREADY_EXISTS. */
  overwrite?: boolean;
}
