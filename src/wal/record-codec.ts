/**
 * WAL record framing and op bodies. All integers little-endian.
 *
 * ```
 *  0        4        8                 16   17               17+L     21+L
 *  +--------+--------+-----------------+----+----------------+--------+
 *  | MAGIC  | LEN    | SEQ             | TY | BODY (L bytes) | CRC    |
 *  | u32    | u32    | u64 (safe int)  | u8 |                | u32    |
 *  +--------+--------+-----------------+----+----------------+--------+
 *  MAGIC = "HREC"; LEN = body length only; CRC = CRC-32C of bytes [0, 17+L).
 * ```
 *
 * Bodies (a byte string is `len u32 | bytes`):
 * ```
 *  TY 1 put      treeId u64 | key | value
 *  TY 2 delete   treeId u64 | key
 *  TY 3 rename   treeId u64 | from | to | overwrite u8 (0 or 1)
 *  TY 4 batch    count u32 | count x (TY u8 | body of that type, 1..3 only)
 * ```
 * A batch record's SEQ is the version of its first op; op i has SEQ + i.
 * Type 0 is never valid, so zero-filled space never decodes as a record.
 * A whole framed record is at most `MAX_RECORD_BYTES` (16 MiB).
 */

import { HoltError } from '../errors.js';
import { crc32c } from '../checksum/crc32c.js';
import { getU32, getU64, putU32, putU64 } from './le-bytes.js';
import type { GrowableBuffer } from './growable-buffer.js';
import type { WalOp, WalSingleOp } from './wal-op.js';

/** "HREC" read as a little-endian u32. */
export const RECORD_MAGIC = 0x43455248;
export const REC_MAGIC_OFFSET = 0;
export const REC_LEN_OFFSET = 4;
export const REC_SEQ_OFFSET = 8;
export const REC_TYPE_OFFSET = 16;
export const REC_BODY_OFFSET = 17;
/** Bytes before the body. */
export const RECORD_HEADER_BYTES = 17;
/** The CRC after the body. */
export const RECORD_FOOTER_BYTES = 4;
export const RECORD_OVERHEAD = RECORD_HEADER_BYTES + RECORD_FOOTER_BYTES;
/** Largest framed record (header + body + CRC). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
export const MAX_BODY_BYTES = MAX_RECORD_BYTES - RECORD_OVERHEAD;

export const TYPE_PUT = 1;
export const TYPE_DELETE = 2;
export const TYPE_RENAME = 3;
export const TYPE_BATCH = 4;

const TREE_ID_BYTES = 8;
const LEN_BYTES = 4;

function singleBodySize(op: WalSingleOp): number {
  switch (op.type) {
    case 'put':
      return TREE_ID_BYTES + LEN_BYTES + op.key.length + LEN_BYTES + op.value.length;
    case 'delete':
      return TREE_ID_BYTES + LEN_BYTES + op.key.length;
    case 'rename':
      return TREE_ID_BYTES + LEN_BYTES + op.from.length + LEN_BYTES + op.to.length + 1;
  }
}

/** Body length of `op` in bytes (not counting the 21 framing bytes). */
export function bodySize(op: WalOp): number {
  if (op.type !== 'batch') return singleBodySize(op);
  let n = LEN_BYTES;
  const ops = op.ops;
  for (let i = 0; i < ops.length; i++) n += 1 + singleBodySize(ops[i]!);
  return n;
}

/** Framed size of `op`'s record. */
export function recordSize(op: WalOp): number {
  return RECORD_OVERHEAD + bodySize(op);
}

function typeTag(type: WalSingleOp['type']): number {
  return type === 'put' ? TYPE_PUT : type === 'delete' ? TYPE_DELETE : TYPE_RENAME;
}

function putBytes(b: Uint8Array, p: number, src: Uint8Array): number {
  const n = src.length;
  putU32(b, p, n);
  p += LEN_BYTES;
  // Short keys are the common case; a loop beats `set` below ~16 bytes.
  if (n < 16) for (let i = 0; i < n; i++) b[p + i] = src[i]!;
  else b.set(src, p);
  return p + n;
}

