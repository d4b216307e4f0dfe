/**
 * Reads a WAL file front to back: the header, then every record from offset
 * 4096, yielding `{ seq, op, offset }`. It never writes; what to do with a torn
 * tail (truncate it) is the writer's decision, reported through `summary`.
 *
 * What ends the log:
 * - Clean end of file.
 * - A torn tail, the shape a crash leaves behind: a record header cut short, a
 *   body that runs past end of file, zero-filled space where a record should
 *   start, a record cut inside its 4-byte magic (1 to 3 magic bytes, then
 *   zeros: a sector boundary inside the magic), or a record that fails its
 *   checksum/type/length checks and is the last thing in the file (only zeros
 *   after it). In every torn case no valid record may follow; one that does
 *   means a damaged length field, not a tear.
 *   `summary.endOffset` is where the valid log ends and `tornTailBytes` how
 *   much follows it.
 * - Anything else (a bad record followed by more non-zero data, sequence
 *   numbers going backwards, a bad header) is corruption: HoltError CORRUPT
 *   naming the file and the byte offset.
 */

import { HoltError } from '../errors.js';
import type { FileHandle } from '../io/types.js';
import { getU32 } from './le-bytes.js';
import {
  decodeRecord,
  peekRecordSize,
  RECORD_HEADER_BYTES,
  RECORD_MAGIC,
  RECORD_OVERHEAD,
} from './record-codec.js';
import { decodeWalHeader, HDR_USED_BYTES, WAL_HEADER_SIZE, type WalHeader } from './wal-header.js';
import { seqCount, type WalRecord } from './wal-op.js';

export interface WalScanSummary {
  /** The parsed header, or null when the file has none yet (empty, or zero-filled by a crash during creation). */
  header: WalHeader | null;
  /** `header.baseSeq`, 0 without a header. */
  baseSeq: number;
  /** Highest seq used by a complete record (a batch's last op), 0 if the log is empty. */
  lastSeq: number;
  /** Complete records read. */
  records: number;
  /** Offset just past the last complete record: the length a writer truncates the file to. */
  endOffset: number;
  /** File size when the scan started. */
  fileSize: number;
  /** Bytes after `endOffset` that belong to a torn tail (0 when the log ends cleanly). */
  tornTailBytes: number;
  /**
   * The trailing run of zero bytes within the torn tail: space the writer had
   * preallocated and never filled, left behind by a crash. `tornTailBytes -
   * zeroTailBytes` is what a torn write left (a partial record whose own last
   * bytes are zero is undercounted by those bytes).
   */
  zeroTailBytes: number;
}

/** Where a scan that ended earlier resumes: the offset after its last record, and that record's last sequence number. */
export interface WalResumePoint {
  offset: number;
  lastSeq: number;
}

export interface WalReaderOptions {
  liveTail?: boolean;
  from?: WalResumePoint;
  borrow?: boolean;
}

const WINDOW_BYTES = 1024 * 1024;
/** RECORD_MAGIC as it lies in the file (little-endian): "HREC". */
const MAGIC_BYTES = [RECORD_MAGIC & 0xff, (RECORD_MAGIC >>> 8) & 0xff, (RECORD_MAGIC >>> 16) & 0xff, RECORD_MAGIC >>> 24];

export class WalReader {
  readonly #fh: FileHandle;
  #win: Uint8Array = new Uint8Array(WINDOW_BYTES);
  #winStart = 0;
  #winLen = 0;
  #size = 0;
  #summary: WalScanSummary | null = null;

  readonly #liveTail: boolean;
  readonly #from: WalResumePoint | null;
  readonly #borrow: boolean;

  /**
   * `liveTail`: the file may be growing under this scan (a reader process
   * beside a live writer), so a record that does not decode is where the
   * writer's current writes are, not damage: the scan ends there at once
   * (no look at what follows; the rest counts as torn, and as zeros: space
   * the writer has not filled yet) instead of throwing CORRUPT. The state
   * read is still a prefix.
   * `from`: resume a scan that ended earlier (a reader catching up with the
   * writer) at that offset, after that sequence number; the header is still
   * read and checked.
   * `borrow`: a record's keys and values are views into the read window, valid
   * only until the generator resumes (replay applies each record at once);
   * otherwise they are copies.
   */
  constructor(handle: FileHandle, options: WalReaderOptions = {}) {
    this.#fh = handle;
    this.#liveTail = options.liveTail === true;
    this.#from = options.from ?? null;
    this.#borrow = options.borrow === true;
  }

