/**
 * `WalWriter`: appends logical records to the WAL with group commit.
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
 * - `append` encodes straight into `buf` (no syscall, no per-record allocation).
 * - Hand-off to the OS: a synchronous pwrite once the pending bytes reach
 *   `flushBytes`, or an async pwrite when the `flushDelayMs` timer fires.
 *   At most one async write is in flight. A synchronous write may overlap it:
 *   it rewrites the in-flight range with the same bytes at the same offsets,
 *   which is harmless, and `buf` is never modified under an in-flight write.
 * - `sync()` joins the current group: one round writes everything appended so
 *   far, then runs one fdatasync, then resolves every waiter whose bytes were
 *   in the OS before that fdatasync started. Callers arriving while an
 *   fdatasync runs are served by the next round.
 * - Bytes handed to the OS stay in `buf` until an fdatasync covers them (up to
 *   `retainBytes`), so a failed fdatasync (whose dirty pages the kernel may
 *   have dropped) can be retried by rewriting them. If more than `retainBytes`
 *   were dropped before a failed fdatasync, the writer fails for good.
 * - A failed write keeps its bytes pending; the next `sync()` retries them.
 *   Nothing acknowledged as durable is ever lost.
 */

import { dirname } from 'node:path';
import { HoltError } from '../errors.js';
import type { FileHandle, Io } from '../io/types.js';
import { GrowableBuffer } from './growable-buffer.js';
import { encodePutRecord, encodeRecord } from './record-codec.js';
import { toHoltIoError } from './wal-errors.js';
import { encodeWalHeader, WAL_HEADER_SIZE } from './wal-header.js';
import { seqCount, validateWalOp, type WalOp } from './wal-op.js';

/** 'default': durable at `sync()`; 'sync': every append is durable before it returns. */
export type WalDurability = 'default' | 'sync';

export interface WalWriterOptions {
  io: Io;
  path: string;
  durability?: WalDurability;
  /** Pending bytes that trigger a synchronous hand-off to the OS. Default 64 KiB. */
  flushBytes?: number;
  /** Longest a record waits in this process before an async hand-off. Default 2 ms. */
  flushDelayMs?: number;
  /** Handed-off bytes kept for rewrite until an fdatasync covers them. Default 4 MiB. */
  retainBytes?: number;
  /**
   * Version high-water mark written into the header: the first append gets
   * `initialBaseSeq + 1`. Lets a new log segment continue the sequence of the
   * one before it.
   */
  initialBaseSeq?: number;
}

export interface WalStats {
  recordsAppended: number;
  bytesAppended: number;
  /** Records handed to the OS (a rewrite after a failed fdatasync does not count twice). */
  recordsWritten: number;
  /** Bytes passed to pwrite, rewrites included. */
  bytesWritten: number;
  fdatasyncs: number;
  /** `sync()` calls resolved by an fdatasync, in total. */
  syncWaitersServed: number;
  /** Most `sync()` callers one fdatasync resolved. */
  maxWaitersPerSync: number;
  /** Records appended but not yet handed to the OS. */
  pendingRecords: number;
  /** Size the file has once everything pending is written. */
  walBytes: number;
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (e: HoltError) => void;
}

interface InflightWrite {
  bytes: Uint8Array;
  end: number;
  records: number;
  epoch: number;
  done: Promise<void>;
}

const DEFAULT_FLUSH_BYTES = 64 * 1024;
const DEFAULT_FLUSH_DELAY_MS = 2;
const DEFAULT_RETAIN_BYTES = 4 * 1024 * 1024;
const MAX_PENDING_ON_ERROR = 16 * 1024 * 1024;

/** Zeros written ahead of the log tail at a time (see #zeroedEnd). */
const PREALLOC_BYTES = 4 * 1024 * 1024;
const ZEROS = new Uint8Array(1024 * 1024);

export class WalWriter {
  readonly path: string;
  readonly durability: WalDurability;
  readonly #fh: FileHandle;
  readonly #flushBytes: number;
  readonly #flushDelayMs: number;
  readonly #retainBytes: number;
  /** While hand-offs fail, appends keep buffering up to this many bytes, then throw. */
  readonly #maxPendingOnError: number;

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
  #nextSeq: number;

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
  #waiters: Waiter[] = [];
  #roundRunning = false;
  #closed = false;
  #closing: Promise<void> | null = null;