function writeSingleBody(b: Uint8Array, p: number, op: WalSingleOp): number {
  putU64(b, p, op.treeId);
  p += TREE_ID_BYTES;
  switch (op.type) {
    case 'put':
      p = putBytes(b, p, op.key);
      return putBytes(b, p, op.value);
    case 'delete':
      return putBytes(b, p, op.key);
    case 'rename':
      p = putBytes(b, p, op.from);
      p = putBytes(b, p, op.to);
      b[p] = op.overwrite ? 1 : 0;
      return p + 1;
  }
}

/** Make room for a record at `out.length` and write its magic, length and sequence. */
function reserveRecord(out: GrowableBuffer, size: number, body: number, seq: number): Uint8Array {
  out.reserve(size);
  const b = out.bytes;
  const start = out.length;
  putU32(b, start + REC_MAGIC_OFFSET, RECORD_MAGIC);
  putU32(b, start + REC_LEN_OFFSET, body);
  putU64(b, start + REC_SEQ_OFFSET, seq);
  return b;
}

/**
 * Appends the framed record for `op` with sequence `seq` at `out.length` and
 * advances `out.length`. Returns the record's size. Throws RECORD_TOO_LARGE
 * (leaving `out` untouched) when the record would exceed `MAX_RECORD_BYTES`.
 * `op` must already be valid (see `validateWalOp`).
 */
export function encodeRecord(out: GrowableBuffer, seq: number, op: WalOp): number {
  const body = bodySize(op);
  const size = RECORD_OVERHEAD + body;
  if (size > MAX_RECORD_BYTES) {
    throw new HoltError('RECORD_TOO_LARGE', `WAL record of ${size} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`);
  }
  const b = reserveRecord(out, size, body, seq);
  const start = out.length;
  let p = start + REC_BODY_OFFSET;
  if (op.type === 'batch') {
    b[start + REC_TYPE_OFFSET] = TYPE_BATCH;
    const ops = op.ops;
    putU32(b, p, ops.length);
    p += LEN_BYTES;
    for (let i = 0; i < ops.length; i++) {
      const inner = ops[i]!;
      b[p++] = typeTag(inner.type);
      p = writeSingleBody(b, p, inner);
    }
  } else {
    b[start + REC_TYPE_OFFSET] = typeTag(op.type);
    p = writeSingleBody(b, p, op);
  }
  putU32(b, p, crc32c(b, start, p));
  out.length = start + size;
  return size;
}

/**
 * The put record of `encodeRecord`, byte for byte, from the first `keyLen` /
 * `valueLen` bytes of scratch arrays: the hot write path builds no op object
 * and no subarray views. Returns the record's size.
 */
export function encodePutRecord(
  out: GrowableBuffer, seq: number, treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number,
): number {
  const body = TREE_ID_BYTES + LEN_BYTES + keyLen + LEN_BYTES + valueLen;
  const size = RECORD_OVERHEAD + body;
  if (size > MAX_RECORD_BYTES) {
    throw new HoltError('RECORD_TOO_LARGE', `WAL record of ${size} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`);
  }
  const b = reserveRecord(out, size, body, seq);
  const start = out.length;
  b[start + REC_TYPE_OFFSET] = TYPE_PUT;
  let p = start + REC_BODY_OFFSET;
  putU64(b, p, treeId);
  p += TREE_ID_BYTES;
  putU32(b, p, keyLen);
  p += LEN_BYTES;
  // `set` of a whole array is one native copy; a byte loop beats a view plus `set` only for short parts.
  if (keyLen === key.length) b.set(key, p);
  else for (let i = 0; i < keyLen; i++) b[p + i] = key[i]!;
  p += keyLen;
  putU32(b, p, valueLen);
  p += LEN_BYTES;
  if (valueLen === value.length) b.set(value, p);
  else if (valueLen <= 32) for (let i = 0; i < valueLen; i++) b[p + i] = value[i]!;
  else b.set(value.subarray(0, valueLen), p);
  p += valueLen;
  putU32(b, p, crc32c(b, start, p));
  out.length = start + size;
  return size;
}

// ---------------------------------------------------------------- decoding

/** Why a record failed to decode. */
export type RecordDefect =
  | 'bad magic'
  | 'bad length'
  | 'bad checksum'
  | 'bad sequence'
  | 'bad type'
  | 'bad body'
  | 'trailing bytes';

/** The result of looking at one framed record whose bytes are all present. */
export type DecodeResult = { ok: true; seq: number; op: WalOp; size: number } | { ok: false; defect: RecordDefect };

