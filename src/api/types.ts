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
  /**
   * `false`: keys and values are views into Holt's memory instead of copies,
   * valid only until the scan's next step (the next `next()`, or the return
   * of a `scanEach` visitor) or any other call on the database, whichever
   * comes first. Copy what you keep (`Buffer.from(view)`). Default `true`.
   */
  copy?: boolean;
}

/** How keys or values come out: `'buffer'` (the default) or `'utf8'`, a string decoded straight from the stored bytes. */
export type Encoding = 'buffer' | 'utf8';

/** Scan and get options that decode: strings instead of Buffers, with no Buffer in between. */
export interface EncodingOptions {
  keyEncoding?: Encoding;
  valueEncoding?: Encoding;
}

/** `tree.get` options. */
export interface GetOptions {
  valueEncoding?: Encoding;
}

/**
 * What an encoding option makes of stored bytes: a string for `'utf8'`, a
 * Buffer for `'buffer'` or no option, either when the option is only known at
 * run time (an options object typed `Encoding`).
 */
export type Decoded<E> = [E] extends ['utf8'] ? string : [E] extends ['buffer' | undefined] ? Buffer : Buffer | string;

/** The type of keys (`'keyEncoding'`) or values (`'valueEncoding'`) an options type `O` asks for. */
export type DecodedField<O, F extends keyof EncodingOptions> = F extends keyof O ? Decoded<O[F & keyof O]> : Buffer;

/** What a scan yields: defined beside the iterator that produces them. */
export type { ScanEntry, ScanKeyEntry, ScanPrefixEntry } from '../art/scan-entry.js';

export interface RenameOptions {
  /** Replace a live destination instead of failing with ALREADY_EXISTS. */
  overwrite?: boolean;
}
