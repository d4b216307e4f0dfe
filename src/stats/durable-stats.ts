/**
 * DurableStats from the parts a DurableStore owns: the WAL counters are
 * totals (wal-totals.ts) + the writer being closed + the current one, so the
 * DB reports counters since open across segments.
 */
import type { FilePager } from '../store/file-pager.js';
import type { Io } from '../io/types.js';
import { runtimeLabel } from '../io/runtime.js';
import type { WalWriter } from '../wal/wal-writer.js';
import { addWalStats, type WalTotals } from '../wal/wal-totals.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { CheckpointStats, DurableStats, OpenStats, WalCounters } from '../api/stats.js';

export interface DurableParts {
  io: Io;
  ioReason: string;
  pager: FilePager;
  /** Current writer; null when read-only. */
  wal: WalWriter | null;
  /** Writer a checkpoint is closing (its segment is not yet covered). */
  retiringWal: WalWriter | null;
  walTotals: WalTotals;
  walSegment: number;
  /** The store's running checkpoint counters (its CheckpointCounters): the debt is computed here. */
  checkpoints: Omit<CheckpointStats, 'debt'>;
  open: OpenStats;
  /** The manifest generation a reader reads; null for the writer. */
  readerGeneration: number | null;
  /** A reader's refreshes so far. */
  refreshes: { catchUps: number; reloads: number; recordsApplied: number; framesInherited: number; rebases: number };
}

export function collectDurableStats(p: DurableParts): DurableStats {
  const pager = p.pager;
  const wal = p.wal === null ? null : walCounters(p);
  const c = pager.cacheCounters;
  const pool = pager.poolStats();
  const resident = pager.cache.residentCount;
  return {
    io: p.io.kind,
    ioBackend: p.io.backend,
    ioReason: p.ioReason,
    runtime: runtimeLabel(),
    direct: pager.data.direct,
    cache: {
      residentFrames: resident,
      residentBytes: resident * FRAME_SIZE,
      budgetFrames: pool.capacity,
      budgetBytes: pool.capacity * FRAME_SIZE,
      hits: c.point.hits + c.scan.hits,
      misses: c.point.misses + c.scan.misses,
      evictions: c.evictions,
      bytesRead: c.point.bytesRead + c.scan.bytesRead + pager.coldReads.pageBytesRead,
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
      coldReads: { ...pager.coldReads },
      pageCachePages: pager.pages.capacity,
      pageCacheResident: pager.pages.size,
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
    readers: {
      generation: p.readerGeneration,
      retainedSlots: p.readerGeneration === null ? pager.retiredSlots : 0,
      catchUps: p.refreshes.catchUps,
      reloads: p.refreshes.reloads,
      recordsApplied: p.refreshes.recordsApplied,
      framesInherited: p.refreshes.framesInherited,
      rebases: p.refreshes.rebases,
    },
    disk: {
      bytesRead: c.point.bytesRead + c.scan.bytesRead + pager.coldReads.pageBytesRead,
      frameReads: c.point.misses + c.scan.misses,
      dataBytesWritten: p.checkpoints.bytesWritten,
      walBytesWritten: wal?.bytesWritten ?? 0,
    },
  };
}

function walCounters(p: DurableParts): WalCounters {
  const out: WalCounters = { segment: p.walSegment, ...p.walTotals, pendingRecords: 0, walBytes: 0 };
  for (const w of [p.retiringWal, p.wal]) {
    if (w === null) continue;
    const s = w.stats();
    addWalStats(out, s);
    out.pendingRecords += s.pendingRecords;
    out.walBytes += s.walBytes;
  }
  return out;
}