class BodyReader {
  constructor(
    readonly b: Uint8Array,
    public p: number,
    readonly end: number,
    /** Keys and values are views into `b` rather than copies. */
    readonly borrow: boolean,
  ) {}

  need(n: number): boolean {
    return this.p + n <= this.end;
  }

  u64(): number {
    if (!this.need(8)) throw BAD_BODY;
    const v = getU64(this.b, this.p);
    if (v < 0) throw BAD_BODY;
    this.p += 8;
    return v;
  }

  u32(): number {
    if (!this.need(4)) throw BAD_BODY;
    const v = getU32(this.b, this.p);
    this.p += 4;
    return v;
  }

  u8(): number {
    if (!this.need(1)) throw BAD_BODY;
    return this.b[this.p++]!;
  }

  bytes(): Uint8Array {
    const n = this.u32();
    if (!this.need(n)) throw BAD_BODY;
    const out = this.borrow ? this.b.subarray(this.p, this.p + n) : this.b.slice(this.p, this.p + n);
    this.p += n;
    return out;
  }
}

const BAD_BODY = new Error('bad body');
const BAD_TYPE = new Error('bad type');

function readSingle(r: BodyReader, type: number): WalSingleOp {
  const treeId = r.u64();
  switch (type) {
    case TYPE_PUT: {
      const key = r.bytes();
      return { type: 'put', treeId, key, value: r.bytes() };
    }
    case TYPE_DELETE:
      return { type: 'delete', treeId, key: r.bytes() };
    case TYPE_RENAME: {
      const from = r.bytes();
      const to = r.bytes();
      const flag = r.u8();
      if (flag > 1) throw BAD_BODY;
      return { type: 'rename', treeId, from, to, overwrite: flag === 1 };
    }
    default:
      throw BAD_TYPE;
  }
}

/**
 * Reads the header fields of a record at `p`: its framed size, or a defect
 * when the magic or the length is impossible. Needs RECORD_HEADER_BYTES bytes.
 */
export function peekRecordSize(b: Uint8Array, p: number): number | 'bad magic' | 'bad length' {
  if (getU32(b, p + REC_MAGIC_OFFSET) !== RECORD_MAGIC) return 'bad magic';
  const len = getU32(b, p + REC_LEN_OFFSET);
  if (len > MAX_BODY_BYTES) return 'bad length';
  return RECORD_OVERHEAD + len;
}

/**
 * Decodes the record at `b[p ...]`. The caller has checked that the full framed
 * size (`peekRecordSize`) is available. Keys and values are copies, or with
 * `borrow` views into `b` (valid while `b` keeps these bytes).
 */
export function decodeRecord(b: Uint8Array, p: number, borrow = false): DecodeResult {
  const size = peekRecordSize(b, p);
  if (typeof size !== 'number') return { ok: false, defect: size };
  const bodyEnd = p + size - RECORD_FOOTER_BYTES;
  if (crc32c(b, p, bodyEnd) !== getU32(b, bodyEnd)) return { ok: false, defect: 'bad checksum' };
  const seq = getU64(b, p + REC_SEQ_OFFSET);
  if (seq < 1) return { ok: false, defect: 'bad sequence' };
  const type = b[p + REC_TYPE_OFFSET]!;
  const r = new BodyReader(b, p + REC_BODY_OFFSET, bodyEnd, borrow);
  try {
    let op: WalOp;
    if (type === TYPE_BATCH) {
      const count = r.u32();
      if (count === 0) return { ok: false, defect: 'bad body' };
      if (seq + count - 1 > Number.MAX_SAFE_INTEGER) return { ok: false, defect: 'bad sequence' };
      const ops: WalSingleOp[] = [];
      for (let i = 0; i < count; i++) ops.push(readSingle(r, r.u8()));
      op = { type: 'batch', ops };
    } else {
      op = readSingle(r, type);
    }
    if (r.p !== bodyEnd) return { ok: false, defect: 'trailing bytes' };
    return { ok: true, seq, op, size };
  } catch (e) {
    if (e === BAD_TYPE) return { ok: false, defect: 'bad type' };
    if (e === BAD_BODY) return { ok: false, defect: 'bad body' };
    throw e;
  }
}
