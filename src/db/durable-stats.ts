/**
 * DurableStats from the parts a DurableStore owns: the WAL counters are
 * totals (wal-totals.ts) + the writer being closed + the current one, so the
 * DB reports counters since open across segments. A reader adds its refresh
 * counters (reader-follow.ts).
 */
import { runtimeLabel } from '../io/runtime.js';
import { addWalStats } from '../wal/wal-totals.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { DurableStats, WalCounters } from '../shapes/stats.js';
import type { DurableStore } from './durable-store.js';
import { newRefreshCounters, type RefreshCounters } from './reader-follow.js';

/** `db.stats().durable` of a DB that reads and writes through `store`; `refreshes`: a reader's. */
export function collectDurableStats(store: DurableStore, refreshes: RefreshCounters = newRefreshCounters()): DurableStats {
  const pager = store.pager;
  const wal = store.segments.current === null ? null : walCounters(store);
  const checkpoints = store.checkpointer.counters;
  const readerGeneration = store.readOnly ? store.generation : null;
  const c = pager.cacheCounters;
  const pool = pager.poolStats();
  const resident = pager.cache.residentCount;
  return {
    io: store.io.kind,
    ioBackend: store.io.backend,
    ioReason: store.ioReason,
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
      anchorFrames: pager.cache.anchorFrames,
      anchorDemotions: c.anchorDemotions,
      framesPromoted: c.framesPromoted,
      framesToPages: c.framesToPages,
      poolBuffers: pool.allocated,
      poolFreeBuffers: pool.free,
      overdraftBuffers: pool.overdraft,
      overdraftsTotal: pool.overdraftsTotal,
      dirtyFrames: pager.dirtyFrames,
      inflightFrames: pager.inflightFrames,
      coldReads: { ...pager.coldReads },
      pageCachePages: pager.pages.capacity,
      pageCacheResident: pager.pages.size,
      pageCacheChunks: pager.pages.chunkCount,
      pageEvictions: pager.pages.counters.evictions,
      leafPagesDeferred: pager.pages.counters.leafPagesDeferred,
      pageChunksReleased: pager.pages.counters.chunksReleased,
      rssBytes: process.memoryUsage.rss(),
    },
    wal,
    walSegment: store.segments.number,
    checkpoint: {
      ...checkpoints,
      debt: { dirtyFrames: pager.dirtyFrames, dirtyBytes: pager.dirtyFrames * FRAME_SIZE, walBytes: wal?.walBytes ?? 0 },
    },
    spill: pager.spillCounters,
    open: { ...store.open },
    readers: {
      generation: readerGeneration,
      retainedSlots: readerGeneration === null ? pager.retiredSlots : 0,
      ...refreshes,
    },
    disk: {
      bytesRead: c.point.bytesRead + c.scan.bytesRead + pager.coldReads.pageBytesRead,
      frameReads: c.point.misses + c.scan.misses,
      dataBytesWritten: checkpoints.bytesWritten + pager.spillCounters.bytesWritten,
      walBytesWritten: wal?.bytesWritten ?? 0,
    },
  };
}

function walCounters(store: DurableStore): WalCounters {
  const segments = store.segments;
  const out: WalCounters = { segment: segments.number, ...segments.totals, pendingRecords: 0, walBytes: 0 };
  for (const w of [segments.retiring, segments.current]) {
    if (w === null) continue;
    const s = w.stats();
    addWalStats(out, s);
    out.pendingRecords += s.pendingRecords;
    out.walBytes += s.walBytes;
  }
  return out;
}
