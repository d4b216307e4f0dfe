/**
 * `WalTail`: the end of one WAL segment that is not yet known durable, the
 * bytes themselves (in memory) and where each of them sits in the file.
 *
 * Byte positions. Every appended byte has a fixed file offset from the moment
 * it is encoded, and the file grows strictly in order:
 *
 * ```
 *  4096            syncedEnd          writtenEnd               appendEnd
 *   |  durable       |  in the OS,      |  appended, only in      |
 *   |  (fdatasync'd) |  not yet synced  |  this process (pending) |
 *                 ^ bufStart: `buf` holds [bufStart, appendEnd)
 * ```
 *
 * - Appends encode straight into `buf` (no syscall, no per-record allocation).
 * - Hand-off to the OS: a synchronous pwrite once the pending bytes reach
 *   `flushBytes`, or an async pwrite when the `flushDelayMs` timer fires.
 *   At most one async write is in flight. A synchronous write may overlap it:
 *   it rewrites the in-flight range with the same bytes at the same offsets,
 *   which is harmless, and `buf` is never modified under an in-flight write.
 * - A sync round (`syncRound`, run by the writer's group commit) writes
 *   everything appended so far, then runs one fdatasync; `onSynced` then
 *   reports the new `syncedEnd`, and the waiters whose bytes were in the OS
 *   before that fdatasync started are resolved (group-commit.ts).
 * - Bytes handed to the OS stay in `buf` until an fdatasync covers them (up to
 *   `retainBytes`), so a failed fdatasync (whose dirty pages the kernel may
 *   have dropped) can be retried by rewriting them. If more than `retainBytes`
 *   were dropped before a failed fdatasync, the tail fails for good (`fatal`).
 * - A failed write keeps its bytes pending; the next sync round retries them.
 *   Nothing acknowledged as durable is ever lost.
 */

import { HoltError } from '../errors.js';
import type { FileHandle } from '../io/types.js';
import { GrowableBuffer } from './growable-buffer.js';
import { encodePutRecord, encodeRecord } from './record-codec.js';
import { toHoltIoError } from './wal-errors.js';
import type { WalOp } from './wal-op.js';

/** How the tail hands bytes to the OS (validated by the writer). */
export interface WalTailOptions {
  /** Pending bytes that trigger a synchronous hand-off to the OS. */
  flushBytes: number;
  /** Longest a record waits in this process before an async hand-off. */
  flushDelayMs: number;
  /** Handed-off bytes kept for rewrite until an fdatasync covers them. */
  retainBytes: number;
}

interface InflightWrite {
  bytes: Uint8Array;
  end: number;
  records: number;
  epoch: number;
  done: Promise<void>;
}

const MAX_PENDING_ON_ERROR = 16 * 1024 * 1024;

/** Zeros written ahead of the log tail at a time (see #zeroedEnd). */
const PREALLOC_BYTES = 4 * 1024 * 1024;
const ZEROS = new Uint8Array(1024 * 1024);

export class WalTail {
  readonly path: string;
  readonly #fh: FileHandle;
  readonly #flushBytes: number;
  readonly #flushDelayMs: number;
  readonly #retainBytes: number;
  /** While hand-offs fail, appends keep buffering up to this many bytes, then throw. */
  readonly #maxPendingOnError: number;
  /** Told the new `syncedEnd` after every fdatasync that advanced it (or not). */
  readonly #onSynced: (syncedEnd: number) => void;

  readonly #buf: GrowableBuffer;
  #bufStart: number;
  #writtenEnd: number;
  #syncedEnd: number;
  /**
   * The file is known to hold real (written) zeros up to here. Records are
   * written over zeros rather than past the end of the file, so an fdatasync
   * need not also flush a new file size: on this machine 100 µs instead of 140.
   * A clean close cuts the zeros off again; after a crash, replay at the next
   * open reads them as a zero-filled tail (OpenStats.zeroTailBytes) and leaves
   * them: appends go to a new segment, and this one is deleted once a
   * checkpoint covers it.
   */
  #zeroedEnd: number;

  #appendedRecords = 0;
  #writtenRecords = 0;
  #syncedRecords = 0;
  /** Bumped when a failed fdatasync rewinds `writtenEnd`: older in-flight writes no longer count. */
  #epoch = 0;
  #inflight: InflightWrite | null = null;
  #writeError: HoltError | null = null;
  #fatal: HoltError | null = null;
  /** Handed-off bytes after `syncedEnd` were dropped from `buf`: a failed fdatasync is not retryable. */
  #lostUnsynced = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  #bytesAppended = 0;
  #bytesWritten = 0;
  #fdatasyncs = 0;

