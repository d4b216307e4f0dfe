/**
 * Holt: an embedded persistent Adaptive Radix Tree engine for path-shaped keys.
 */
export { DB } from './api/db.js';
export { Tree } from './api/tree.js';
export type { Snapshot } from './api/snapshot.js';
export { HoltError, isHoltError } from './errors.js';
export type { HoltErrorCode, HoltErrorDetails } from './errors.js';
export type {
  Bytes, Decoded, DecodedField, Encoding, EncodingOptions, GetOptions, HoltRecord, RenameOptions, ScanEntry, ScanKeyEntry, ScanOptions,
  ScanPrefixEntry,
} from './api/types.js';
export type { AtomicBatch, AtomicBatchTree } from './api/atomic-batch.js';
export type { AtomicFailure, AtomicResult } from './shapes/batch.js';
export type { DBOptions } from './shapes/options.js';
export type { VerifyReport } from './art/verify.js';
export type { ScanIterator } from './art/scan.js';
export { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './layout/leaf.js';
export type {
  CacheAccessStats, CacheStats, CheckpointDebt, CheckpointStats, ColdReadStats, DBStats, DiskStats, DurableStats, NodeCounts, SpillStats,
  OpenStats, RatioSummary, ReaderStats, SnapshotStats, TreeCounters, TreeInfo, TreeShape, TreeStats, WalCounters,
} from './shapes/stats.js';
export { toPrometheus } from './stats/prometheus.js';
export { collectAllTreeStats } from './stats/db-stats.js';
