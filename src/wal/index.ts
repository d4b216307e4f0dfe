/** The write-ahead log: record codec, writer with group commit, reader and replay. */
export { GrowableBuffer } from './growable-buffer.js';
export { decodeRecord, encodeRecord, MAX_RECORD_BYTES, recordSize } from './record-codec.js';
export type { DecodeResult, RecordDefect } from './record-codec.js';
export { replayHandle, replayWal } from './replay.js';
export type { WalReplayResult } from './replay.js';
export { decodeWalHeader, encodeWalHeader, WAL_HEADER_SIZE } from './wal-header.js';
export type { WalHeader } from './wal-header.js';
export { seqCount, validateWalOp } from './wal-op.js';
export type { WalBatch, WalDelete, WalOp, WalPut, WalRecord, WalRename, WalSingleOp } from './wal-op.js';
export { WalReader } from './wal-reader.js';
export type { WalScanSummary } from './wal-reader.js';
export { WalTotals } from './wal-totals.js';
export { WalWriter } from './wal-writer.js';
export type { WalDurability, WalStats, WalWriterOptions } from './wal-writer.js';
