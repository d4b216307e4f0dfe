/**
 * Replay: read every record of a WAL segment in order and hand it to a
 * callback. DB open replays every live segment this way, read-only: a torn
 * tail is reported (`tornTailBytes`, `zeroTailBytes`) and left in place,
 * because appends always go to a new segment (WalWriter.open) and the old one
 * is deleted once a checkpoint covers it.
 */

import type { FileHandle, Io } from '../io/types.js';
import type { WalRecord } from './wal-op.js';
import { WalReader, type WalReaderOptions, type WalScanSummary } from './wal-reader.js';
import { toHoltIoError } from './wal-errors.js';

export interface WalReplayResult extends WalScanSummary {
  /** Wall time of the scan, callback included. */
  replayMillis: number;
}

/** Segments replayed, summed: what opening a DB found (public as OpenStats). */
export interface ReplayCounters {
  replayRecords: number;
  /** Wall time of the whole replay (set by whoever replays, not by `countReplayed`). */
  replayMillis: number;
  /** Torn bytes found at the end of WAL segments (recovered silently). */
  tornTailBytes: number;
  /** Preallocated zeros a crash left after the last record of WAL segments (not torn data). */
  zeroTailBytes: number;
  segmentsReplayed: number;
}

/** All zero. */
export function newReplayCounters(): ReplayCounters {
  return { replayRecords: 0, replayMillis: 0, tornTailBytes: 0, zeroTailBytes: 0, segmentsReplayed: 0 };
}

/**
 * Count one replayed segment into `into`; returns the highest sequence number
 * the segment names (its base when it holds no record), for the caller's
 * high-water mark. Zeros past the last record are the WAL's preallocation,
 * left by a crash: counted apart from the torn bytes.
 */
export function countReplayed(into: ReplayCounters, r: WalScanSummary): number {
  into.segmentsReplayed++;
  into.replayRecords += r.records;
  into.tornTailBytes += r.tornTailBytes - r.zeroTailBytes;
  into.zeroTailBytes += r.zeroTailBytes;
  return Math.max(r.lastSeq, r.baseSeq);
}

/**
 * Reads `handle` front to back, calling `onRecord` for each complete record.
 * Records at or below the manifest's high-water mark are already in the
 * checkpoint; redoing them is harmless because redo is idempotent.
 * Throws CORRUPT on damage; whatever `onRecord` throws propagates unchanged.
 * `options` (see WalReader): `liveTail` beside a live writer, `from` to
 * resume where an earlier scan ended, `borrow` when `onRecord` is done with
 * each record's bytes before it returns.
 */
export function replayHandle(handle: FileHandle, onRecord?: (record: WalRecord) => void, options: WalReaderOptions = {}): WalReplayResult {
  const t0 = performance.now();
  const reader = new WalReader(handle, options);
  const records = reader.records();
  for (;;) {
    let step: IteratorResult<WalRecord, WalScanSummary>;
    try {
      step = records.next();
    } catch (e) {
      throw toHoltIoError(e, handle.path, 'WAL read failed');
    }
    if (step.done === true) break;
    onRecord?.(step.value);
  }
  return { ...reader.summary, replayMillis: performance.now() - t0 };
}

/**
 * Opens `path` read-only, replays it, closes it. Never modifies the file.
 * `liveTail`: a writer may be appending (see WalReader): stop at the first
 * record that does not decode instead of throwing CORRUPT. `borrow`: records
 * are views into the read window (see WalReader).
 */
export function replayWal(options: { io: Io; path: string; onRecord?: (record: WalRecord) => void; liveTail?: boolean; borrow?: boolean }): WalReplayResult {
  let handle: FileHandle;
  try {
    handle = options.io.open(options.path, { readOnly: true });
  } catch (e) {
    throw toHoltIoError(e, options.path);
  }
  try {
    return replayHandle(handle, options.onRecord, { liveTail: options.liveTail === true, borrow: options.borrow === true });
  } finally {
    handle.close();
  }
}
