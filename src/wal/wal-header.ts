/**
 * The WAL file header: the first 4096 bytes of the file. Records start at 4096.
 *
 * ```
 *  0        4        8        12       16                24                32       36     4096
 *  +--------+--------+--------+--------+-----------------+-----------------+--------+- ... -+
 *  | MAGIC  | FORMAT | HDRSIZE| FLAGS  | BASE_SEQ        | CREATED_MS      | CRC    | zero  |
 *  | u32    | u32    | u32    | u32    | u64 (safe int)  | u64 (unix ms)   | u32    |       |
 *  +--------+--------+--------+--------+-----------------+-----------------+--------+- ... -+
 *  MAGIC = "HWAL"; FORMAT = 1; HDRSIZE = 4096; FLAGS = 0; CRC = CRC-32C of bytes [0, 32).
 * ```
 *
 * `BASE_SEQ` is the highest version handed out before the segment was
 * created: its first record gets `BASE_SEQ + 1`, and replay takes the larger
 * of it and the last record as the high-water mark, so versions never repeat
 * even when checkpoints have deleted every older segment.
 *
 * The header is written once, when the segment is created (pwrite + fdatasync
 * before any record). Its 36 meaningful bytes sit in the first 512-byte
 * sector, which devices write atomically.
 */

import { HoltError } from '../errors.js';
import { crc32c } from '../checksum/crc32c.js';
import { getU32, getU64, putU32, putU64 } from './le-bytes.js';

/** "HWAL" read as a little-endian u32. */
export const WAL_MAGIC = 0x4c415748;
export const WAL_FORMAT_VERSION = 1;
export const WAL_HEADER_SIZE = 4096;

export const HDR_MAGIC_OFFSET = 0;
export const HDR_FORMAT_OFFSET = 4;
export const HDR_SIZE_OFFSET = 8;
export const HDR_FLAGS_OFFSET = 12;
export const HDR_BASE_SEQ_OFFSET = 16;
export const HDR_CREATED_OFFSET = 24;
export const HDR_CRC_OFFSET = 32;
/** Bytes covered by the header CRC. */
export const HDR_CHECKED_BYTES = 32;
/** Bytes with meaning; the rest of the page is zero. */
export const HDR_USED_BYTES = 36;

export interface WalHeader {
  baseSeq: number;
  createdAtMs: number;
}


/** A full 4096-byte header page for `header`. */
export function encodeWalHeader(header: WalHeader): Uint8Array {
  const b = new Uint8Array(WAL_HEADER_SIZE);
  putU32(b, HDR_MAGIC_OFFSET, WAL_MAGIC);
  putU32(b, HDR_FORMAT_OFFSET, WAL_FORMAT_VERSION);
  putU32(b, HDR_SIZE_OFFSET, WAL_HEADER_SIZE);
  putU32(b, HDR_FLAGS_OFFSET, 0);
  putU64(b, HDR_BASE_SEQ_OFFSET, header.baseSeq);
  putU64(b, HDR_CREATED_OFFSET, header.createdAtMs);
  putU32(b, HDR_CRC_OFFSET, crc32c(b, 0, HDR_CHECKED_BYTES));
  return b;
}

function corrupt(file: string, offset: number, what: string): HoltError {
  return new HoltError('CORRUPT', `WAL header of ${file} is corrupt at byte ${offset}: ${what}`, { file, offset });
}

/**
 * Parses the header page. `page` holds at least HDR_USED_BYTES bytes read from
 * offset 0 of `file`. Throws CORRUPT naming the file and the offending field's
 * offset.
 */
export function decodeWalHeader(page: Uint8Array, file: string): WalHeader {
  if (page.length < HDR_USED_BYTES) throw corrupt(file, page.length, 'header is truncated');
  if (getU32(page, HDR_MAGIC_OFFSET) !== WAL_MAGIC) throw corrupt(file, HDR_MAGIC_OFFSET, 'bad magic');
  if (crc32c(page, 0, HDR_CHECKED_BYTES) !== getU32(page, HDR_CRC_OFFSET)) {
    throw corrupt(file, HDR_CRC_OFFSET, 'checksum mismatch');
  }
  const format = getU32(page, HDR_FORMAT_OFFSET);
  if (format !== WAL_FORMAT_VERSION) throw corrupt(file, HDR_FORMAT_OFFSET, `unsupported format version ${format}`);
  if (getU32(page, HDR_SIZE_OFFSET) !== WAL_HEADER_SIZE) throw corrupt(file, HDR_SIZE_OFFSET, 'unexpected header size');
  const baseSeq = getU64(page, HDR_BASE_SEQ_OFFSET);
  if (baseSeq < 0) throw corrupt(file, HDR_BASE_SEQ_OFFSET, 'base sequence is not a safe integer');
  const createdAtMs = getU64(page, HDR_CREATED_OFFSET);
  return { baseSeq, createdAtMs: Math.max(0, createdAtMs) };
}
