/**
 * Key and value bytes at the boundary between abstract-level's private API and Holt.
 *
 * HoltLevel declares the `utf8` and `buffer` formats (like classic-level), so the private
 * methods receive strings or Buffers and must answer in the format they were asked for.
 * Holt itself takes either and always returns Buffers.
 */

/** What abstract-level hands the private API: a UTF-8 string or a Buffer. */
export type LevelBytes = string | Uint8Array;

/** A key or value as Holt returned it, or undefined when absent. */
export type Stored = Buffer | undefined;

/** One entry of a cursor. `value` is undefined for key-only cursors. */
export interface CursorEntry {
  key: Buffer;
  value: Buffer | undefined;
}

export const EMPTY = Buffer.alloc(0);

/** A private Buffer copy of `v`: kept bounds and recorded keys must not move when the caller reuses its array. */
export function copyBytes(v: LevelBytes): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
}

/** A string that identifies `key`'s bytes (one char per byte), for maps keyed by key bytes. */
export function idOf(key: LevelBytes): string {
  if (typeof key === 'string') return Buffer.from(key, 'utf8').toString('latin1');
  return (Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength)).toString('latin1');
}

/** `buf` in the format abstract-level asked for (`'utf8'` or `'buffer'`). */
export function inFormat(buf: Buffer, format: string | undefined): string | Buffer {
  return format === 'utf8' ? buf.toString('utf8') : buf;
}

/** `buf` in the asked format, passing undefined through. */
export function maybeInFormat(buf: Stored, format: string | undefined): string | Buffer | undefined {
  return buf === undefined ? undefined : inFormat(buf, format);
}
