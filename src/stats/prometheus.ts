/**
 * toPrometheus(): DBStats (and optionally tree shapes) in the Prometheus text
 * exposition format (version 0.0.4), ready to serve at `/metrics`.
 *
 * Every family gets `# HELP` and `# TYPE` lines before its samples. Names
 * start with `holt_`; counters end in `_total`; sizes are `_bytes`, durations
 * `_seconds`. Per-tree series carry a `tree="name"` label (values escaped as
 * the format requires). Counters restart at zero when the DB is reopened,
 * which Prometheus' rate() treats as a counter reset.
 *
 * | family                                   | type    | from                          |
 * |------------------------------------------|---------|-------------------------------|
 * | holt_trees, holt_frames                  | gauge   | DBStats                       |
 * | holt_tree_keys{tree}                     | gauge   | trees[].keys                  |
 * | holt_tree_{mutations,spillovers,compactions,merges,frames_released}_total{tree} | counter | trees[] |
 * | holt_io_info{kind,backend,direct}        | gauge   | durable.io, .ioBackend, .direct |
 * | holt_io_read_bytes_total, holt_io_frame_reads_total, holt_io_written_bytes_total{file} | counter | durable.disk |
 * | holt_cache_{hits,misses,evictions}_total | counter | durable.cache                 |
 * | holt_cache_{resident,budget,dirty,inflight}_frames, holt_cache_resident_bytes | gauge | durable.cache |
 * | holt_cache_class_{hits,misses,read_bytes}_total{class}, holt_cache_{admission_protections,anchor_demotions,overdrafts}_total | counter | durable.cache |
 * | holt_cache_{route_anchor_frames,budget_bytes}, holt_cache_pool_buffers{state}, holt_page_cache_pages{state}, holt_process_resident_bytes | gauge | durable.cache |
 * | holt_cold_read_{probes,page_reads,bytes,page_hits,fallbacks}_total | counter | durable.cache.coldReads |
 * | holt_wal_*_total                         | counter | durable.wal                   |
 * | holt_wal_{segment,pending_records,size_bytes,max_waiters_per_sync} | gauge | durable.wal |
 * | holt_open_wal_*                          | gauge   | durable.open                  |
 * | holt_checkpoint_*_total                  | counter | durable.checkpoint            |
 * | holt_checkpoint_last_round_duration_seconds, holt_checkpoint_debt_* | gauge | durable.checkpoint |
 * | holt_spill_{runs,frames,written_bytes,frames_published,slots_discarded,failed}_total, holt_spill_duration_seconds_total | counter | durable.spill |
 * | holt_spill_unpublished_frames            | gauge   | durable.spill                 |
 * | holt_tree_shape_*{tree}, holt_tree_nodes{tree,type}, holt_tree_fill_ratio{tree,stat} | gauge | `shapes` |
 */
import type { DBStats, NodeCounts, TreeStats } from '../shapes/stats.js';
import { describe, invalidArgument, isRecord } from '../errors.js';

type Labels = Readonly<Record<string, string>>;
type Sample = readonly [labels: Labels, value: number];