  #stats = {
    bytesAppended: 0,
    bytesWritten: 0,
    fdatasyncs: 0,
    syncWaitersServed: 0,
    maxWaitersPerSync: 0,
  };

  private constructor(options: WalWriterOptions, fh: FileHandle, end: number, baseSeq: number) {
    this.path = options.path;
    this.durability = options.durability ?? 'default';
    this.#fh = fh;
    this.#flushBytes = positive(options.flushBytes, DEFAULT_FLUSH_BYTES, 'flushBytes');
    this.#flushDelayMs = positive(options.flushDelayMs, DEFAULT_FLUSH_DELAY_MS, 'flushDelayMs');
    this.#retainBytes = positive(options.retainBytes, DEFAULT_RETAIN_BYTES, 'retainBytes');
    this.#maxPendingOnError = Math.max(MAX_PENDING_ON_ERROR, this.#flushBytes * 4);
    this.#buf = new GrowableBuffer(this.#flushBytes * 2);
    this.#bufStart = end;
    this.#writtenEnd = end;
    this.#syncedEnd = end;
    this.#zeroedEnd = end;
    this.#nextSeq = baseSeq + 1;
  }

  /**
   * Creates the WAL segment at `options.path`, writes its header (base
   * `initialBaseSeq`) and makes it durable, and returns a writer positioned
   * after the header. A segment is written by one writer, once: replay at DB
   * open reads old segments read-only (replay.ts), and appends always go to a
   * new one. A file left at the path by a creation that failed (no records
   * yet, at most a header) is started over; one holding records is refused
   * with INTERNAL. Throws IO_ERROR/NO_SPACE on I/O failure.
   */
  static open(options: WalWriterOptions): WalWriter {
    const { io, path } = options;
    if (options.durability !== undefined && options.durability !== 'default' && options.durability !== 'sync') {
      throw new HoltError('INVALID_ARGUMENT', `unknown WAL durability ${String(options.durability)}`);
    }
    let fh: FileHandle;
    try {
      fh = io.open(path, { create: true });
    } catch (e) {
      throw toHoltIoError(e, path, 'cannot open WAL');
    }
    try {
      const baseSeq = options.initialBaseSeq ?? 0;
      try {
        const size = fh.size();
        if (size > WAL_HEADER_SIZE) throw new HoltError('INTERNAL', `WAL segment ${path} already holds records; a segment is never reopened for writing`, { file: path });
        if (size > 0) fh.ftruncate(0);
        fh.pwrite(encodeWalHeader({ baseSeq, createdAtMs: Date.now() }), 0);
        fh.fdatasync();
        io.fsyncDir(dirname(path));
      } catch (e) {
        if (e instanceof HoltError) throw e;
        throw toHoltIoError(e, path, 'cannot prepare WAL');
      }
      return new WalWriter(options, fh, WAL_HEADER_SIZE, baseSeq);
    } catch (e) {
      fh.close();
      throw e;
    }
  }

  /** The seq the next appended op gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Appends `op` to the pending buffer and returns its seq (a batch of n ops
   * takes n consecutive seqs and returns the first). No syscall unless the
   * pending bytes cross `flushBytes`. Durable only after a later `sync()`
   * resolves, except in 'sync' durability, where this is `appendDurable`.
   * Throws RECORD_TOO_LARGE / INVALID_ARGUMENT with nothing appended.
   */
  append(op: WalOp): number {
    if (this.durability === 'sync') return this.appendDurable(op);
    const seq = this.#appendRecord(op);
    this.#afterAppend();
    return seq;
  }

  /** Hand the pending bytes to the OS once they pass `flushBytes`; arm the hand-off timer. */
  #afterAppend(): void {
    const unwritten = this.#appendEnd - this.#writtenEnd;
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
   * `append({ type: 'put', treeId, key, value })` for the first `keyLen` /
   * `valueLen` bytes of the given arrays, without building the op: the hot
   * write path. Same record, same rules.
   */
  appendPut(treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number {
    if (this.durability === 'sync') {
      return this.appendDurable({ type: 'put', treeId, key: key.subarray(0, keyLen), value: value.subarray(0, valueLen) });
    }
    const refused = this.#refusal();
    if (refused !== null) throw refused;
    const seq = this.#nextSeq;
    if (seq > Number.MAX_SAFE_INTEGER) throw seqExhausted();
    const size = encodePutRecord(this.#buf, seq, treeId, key, keyLen, value, valueLen);
    this.#nextSeq = seq + 1;
    this.#appendedRecords++;
    this.#stats.bytesAppended += size;
    this.#afterAppend();
    return seq;
  }

  /**
   * Appends `op`, writes and fdatasyncs before returning (blocking the event
   * loop for that time). On failure it throws NO_SPACE/IO_ERROR: the record
   * was not acknowledged, stays pending, and may still become durable later.
   */
  appendDurable(op: WalOp): number {
    const seq = this.#appendRecord(op);
    if (!this.#writeSync()) throw this.#writeError!;
    this.#syncNow();
    return seq;
  }

  /**
   * Hands every pending byte to the OS now (a plain pwrite, no fdatasync).
   * After it returns, a killed process can no longer lose these records, only
   * a power failure can. Throws NO_SPACE/IO_ERROR, the bytes staying pending.
   */
  handOff(): void {
    const refused = this.#refusal();
    if (refused !== null) throw refused;
    // Safe beside an async write in flight: the same bytes at the same offsets.
    if (!this.#writeSync()) throw this.#writeError!;
  }

  /**
   * Resolves once everything appended before the call is durable. Concurrent
   * callers share fdatasyncs. Rejects with NO_SPACE/IO_ERROR if the write or
   * fdatasync fails (the bytes stay pending; call again to retry), or CLOSED.
   */
  sync(): Promise<void> {
    const refused = this.#refusal();
    if (refused !== null) return Promise.reject(refused);
    const target = this.#appendEnd;
    if (target <= this.#syncedEnd) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ target, resolve, reject });
      if (!this.#roundRunning) {
        this.#roundRunning = true;
        // Start on a microtask so every caller in this tick joins the first round.
        queueMicrotask(() => void this.#runRounds());
      }
    });
  }

  /** Flushes, syncs and closes the file. On failure the writer stays open so close can be retried. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing ??= (async () => {
      try {
        if (this.#fatal === null && this.#appendEnd > this.#syncedEnd) await this.sync();
        if (this.#inflight !== null) await this.#inflight.done;
        if (this.#timer !== null) clearTimeout(this.#timer);
        this.#timer = null;
        // Cut the preallocated zeros off: a cleanly closed log ends at its last record.
        if (this.#zeroedEnd > this.#writtenEnd && this.#writtenEnd === this.#appendEnd) {
          try { this.#fh.ftruncate(this.#writtenEnd); } catch { /* zeros read as a torn tail: harmless */ }
        }
        this.#closed = true;
        this.#fh.close();
        const closedError = new HoltError('CLOSED', `WAL ${this.path} is closed`);
        for (const w of this.#waiters.splice(0)) w.reject(closedError);
      } finally {
        this.#closing = null;
      }
    })();
    return this.#closing;
  }

  stats(): WalStats {
    const s = this.#stats;
    return {
      recordsAppended: this.#appendedRecords,
      bytesAppended: s.bytesAppended,
      recordsWritten: this.#writtenRecords,
      bytesWritten: s.bytesWritten,
      fdatasyncs: s.fdatasyncs,
      syncWaitersServed: s.syncWaitersServed,
      maxWaitersPerSync: s.maxWaitersPerSync,
      pendingRecords: this.#appendedRecords - this.#writtenRecords,
      walBytes: this.#appendEnd,
    };
  }

  // ------------------------------------------------------------ internals

  get #appendEnd(): number {
    return this.#bufStart + this.#buf.length;
  }

  #refusal(): HoltError | null {
    if (this.#closed) return new HoltError('CLOSED', `WAL ${this.path} is closed`);
    return this.#fatal;
  }

  #appendRecord(op: WalOp): number {
    const refused = this.#refusal();
    if (refused !== null) throw refused;
    validateWalOp(op);
    const seq = this.#nextSeq;
    const count = seqCount(op);
    // Exact in doubles (`seq + count - 1` rounds 2^53 + 1 down and would admit a batch ending at 2^53).
    if (seq - 1 > Number.MAX_SAFE_INTEGER - count) throw seqExhausted();
    const size = encodeRecord(this.#buf, seq, op);
    this.#nextSeq = seq + count;
    this.#appendedRecords++;
    this.#stats.bytesAppended += size;
    return seq;
  }

  #armTimer(): void {
    this.#timer = setTimeout(() => this.#onTimer(), this.#flushDelayMs);
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = null;
    if (this.#closed || this.#appendEnd <= this.#writtenEnd) return;
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
    const end = this.#appendEnd;
    if (end <= start) return true;
    try {
      this.#preallocate(end);
      this.#fh.pwrite(this.#buf.bytes.subarray(start - this.#bufStart, end - this.#bufStart), start);
    } catch (e) {
      this.#writeError = toHoltIoError(e, this.path, 'WAL write failed');
      return false;
    }
    this.#stats.bytesWritten += end - start;
    this.#writtenEnd = end;
    this.#writtenRecords = this.#appendedRecords;
    this.#writeError = null;
    this.#trim();
    return true;
  }

  /** Starts the one async write of every pending byte; the promise never rejects. */
  #startWrite(): Promise<void> {
    const start = this.#writtenEnd;
    const end = this.#appendEnd;
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
        this.#stats.bytesWritten += end - start;
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
      if (this.#appendEnd > this.#writtenEnd && this.#timer === null && !this.#closed && this.#writeError === null) {
        this.#armTimer();
      }
    });
    const flight: InflightWrite = { bytes, end, records, epoch, done };
    this.#inflight = flight;
    return done;
  }

  /** Synchronous fdatasync of everything written; throws on failure after rewinding. */
  #syncNow(): void {
    const end = this.#writtenEnd;
    const records = this.#writtenRecords;
    try {
      this.#fh.fdatasync();
    } catch (e) {
      throw this.#onSyncFailure(e);
    } finally {
      this.#stats.fdatasyncs++;
    }
    this.#onSynced(end, records);
  }

  #onSynced(end: number, records: number): void {
    if (end > this.#syncedEnd) {
      this.#syncedEnd = end;
      this.#syncedRecords = records;
    }
    if (this.#bufStart <= this.#syncedEnd) this.#lostUnsynced = false;
    this.#trim();
    let served = 0;
    const kept: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.target <= this.#syncedEnd) {
        served++;
        w.resolve();
      } else {
        kept.push(w);
      }
    }
    this.#waiters = kept;
    this.#stats.syncWaitersServed += served;
    if (served > this.#stats.maxWaitersPerSync) this.#stats.maxWaitersPerSync = served;
  }

  /**
   * After a failed fdatasync the kernel may have dropped the dirty pages, so
   * everything since the last good sync is rewritten next time. If those bytes
   * are no longer in memory the writer cannot recover and fails for good.
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

  async #runRounds(): Promise<void> {
    try {
      while (this.#waiters.length > 0) await this.#flushAndSync();
    } catch (e) {
      const err = e instanceof HoltError ? e : toHoltIoError(e, this.path);
      for (const w of this.#waiters.splice(0)) w.reject(err);
    } finally {
      this.#roundRunning = false;
    }
  }

  /** One group-commit round: write everything appended so far, then one fdatasync. */
  async #flushAndSync(): Promise<void> {
    const refused = this.#refusal();
    if (refused !== null) throw refused;
    const target = this.#appendEnd;
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
      this.#stats.fdatasyncs++;
      throw epoch === this.#epoch ? this.#onSyncFailure(e) : toHoltIoError(e, this.path, 'WAL fdatasync failed');
    }
    this.#stats.fdatasyncs++;
    if (epoch === this.#epoch) this.#onSynced(end, records);
  }
}

function seqExhausted(): HoltError {
  return new HoltError('INTERNAL', 'WAL sequence space exhausted');
}

function positive(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new HoltError('INVALID_ARGUMENT', `WAL option ${name} must be a positive number`);
  }
  return v;
}