  /** A tail whose file is durable up to `end` (just past the header of a new segment). */
  constructor(fh: FileHandle, path: string, end: number, options: WalTailOptions, onSynced: (syncedEnd: number) => void) {
    this.path = path;
    this.#fh = fh;
    this.#flushBytes = options.flushBytes;
    this.#flushDelayMs = options.flushDelayMs;
    this.#retainBytes = options.retainBytes;
    this.#maxPendingOnError = Math.max(MAX_PENDING_ON_ERROR, this.#flushBytes * 4);
    this.#onSynced = onSynced;
    this.#buf = new GrowableBuffer(this.#flushBytes * 2);
    this.#bufStart = end;
    this.#writtenEnd = end;
    this.#syncedEnd = end;
    this.#zeroedEnd = end;
  }

  get appendEnd(): number {
    return this.#bufStart + this.#buf.length;
  }

  get syncedEnd(): number {
    return this.#syncedEnd;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The error every call gets once the tail is closed or has failed for good; null while usable. */
  refusal(): HoltError | null {
    if (this.#closed) return new HoltError('CLOSED', `WAL ${this.path} is closed`);
    return this.#fatal;
  }

  /** What the writer's stats report from here. */
  counters(): { recordsAppended: number; bytesAppended: number; recordsWritten: number; bytesWritten: number; fdatasyncs: number } {
    return {
      recordsAppended: this.#appendedRecords,
      bytesAppended: this.#bytesAppended,
      recordsWritten: this.#writtenRecords,
      bytesWritten: this.#bytesWritten,
      fdatasyncs: this.#fdatasyncs,
    };
  }

  // ------------------------------------------------------------ appending

  /** Encodes `op` (validated by the caller) as the record `seq` at `appendEnd`. */
  appendRecord(seq: number, op: WalOp): void {
    this.#appended(encodeRecord(this.#buf, seq, op));
  }

  /** Encodes a put record from the first `keyLen` / `valueLen` bytes, without building the op. */
  appendPut(seq: number, treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): void {
    this.#appended(encodePutRecord(this.#buf, seq, treeId, key, keyLen, value, valueLen));
  }

  #appended(size: number): void {
    this.#appendedRecords++;
    this.#bytesAppended += size;
  }

  /** Hand the pending bytes to the OS once they pass `flushBytes`; arm the hand-off timer. */
  afterAppend(): void {
    const unwritten = this.appendEnd - this.#writtenEnd;
    if (unwritten >= this.#flushBytes) {
      if (this.#writeError === null) this.#writeSync();
      else if (unwritten >= this.#maxPendingOnError && !this.#writeSync()) {
        // The record is pending but the caller must learn the log is stuck.
        throw this.#writeError;
      }
    }
    if (this.#timer === null) this.#armTimer();
  }

  /**
   * Hands every pending byte to the OS now (a plain pwrite). Throws
   * NO_SPACE/IO_ERROR, the bytes staying pending. Safe beside an async write
   * in flight: the same bytes at the same offsets.
   */
  handOff(): void {
    if (!this.#writeSync()) throw this.#writeError!;
  }

  /** Writes and fdatasyncs everything appended, blocking; throws (after rewinding) on failure. */
  writeDurable(): void {
    this.handOff();
    const end = this.#writtenEnd;
    const records = this.#writtenRecords;
    try {
      this.#fh.fdatasync();
    } catch (e) {
      throw this.#onSyncFailure(e);
    } finally {
      this.#fdatasyncs++;
    }
    this.#synced(end, records);
  }

  /** One group-commit round: write everything appended so far, then one fdatasync. */
  async syncRound(): Promise<void> {
    const refused = this.refusal();
    if (refused !== null) throw refused;
    const target = this.appendEnd;
    while (this.#writtenEnd < target) {
      if (this.#inflight !== null) {
        await this.#inflight.done;
        continue;
      }
      // A group commit's bytes go to the page cache with a plain pwrite: a few
      // microseconds, where an async write costs a thread-pool round trip that
      // every waiter of this round would pay again before the fdatasync.
      this.#writeError = null;
      if (!this.#writeSync() && this.#writtenEnd < target) throw this.#writeError!;
    }
    if (this.#inflight !== null) await this.#inflight.done;
    const end = this.#writtenEnd;
    const records = this.#writtenRecords;
    const epoch = this.#epoch;
    try {
      await this.#fh.fdatasyncAsync();
    } catch (e) {
      this.#fdatasyncs++;
      throw epoch === this.#epoch ? this.#onSyncFailure(e) : toHoltIoError(e, this.path, 'WAL fdatasync failed');
    }
    this.#fdatasyncs++;
    if (epoch === this.#epoch) this.#synced(end, records);
  }

  /** Waits for the write in flight, cuts the preallocated zeros off and closes the file. */
  async close(): Promise<void> {
    if (this.#inflight !== null) await this.#inflight.done;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    // Cut the preallocated zeros off: a cleanly closed log ends at its last record.
    if (this.#zeroedEnd > this.#writtenEnd && this.#writtenEnd === this.appendEnd) {
      try { this.#fh.ftruncate(this.#writtenEnd); } catch { /* zeros read as a torn tail: harmless */ }
    }
    this.#closed = true;
    this.#fh.close();
  }

  // ------------------------------------------------------------ hand-off

  #armTimer(): void {
    this.#timer = setTimeout(() => this.#onTimer(), this.#flushDelayMs);
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = null;
    if (this.#closed || this.appendEnd <= this.#writtenEnd) return;
    if (this.#inflight === null) void this.#startWrite();
    else this.#armTimer();
  }

  /**
   * Make sure the file holds written zeros up to `end`, extending it by
   * PREALLOC_BYTES of zeros at a time. A failure (ENOSPC) is the write's failure.
   */
  #preallocate(end: number): void {
    if (end <= this.#zeroedEnd) return;
    const from = Math.max(this.#zeroedEnd, this.#writtenEnd);
    const to = end + PREALLOC_BYTES;
    for (let p = from; p < to; p += ZEROS.length) this.#fh.pwrite(ZEROS, p, Math.min(ZEROS.length, to - p));
    this.#zeroedEnd = to;
  }

  /** Hands every pending byte to the OS now. False (and `#writeError` set) on failure. */
  #writeSync(): boolean {
    const start = this.#writtenEnd;
    const end = this.appendEnd;
    if (end <= start) return true;
    try {
      this.#preallocate(end);
      this.#fh.pwrite(this.#buf.bytes.subarray(start - this.#bufStart, end - this.#bufStart), start);
    } catch (e) {
      this.#writeError = toHoltIoError(e, this.path, 'WAL write failed');
      return false;
    }
    this.#bytesWritten += end - start;
    this.#writtenEnd = end;
    this.#writtenRecords = this.#appendedRecords;
    this.#writeError = null;
    this.#trim();
    return true;
  }

  /** Starts the one async write of every pending byte; the promise never rejects. */
  #startWrite(): Promise<void> {
    const start = this.#writtenEnd;
    const end = this.appendEnd;
    const bytes = this.#buf.bytes;
    const view = bytes.subarray(start - this.#bufStart, end - this.#bufStart);
    const records = this.#appendedRecords;
    const epoch = this.#epoch;
    let pending: Promise<number>;
    try {
      this.#preallocate(end);
      pending = this.#fh.pwriteAsync(view, start);
    } catch (e) {
      pending = Promise.reject(e);
    }
    const done = pending.then(
      () => {
        this.#bytesWritten += end - start;
        if (epoch === this.#epoch && end > this.#writtenEnd) {
          this.#writtenEnd = end;
          this.#writtenRecords = records;
          this.#writeError = null;
        }
      },
      (e: unknown) => {
        // A synchronous rewrite may already have covered this range.
        if (end > this.#writtenEnd) this.#writeError = toHoltIoError(e, this.path, 'WAL write failed');
      },
    ).finally(() => {
      if (this.#inflight === flight) this.#inflight = null;
      this.#trim();
      if (this.appendEnd > this.#writtenEnd && this.#timer === null && !this.#closed && this.#writeError === null) {
        this.#armTimer();
      }
    });
    const flight: InflightWrite = { bytes, end, records, epoch, done };
    this.#inflight = flight;
    return done;
  }

  // ------------------------------------------------------------ fdatasync outcomes

  #synced(end: number, records: number): void {
    if (end > this.#syncedEnd) {
      this.#syncedEnd = end;
      this.#syncedRecords = records;
    }
    if (this.#bufStart <= this.#syncedEnd) this.#lostUnsynced = false;
    this.#trim();
    this.#onSynced(this.#syncedEnd);
  }

  /**
   * After a failed fdatasync the kernel may have dropped the dirty pages, so
   * everything since the last good sync is rewritten next time. If those bytes
   * are no longer in memory the tail cannot recover and fails for good.
   */
  #onSyncFailure(e: unknown): HoltError {
    const err = toHoltIoError(e, this.path, 'WAL fdatasync failed');
    if (this.#lostUnsynced || this.#bufStart > this.#syncedEnd) {
      this.#fatal = new HoltError('IO_ERROR', `WAL ${this.path} lost unsynced data after a failed fdatasync; reopen to recover`, {
        file: this.path,
        cause: err,
      });
      return this.#fatal;
    }
    this.#epoch++;
    this.#writtenEnd = this.#syncedEnd;
    this.#writtenRecords = this.#syncedRecords;
    return err;
  }

  /** Drops bytes from the front of `buf` that no longer need to stay in memory. */
  #trim(): void {
    let keepFrom = this.#syncedEnd;
    if (this.#writtenEnd - this.#syncedEnd > this.#retainBytes) {
      keepFrom = this.#writtenEnd;
      this.#lostUnsynced = true;
    }
    const n = keepFrom - this.#bufStart;
    if (n <= 0) return;
    // Only compact when worthwhile or when nothing is left to move.
    if (n < this.#buf.length && n < this.#flushBytes) return;
    if (this.#inflight !== null && this.#inflight.bytes === this.#buf.bytes) this.#buf.discardFrontInto(n);
    else this.#buf.discardFront(n);
    this.#bufStart = keepFrom;
  }
}
