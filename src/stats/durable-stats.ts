/**
 * DurableStats from the parts a DurableStore owns.
 *
 * The WAL is written in segments, one WalWriter each, and a checkpoint retires
 * the writer it switches away from; a writer's counters would vanish with it.
 * `WalTotals` keeps the sum of every retired writer, so that the DB reports
 * counters since open: totals + the writer being closed + the current one.
 */
import type { CheckpointCounters } from '../db/durable-store.js';
import type { FilePager } from '../store/file-pager.js';
import type { Io } from '../io/types.js';
import type { WalStats, WalWriter } from '../wal/wal-writer.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { DurableStats, OpenStats, WalCounters } from '../api/stats.js';

/** The monotonic part of WalStats, summed over retired writers. */
export class WalTotals {
  recordsAppended = 0;
  bytesAppended = 0;
  recordsWritten = 0;
  bytesWritten = 0;
  fdatasyncs = 0;
  syncWaitersServed = 0;
  maxWaitersPerSync = 0;

  /** Fold in the final counters of a writer that takes no more appends. */
  retire(s: WalStats): void {
    this.recordsAppended += s.recordsAppended;
    this.bytesAppended += s.bytesAppended;
    this.recordsWritten += s.recordsWritten;
    this.bytesWritten += s.bytesWritten;
    this.fdatasyncs += s.fdatasyncs;
    this.syncWaitersServed += s.syncWaitersServed;
    this.maxWaitersPerSync = Math.max(this.maxWaitersPerSync, s.maxWaitersPerSync);
  }
}

export interface DurableParts {
  io: Io;
  pager: FilePager;
  /** Current writer; null when read-only. */
  wal: WalWriter | null;
  /** Writer a checkpoint is closing (its segment is not yet covered). */
  retiringWal: WalWriter | null;
  walTotals: WalTotals;
  walSegment: number;
  checkpoints: CheckpointCounters;
  open: OpenStats;
}

export function collectDurableStats(p: DurableParts): DurableStats {
  const pager = p.pager;
  const wal = p.wal === null ? null : walCounters(p);
  const c = pager.cacheCounters;
  const pool = pager.poolStats();
  const resident = pager.cache.residentCount;
  return {
    io: p.io.kind,
    direct: pager.data.direct,
    cache: {
      residentFrames: resident,
      residentBytes: resident * FRAME_SIZE,
      budgetFrames: pool.capacity,
      budgetBytes: pool.capacity * FRAME_SIZE,
      hits: c.point.hits + c.scan.hits,
      misses: c.point.misses + c.scan.misses,
      evictions: c.evictions,
      bytesRead: c.point.bytesRead + c.scan.bytesRead,
      point: { ...c.point },
      scan: { ...c.scan },
      admissionProtections: c.admissionProtections,
      routeAnchorFrames: pager.cache.anchorCount,
      anchorDemotions: c.anchorDemotions,
      poolBuffers: pool.allocated,
      poolFreeBuffers: pool.free,
      overdraftBuffers: pool.overdraft,
      overdraftsTotal: pool.overdraftsTotal,
      dirtyFrames: pager.dirtyFrames,
      inflightFrames: pager.inflightFrames,
      rssBytes: process.memoryUsage.rss(),
    },
    wal,
    walSegment: p.walSegment,
    checkpoint: {
      attempted: p.checkpoints.attempted,
      succeeded: p.checkpoints.succeeded,
      failed: p.checkpoints.failed,
      framesWritten: p.checkpoints.framesWritten,
      bytesWritten: p.checkpoints.bytesWritten,
      lastRoundMillis: p.checkpoints.lastRoundMillis,
      walSegmentsDeleted: p.checkpoints.walSegmentsDeleted,
      lastError: p.checkpoints.lastError,
      debt: { dirtyFrames: pager.dirtyFrames, dirtyBytes: pager.dirtyFrames * FRAME_SIZE, walBytes: wal?.walBytes ?? 0 },
    },
    open: { ...p.open },
    disk: {
      bytesRead: c.point.bytesRead + c.scan.bytesRead,
      frameReads: c.point.misses + c.scan.misses,
      dataBytesWritten: p.checkpoints.bytesWritten,
      walBytesWritten: wal?.bytesWritten ?? 0,
    },
  };
}

function walCounters(p: DurableParts): WalCounters {
  const t = p.walTotals;
  const out: WalCounters = {
    segment: p.walSegment,
    recordsAppended: t.recordsAppended,
    bytesAppended: t.bytesAppended,
    recordsWritten: t.recordsWritten,
    bytesWritten: t.bytesWritten,
    fdatasyncs: t.fdatasyncs,
    syncWaitersServed: t.syncWaitersServed,
    maxWaitersPerSync: t.maxWaitersPerSync,
    pendingRecords: 0,
    walBytes: 0,
  };
  for (const w of [p.retiringWal, p.wal]) {
    if (w === null) continue;
    const s = w.stats();
    out.recordsAppended += s.recordsAppended;
    out.bytesAppended += s.bytesAppended;
    out.recordsWritten += s.recordsWritten;
    out.bytesWritten += s.bytesWritten;
    out.fdatasyncs += s.fdatasyncs;
    out.syncWaitersServed += s.syncWaitersServed;
    out.maxWaitersPerSync = Math.max(out.maxWaitersPerSync, s.maxWaitersPerSync);
    out.pendingRecords += s.pendingRecords;
    out.walBytes += s.walBytes;
  }
  return out;
}