  /** The outcome of the scan; available once `records()` has run to its end. */
  get summary(): WalScanSummary {
    if (this.#summary === null) throw new HoltError('INTERNAL', 'WAL summary read before the scan finished');
    return this.#summary;
  }

  /** Reads every record; throws CORRUPT on damage (see the module docs). */
  *records(): Generator<WalRecord, WalScanSummary, void> {
    const size = this.#fh.size();
    this.#size = size;
    this.#winLen = 0;
    const done = (header: WalHeader | null, lastSeq: number, records: number, endOffset: number): WalScanSummary => {
      this.#summary = {
        header,
        baseSeq: header?.baseSeq ?? 0,
        lastSeq,
        records,
        endOffset,
        fileSize: size,
        tornTailBytes: Math.max(0, size - endOffset),
        zeroTailBytes: endOffset >= size ? 0 : this.#liveTail ? size - endOffset : size - 1 - this.#lastNonZeroBefore(endOffset, size),
      };
      return this.#summary;
    };

    if (size === 0 || this.#allZero(0, Math.min(size, HDR_USED_BYTES))) {
      // No header was ever made durable. Only zeros may follow: records are
      // appended only after the header is synced.
      if (!this.#allZero(0, size)) throw this.#corrupt(this.#firstNonZero(0, size), 'data after a missing header');
      return done(null, 0, 0, 0);
    }
    if (!this.#ensure(0, HDR_USED_BYTES)) {
      throw new HoltError('CORRUPT', `WAL header of ${this.#fh.path} is truncated at byte ${size}`, {
        file: this.#fh.path,
        offset: size,
      });
    }
    const header = decodeWalHeader(this.#win.subarray(0, HDR_USED_BYTES), this.#fh.path);
    // A resume point before the first record (the header was not written yet) starts over.
    const start = this.#from !== null && this.#from.offset >= WAL_HEADER_SIZE ? this.#from : { offset: WAL_HEADER_SIZE, lastSeq: 0 };
    if (size <= WAL_HEADER_SIZE) return done(header, start.lastSeq, 0, size < WAL_HEADER_SIZE ? size : WAL_HEADER_SIZE);
    if (start.offset > size) {
      throw this.#corrupt(start.offset, `resume offset outside the log (${size} bytes)`);
    }
    let p = start.offset;
    let lastSeq = start.lastSeq;
    let records = 0;
    try {
      yield* this.#body(size, start, (q, seq, n) => { p = q; lastSeq = seq; records = n; });
    } catch (e) {
      if (!this.#liveTail || !(e instanceof HoltError) || e.code !== 'CORRUPT') throw e;
    }
    return done(header, lastSeq, records, p);
  }

  /** The records after the header; `at` reports the scan position after each one. */
  *#body(size: number, start: WalResumePoint, at: (p: number, lastSeq: number, records: number) => void): Generator<WalRecord, void, void> {
    let p = start.offset;
    let lastSeq = start.lastSeq;
    let records = 0;
    const live = this.#liveTail;
    while (p < size) {
      if (size - p < RECORD_HEADER_BYTES) { at(p, lastSeq, records); return; }
      this.#ensure(p, RECORD_HEADER_BYTES);
      const framed = peekRecordSize(this.#win, p - this.#winStart);
      // Beside a live writer, whatever does not decode is where its writes are.
      if (live && (typeof framed !== 'number' || p + framed > size)) { at(p, lastSeq, records); return; }
      if (framed === 'bad magic') {
        // Zeros, or a record cut inside its magic (a strict prefix of it), then
        // only zeros: the preallocated tail after a torn write.
        if (this.#allZero(p + this.#magicPrefixAt(p), size)) { at(p, lastSeq, records); return; }
        throw this.#corrupt(p, 'bad record magic');
      }
      if (framed === 'bad length') throw this.#corrupt(p, 'record length out of range');
      if (p + framed > size) {
        // Cut short by end of file: torn, unless a whole record follows (then
        // the length field itself is damaged).
        if (this.#validRecordWithin(p + 1, size)) throw this.#corrupt(p, 'record length runs past a later record');
        { at(p, lastSeq, records); return; }
      }
      this.#ensure(p, framed);
      const rec = decodeRecord(this.#win, p - this.#winStart, this.#borrow);
      if (!rec.ok && live) { at(p, lastSeq, records); return; }
      if (!rec.ok) {
        if (this.#allZero(p + framed, size) && !this.#validRecordWithin(p + 1, p + framed)) {
          { at(p, lastSeq, records); return; }
        }
        throw this.#corrupt(p, rec.defect);
      }
      if (rec.seq <= lastSeq) throw this.#corrupt(p, `sequence ${rec.seq} does not follow ${lastSeq}`);
      yield { seq: rec.seq, op: rec.op, offset: p };
      lastSeq = rec.seq + seqCount(rec.op) - 1;
      records++;
      p += framed;
      at(p, lastSeq, records);
    }
  }

  #corrupt(offset: number, what: string): HoltError {
    const file = this.#fh.path;
    return new HoltError('CORRUPT', `WAL file ${file} is corrupt at byte offset ${offset}: ${what}`, { file, offset });
  }

  /** Makes bytes [off, off+n) available in the window; false if they run past end of file. */
  #ensure(off: number, n: number): boolean {
    if (off >= this.#winStart && off + n <= this.#winStart + this.#winLen) return true;
    if (off + n > this.#size) return false;
    const want = Math.min(Math.max(WINDOW_BYTES, n), this.#size - off);
    if (this.#win.length < want) this.#win = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      const r = this.#fh.pread(this.#win.subarray(got, want), off + got);
      if (r <= 0) break;
      got += r;
    }
    // The file ended early: a live writer cut its preallocated tail off after
    // this scan sized the file (a reader process beside it). Past `got` the
    // window must read as zeros, the end of the log, never as bytes left from
    // an earlier window (they parse as older records).
    if (got < want) this.#win.fill(0, got, want);
    this.#winStart = off;
    this.#winLen = got;
    return got >= n;
  }

  #firstNonZero(from: number, to: number): number {
    for (let p = from; p < to; ) {
      const n = Math.min(WINDOW_BYTES, to - p);
      this.#ensure(p, n);
      const w = this.#win;
      const base = p - this.#winStart;
      for (let i = 0; i < n; i++) if (w[base + i] !== 0) return p + i;
      p += n;
    }
    return -1;
  }

  /** Offset of the last non-zero byte in [from, to), or from - 1 when all are zero; reads backwards. */
  #lastNonZeroBefore(from: number, to: number): number {
    for (let end = to; end > from; ) {
      const start = Math.max(from, end - WINDOW_BYTES);
      this.#ensure(start, end - start);
      const w = this.#win;
      const base = start - this.#winStart;
      for (let i = end - start - 1; i >= 0; i--) if (w[base + i] !== 0) return start + i;
      end = start;
    }
    return from - 1;
  }

  /** How many leading bytes at `p` (in the window) match the record magic's: 0 to 3 when the magic is bad. */
  #magicPrefixAt(p: number): number {
    const at = p - this.#winStart;
    let k = 0;
    while (k < 4 && this.#win[at + k] === MAGIC_BYTES[k]) k++;
    return k;
  }

  #allZero(from: number, to: number): boolean {
    return this.#firstNonZero(from, to) < 0;
  }

  /** True when a complete, checksum-valid record starts anywhere in [from, to). */
  #validRecordWithin(from: number, to: number): boolean {
    const last = Math.min(to, this.#size - RECORD_OVERHEAD);
    for (let q = from; q <= last; q++) {
      this.#ensure(q, RECORD_HEADER_BYTES);
      const at = q - this.#winStart;
      if (getU32(this.#win, at) !== RECORD_MAGIC) continue;
      const framed = peekRecordSize(this.#win, at);
      if (typeof framed !== 'number' || q + framed > this.#size) continue;
      this.#ensure(q, framed);
      if (decodeRecord(this.#win, q - this.#winStart).ok) return true;
    }
    return false;
  }
}