/** Render `stats`, plus shape gauges for each entry of `shapes` (from `tree.stats()`). */
export function toPrometheus(stats: DBStats, shapes: readonly TreeStats[] = []): string {
  checkInput(stats, shapes);
  const out = new Exposition();
  out.gauge('holt_trees', 'Live trees.', [[{}, stats.trees.length]]);
  out.gauge('holt_frames', 'Frames allocated across all trees.', [[{}, stats.frames]]);

  const perTree = (pick: (t: DBStats['trees'][number]) => number): Sample[] => stats.trees.map((t) => [{ tree: t.name }, pick(t)]);
  out.gauge('holt_tree_keys', 'Live keys in the tree.', perTree((t) => t.keys));
  out.counter('holt_tree_mutations_total', 'Successful mutations since open.', perTree((t) => t.mutations));
  out.counter('holt_tree_spillovers_total', 'Subtrees moved into a new child frame since open.', perTree((t) => t.spillovers));
  out.counter('holt_tree_compactions_total', 'Frames compacted in place since open.', perTree((t) => t.compactions));
  out.counter('holt_tree_merges_total', 'Child frames merged into their parent since open.', perTree((t) => t.merges));
  out.counter('holt_tree_frames_released_total', 'Frames released by the tree since open.', perTree((t) => t.framesReleased));

  const d = stats.durable;
  if (d !== null) {
    out.gauge('holt_io_info', 'I/O implementation and backend in use and whether the data file uses O_DIRECT (value is always 1).', [[{ kind: d.io, backend: d.ioBackend, direct: String(d.direct) }, 1]]);
    out.counter('holt_io_read_bytes_total', 'Data-file bytes read by cache misses.', [[{}, d.disk.bytesRead]]);
    out.counter('holt_io_frame_reads_total', 'Full-frame reads from the data file.', [[{}, d.disk.frameReads]]);
    out.counter('holt_io_written_bytes_total', 'Bytes written, by file.', [[{ file: 'data' }, d.disk.dataBytesWritten], [{ file: 'wal' }, d.disk.walBytesWritten]]);

    const c = d.cache;
    out.counter('holt_cache_hits_total', 'Frame lookups served from memory.', [[{}, c.hits]]);
    out.counter('holt_cache_misses_total', 'Frame lookups that read the data file.', [[{}, c.misses]]);
    out.counter('holt_cache_evictions_total', 'Frames evicted from the cache.', [[{}, c.evictions]]);
    out.gauge('holt_cache_resident_frames', 'Frames in memory.', [[{}, c.residentFrames]]);
    out.gauge('holt_cache_resident_bytes', 'Bytes of frames in memory.', [[{}, c.residentBytes]]);
    out.gauge('holt_cache_budget_frames', 'Frames the cache aims to hold.', [[{}, c.budgetFrames]]);
    out.gauge('holt_cache_dirty_frames', 'Frames changed since the last checkpoint captured them.', [[{}, c.dirtyFrames]]);
    out.gauge('holt_cache_inflight_frames', 'Frames a checkpoint is writing.', [[{}, c.inflightFrames]]);
    out.counter('holt_cache_class_hits_total', 'Frame lookups served from memory, by access class.', [[{ class: 'point' }, c.point.hits], [{ class: 'scan' }, c.scan.hits]]);
    out.counter('holt_cache_class_misses_total', 'Whole-frame reads, by access class.', [[{ class: 'point' }, c.point.misses], [{ class: 'scan' }, c.scan.misses]]);
    out.counter('holt_cache_class_read_bytes_total', 'Bytes read by whole-frame misses, by access class.', [[{ class: 'point' }, c.point.bytesRead], [{ class: 'scan' }, c.scan.bytesRead]]);
    out.counter('holt_cache_admission_protections_total', 'Point misses admitted on probation because the frame they displaced was used more (TinyLFU).', [[{}, c.admissionProtections]]);
    out.counter('holt_cache_anchor_demotions_total', 'Routing frames evicted.', [[{}, c.anchorDemotions]]);
    out.gauge('holt_cache_route_anchor_frames', 'Resident routing frames (frames with Crossings).', [[{}, c.routeAnchorFrames]]);
    out.gauge('holt_cache_budget_bytes', 'Memory budget of the frame pool (cacheMB less the page cache).', [[{}, c.budgetBytes]]);
    out.gauge('holt_cache_pool_buffers', 'Aligned frame buffers allocated by the pool (at most the budget).', [[{ state: 'allocated' }, c.poolBuffers], [{ state: 'free' }, c.poolFreeBuffers], [{ state: 'overdraft' }, c.overdraftBuffers]]);
    out.counter('holt_cache_overdrafts_total', 'Buffers lent beyond the pool because every pooled one was held.', [[{}, c.overdraftsTotal]]);
    out.counter('holt_cold_read_probes_total', 'Point reads of non-resident frames answered from read-index pages.', [[{}, c.coldReads.probes]]);
    out.counter('holt_cold_read_page_reads_total', '4 KiB page reads from the data file by cold point reads.', [[{}, c.coldReads.pageReads]]);
    out.counter('holt_cold_read_bytes_total', 'Bytes read by cold point reads.', [[{}, c.coldReads.pageBytesRead]]);
    out.counter('holt_cold_read_page_hits_total', 'Cold-read pages served from the page cache.', [[{}, c.coldReads.pageHits]]);
    out.counter('holt_cold_read_fallbacks_total', 'Cold reads the index could not answer (the frame was loaded).', [[{}, c.coldReads.fallbacks]]);
    out.gauge('holt_page_cache_pages', 'Page cache capacity and occupancy in 4 KiB pages.', [[{ state: 'capacity' }, c.pageCachePages], [{ state: 'resident' }, c.pageCacheResident]]);
    out.gauge('holt_process_resident_bytes', 'Resident set size of the whole process.', [[{}, c.rssBytes]]);

    const w = d.wal;
    if (w !== null) {
      out.counter('holt_wal_records_appended_total', 'WAL records appended.', [[{}, w.recordsAppended]]);
      out.counter('holt_wal_appended_bytes_total', 'WAL bytes appended.', [[{}, w.bytesAppended]]);
      out.counter('holt_wal_records_written_total', 'WAL records handed to the OS.', [[{}, w.recordsWritten]]);
      out.counter('holt_wal_written_bytes_total', 'WAL bytes handed to the OS.', [[{}, w.bytesWritten]]);
      out.counter('holt_wal_fdatasyncs_total', 'fdatasync calls on WAL segments.', [[{}, w.fdatasyncs]]);
      out.counter('holt_wal_sync_waiters_served_total', 'sync() callers resolved by an fdatasync.', [[{}, w.syncWaitersServed]]);
      out.gauge('holt_wal_max_waiters_per_sync', 'Most sync() callers one fdatasync resolved.', [[{}, w.maxWaitersPerSync]]);
      out.gauge('holt_wal_pending_records', 'WAL records appended but not yet handed to the OS.', [[{}, w.pendingRecords]]);
      out.gauge('holt_wal_size_bytes', 'Bytes in live WAL segments.', [[{}, w.walBytes]]);
    }
    out.gauge('holt_wal_segment', 'Number of the current WAL segment.', [[{}, d.walSegment]]);

    const o = d.open;
    out.gauge('holt_open_wal_replay_records', 'WAL records replayed at open.', [[{}, o.replayRecords]]);
    out.gauge('holt_open_wal_replay_duration_seconds', 'Time spent replaying the WAL at open.', [[{}, o.replayMillis / 1000]]);
    out.gauge('holt_open_wal_torn_tail_bytes', 'Torn bytes found at the end of WAL segments at open.', [[{}, o.tornTailBytes]]);
    out.gauge('holt_open_wal_zero_tail_bytes', 'Preallocated zeros a crash left after the last WAL record, found at open.', [[{}, o.zeroTailBytes]]);
    out.gauge('holt_open_wal_segments_replayed', 'WAL segments replayed at open.', [[{}, o.segmentsReplayed]]);

    const k = d.checkpoint;
    out.counter('holt_checkpoint_rounds_attempted_total', 'Checkpoint rounds started.', [[{}, k.attempted]]);
    out.counter('holt_checkpoint_rounds_succeeded_total', 'Checkpoint rounds that published a manifest.', [[{}, k.succeeded]]);
    out.counter('holt_checkpoint_rounds_failed_total', 'Checkpoint rounds that failed.', [[{}, k.failed]]);
    out.counter('holt_checkpoint_frames_written_total', 'Frames written by checkpoints.', [[{}, k.framesWritten]]);
    out.counter('holt_checkpoint_written_bytes_total', 'Bytes written by checkpoints.', [[{}, k.bytesWritten]]);
    out.counter('holt_checkpoint_wal_segments_deleted_total', 'WAL segments deleted after a checkpoint covered them.', [[{}, k.walSegmentsDeleted]]);
    out.gauge('holt_checkpoint_last_round_duration_seconds', 'Duration of the last successful checkpoint round.', [[{}, k.lastRoundMillis / 1000]]);
    out.gauge('holt_checkpoint_debt_dirty_frames', 'Dirty frames the next checkpoint must write.', [[{}, k.debt.dirtyFrames]]);
    out.gauge('holt_checkpoint_debt_dirty_bytes', 'Bytes of dirty frames the next checkpoint must write.', [[{}, k.debt.dirtyBytes]]);
    out.gauge('holt_checkpoint_debt_wal_bytes', 'WAL bytes no published checkpoint covers yet.', [[{}, k.debt.walBytes]]);

    const sp = d.spill;
    out.counter('holt_spill_runs_total', 'Spills: the WAL made durable, then dirty frames written early because they filled the cache.', [[{}, sp.spills]]);
    out.counter('holt_spill_frames_total', 'Frame images written by spills.', [[{}, sp.framesSpilled]]);
    out.counter('holt_spill_written_bytes_total', 'Bytes written by spills.', [[{}, sp.bytesWritten]]);
    out.counter('holt_spill_frames_published_total', 'Spilled images a checkpoint published in place, without writing them again.', [[{}, sp.framesPublished]]);
    out.counter('holt_spill_slots_discarded_total', 'Spill slots freed unpublished because their frame changed again or was released.', [[{}, sp.slotsDiscarded]]);
    out.counter('holt_spill_failed_total', 'Spills that failed (their frames stayed dirty).', [[{}, sp.failed]]);
    out.counter('holt_spill_duration_seconds_total', 'Time writers spent blocked in spills.', [[{}, sp.millis / 1000]]);
    out.gauge('holt_spill_unpublished_frames', 'Frames whose newest image is in a spill slot no manifest names yet.', [[{}, sp.spilledFrames]]);
  }

  if (shapes.length > 0) {
    const perShape = (pick: (s: TreeStats['shape']) => number): Sample[] => shapes.map((t) => [{ tree: t.name }, pick(t.shape)]);
    out.gauge('holt_tree_shape_frames', 'Frames reachable in the tree.', perShape((s) => s.frames));
    out.gauge('holt_tree_shape_frame_depth', 'Deepest chain of frames from the root frame.', perShape((s) => s.frameDepth));
    out.gauge('holt_tree_shape_leaf_frames', 'Frames without crossings.', perShape((s) => s.leafFrames));
    out.gauge('holt_tree_shape_underfilled_frames', 'Non-root frames filled below 35%.', perShape((s) => s.underfilledFrames));
    out.gauge('holt_tree_shape_overfull_frames', 'Frames filled above 85%.', perShape((s) => s.overfullFrames));
    out.gauge('holt_tree_shape_live_bytes', 'Bytes held by reachable nodes.', perShape((s) => s.liveBytes));
    out.gauge('holt_tree_shape_dead_bytes', 'Abandoned bytes compaction would reclaim.', perShape((s) => s.deadBytes));
    out.gauge('holt_tree_shape_free_list_bytes', 'Bytes on fixed-size free lists.', perShape((s) => s.freeListBytes));
    out.gauge('holt_tree_shape_space_used_bytes', 'Bump-allocated bytes of the data areas.', perShape((s) => s.spaceUsedBytes));
    out.gauge('holt_tree_shape_slots', 'Slot-table entries in use.', perShape((s) => s.slots));
    out.gauge('holt_tree_shape_frame_compactions', 'Compactions recorded in frame headers (can drop after a merge).', perShape((s) => s.frameCompactions));
    const fill: Sample[] = [];
    for (const t of shapes) for (const stat of ['min', 'mean', 'max'] as const) fill.push([{ tree: t.name, stat }, t.shape.fill[stat]]);
    out.gauge('holt_tree_fill_ratio', 'Per-frame fill (live bytes / data area): min, mean and max over the frames.', fill);
    const nodes: Sample[] = [];
    for (const t of shapes) for (const type of Object.keys(t.shape.nodes) as (keyof NodeCounts)[]) nodes.push([{ tree: t.name, type }, t.shape.nodes[type]]);
    out.gauge('holt_tree_nodes', 'Reachable nodes by type.', nodes);
  }
  return out.text();
}

/** Escape a label value: backslash, double quote and line feed. */
/** INVALID_ARGUMENT unless the arguments have the shapes db.stats() and tree.stats() return (checked shallowly). */
function checkInput(stats: unknown, shapes: unknown): void {
  if (!isRecord(stats) || !Array.isArray(stats['trees']) || typeof stats['frames'] !== 'number' || (stats['durable'] !== null && !isRecord(stats['durable']))) {
    throw invalidArgument(`toPrometheus needs what db.stats() returns, got ${describe(stats)}`);
  }
  if (!Array.isArray(shapes) || !shapes.every((s: unknown) => isRecord(s) && typeof s['name'] === 'string' && isRecord(s['shape']))) {
    throw invalidArgument(`toPrometheus shapes must be an array of tree.stats() results, got ${describe(shapes)}`);
  }
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escape HELP text: backslash and line feed. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

class Exposition {
  private readonly lines: string[] = [];

  counter(name: string, help: string, samples: readonly Sample[]): void {
    this.family(name, 'counter', help, samples);
  }

  gauge(name: string, help: string, samples: readonly Sample[]): void {
    this.family(name, 'gauge', help, samples);
  }

  private family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly Sample[]): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
      this.lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`);
    }
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}
