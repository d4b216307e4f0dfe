/**
 * WalTotals: WAL counters that outlive a segment.
 *
 * The WAL is written in segments, one WalWriter each, and a checkpoint retires
 * the writer it switches away from; that writer's counters would vanish with
 * it. The store keeps the sum of every retired writer here, so that stats can
 * report counters since open: totals + the writer being closed + the current
 * one (stats/durable-stats.ts).
 */
import type { WalStats } from './wal-writer.js';

/** The counters of WalStats that only grow: what can be summed over writers. */
export type MonotonicWalStats = Pick<WalStats,
  'recordsAppended' | 'bytesAppended' | 'recordsWritten' | 'bytesWritten' | 'fdatasyncs' | 'syncWaitersServed' | 'maxWaitersPerSync'>;

/** Add `s` into `into`; `maxWaitersPerSync` keeps the larger. */
export function addWalStats(into: MonotonicWalStats, s: MonotonicWalStats): void {
  into.recordsAppended += s.recordsAppended;
  into.bytesAppended += s.bytesAppended;
  into.recordsWritten += s.recordsWritten;
  into.bytesWritten += s.bytesWritten;
  into.fdatasyncs += s.fdatasyncs;
  into.syncWaitersServed += s.syncWaitersServed;
  into.maxWaitersPerSync = Math.max(into.maxWaitersPerSync, s.maxWaitersPerSync);
}

/** The monotonic part of WalStats, summed over retired writers. */
export class WalTotals implements MonotonicWalStats {
  recordsAppended = 0;
  bytesAppended = 0;
  recordsWritten = 0;
  bytesWritten = 0;
  fdatasyncs = 0;
  syncWaitersServed = 0;
  maxWaitersPerSync = 0;

  /** Fold in the final counters of a writer that takes no more appends. */
  retire(s: WalStats): void {
    addWalStats(this, s);
  }
}
