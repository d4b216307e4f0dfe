/**
 * `WalWriter`: appends logical records to one WAL segment with group commit.
 *
 * The writer hands out sequence numbers and is the segment's public face;
 * the work is in two parts, each with its own state:
 * - `WalTail` (wal-tail.ts): the bytes not yet known durable and their file
 *   positions (`syncedEnd <= writtenEnd <= appendEnd`, drawn there), their
 *   hand-off to the OS and what a failed write or fdatasync leaves behind.
 * - `GroupCommit` (group-commit.ts): the `sync()` callers and the rounds of
 *   one fdatasync each that serve them.
 *
 * What a caller sees:
 * - `append` encodes straight into the tail's buffer (no syscall, no
 *   per-record allocation) and hands the bytes to the OS once `flushBytes`
 *   are pending or `flushDelayMs` has passed.
 * - `sync()` joins the current group: it resolves once an fdatasync covers
 *   everything appended before the call.
 * - A failed write keeps its bytes pending; the next `sync()` retries them.
 *   Nothing acknowledged as durable is ever lost.
 */

import { dirname } from 'node:path';
import { HoltError } from '../errors.js';
import type { FileHandle, Io } from '../io/types.js';
import { GroupCommit } from './group-commit.js';
import { toHoltIoError } from './wal-errors.js';
import { encodeWalHeader, WAL_HEADER_SIZE } from './wal-header.js';
import { seqCount, validateWalOp, type WalOp } from './wal-op.js';
import { WalTail } from './wal-tail.js';

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

const DEFAULT_FLUSH_BYTES = 64 * 1024;
const DEFAULT_FLUSH_DELAY_MS = 2;
const DEFAULT_RETAIN_BYTES = 4 * 1024 * 1024;

export class WalWriter {
  readonly path: string;
  readonly durability: WalDurability;
  readonly #tail: WalTail;
  readonly #commits: GroupCommit;
  #nextSeq: number;
  #closing: Promise<void> | null = null;

  private constructor(options: WalWriterOptions, fh: FileHandle, end: number, baseSeq: number) {
    this.path = options.path;
    this.durability = options.durability ?? 'default';
    this.#commits = new GroupCommit(this.path, () => this.#tail.syncRound());
    this.#tail = new WalTail(fh, this.path, end, {
      flushBytes: positive(options.flushBytes, DEFAULT_FLUSH_BYTES, 'flushBytes'),
      flushDelayMs: positive(options.flushDelayMs, DEFAULT_FLUSH_DELAY_MS, 'flushDelayMs'),
      retainBytes: positive(options.retainBytes, DEFAULT_RETAIN_BYTES, 'retainBytes'),
    }, (syncedEnd) => this.#commits.serve(syncedEnd));
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
    // `durability` is typed: DB.open's options are checked once, at the API edge (checkDBOptions).
    const { io, path } = options;
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
    return this.#tail.closed;
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
    this.#tail.afterAppend();
    return seq;
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
    const refused = this.#tail.refusal();
    if (refused !== null) throw refused;
    const seq = this.#nextSeq;
    if (seq > Number.MAX_SAFE_INTEGER) throw seqExhausted();
    this.#tail.appendPut(seq, treeId, key, keyLen, value, valueLen);
    this.#nextSeq = seq + 1;
    this.#tail.afterAppend();
    return seq;
  }

  /**
   * Appends `op`, writes and fdatasyncs before returning (blocking the event
   * loop for that time). On failure it throws NO_SPACE/IO_ERROR: the record
   * was not acknowledged, stays pending, and may still become durable later.
   */
  appendDurable(op: WalOp): number {
    const seq = this.#appendRecord(op);
    this.#tail.writeDurable();
    return seq;
  }

  /**
   * Hands every pending byte to the OS now (a plain pwrite, no fdatasync).
   * After it returns, a killed process can no longer lose these records, only
   * a power failure can. Throws NO_SPACE/IO_ERROR, the bytes staying pending.
   */
  handOff(): void {
    const refused = this.#tail.refusal();
    if (refused !== null) throw refused;
    this.#tail.handOff();
  }

  /**
   * Makes everything appended so far durable now, blocking (a spill's
   * write-ahead rule: frames reach the disk only after their records).
   * Nothing to do when it already is, or the segment is closed (a close
   * syncs first). Throws NO_SPACE/IO_ERROR like `appendDurable`.
   */
  syncNow(): void {
    if (this.#tail.closed) return;
    const refused = this.#tail.refusal();
    if (refused !== null) throw refused;
    if (this.#tail.appendEnd <= this.#tail.syncedEnd) return;
    this.#tail.writeDurable();
  }

  /**
   * Resolves once everything appended before the call is durable. Concurrent
   * callers share fdatasyncs. Rejects with NO_SPACE/IO_ERROR if the write or
   * fdatasync fails (the bytes stay pending; call again to retry), or CLOSED.
   */
  sync(): Promise<void> {
    const refused = this.#tail.refusal();
    if (refused !== null) return Promise.reject(refused);
    const target = this.#tail.appendEnd;
    if (target <= this.#tail.syncedEnd) return Promise.resolve();
    return this.#commits.join(target);
  }

  /** Flushes, syncs and closes the file. On failure the writer stays open so close can be retried. */
  async close(): Promise<void> {
    if (this.#tail.closed) return;
    this.#closing ??= (async () => {
      try {
        const tail = this.#tail;
        if (tail.refusal() === null && tail.appendEnd > tail.syncedEnd) await this.sync();
        await tail.close();
        this.#commits.rejectAll(new HoltError('CLOSED', `WAL ${this.path} is closed`));
      } finally {
        this.#closing = null;
      }
    })();
    return this.#closing;
  }

  stats(): WalStats {
    const t = this.#tail.counters();
    return {
      ...t,
      ...this.#commits.counters(),
      pendingRecords: t.recordsAppended - t.recordsWritten,
      walBytes: this.#tail.appendEnd,
    };
  }

  #appendRecord(op: WalOp): number {
    const refused = this.#tail.refusal();
    if (refused !== null) throw refused;
    validateWalOp(op);
    const seq = this.#nextSeq;
    const count = seqCount(op);
    // Exact in doubles (`seq + count - 1` rounds 2^53 + 1 down and would admit a batch ending at 2^53).
    if (seq - 1 > Number.MAX_SAFE_INTEGER - count) throw seqExhausted();
    this.#tail.appendRecord(seq, op);
    this.#nextSeq = seq + count;
    return seq;
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
