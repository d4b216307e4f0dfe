/**
 * Stats shapes returned by `db.stats()` and `tree.stats()`.
 *
 * Counters (monotonic since the DB was opened; they restart at zero on every
 * open) are named for what they count. Gauges describe the present moment.
 * Reading stats never changes them: collection reads frames through the
 * pager's silent accessor (no cache hit, miss, eviction or recency touch).
 *
 * Types only. A counter group is defined once, by the module that keeps the
 * counters (the walker's StructureCounters, the cache's AccessCounters, the
 * pager's ColdReadCounters, the WAL writer's WalStats, replay's
 * ReplayCounters, the checkpointer's CheckpointCounters), and the shapes here
 * are built from those types. The one exception is the reader's refresh
 * counters: db/ sits above this module, so they are declared here, in
 * ReaderStats, and db/reader-follow.ts takes its type from it.
 *
 * `toPrometheus()` (src/stats/prometheus.ts) renders these shapes; its table
 * of series is the reference for which field is a counter and which a gauge.
 */
import type { StructureCounters } from '../art/tree-core.js';
import type { AccessCounters } from '../cache/frame-cache.js';
import type { CheckpointCounters } from '../checkpoint/checkpoint-round.js';
import type { ColdReadCounters } from '../store/cold-page-reader.js';
import type { SpillCounters } from '../store/frame-spill.js';
import type { ReplayCounters } from '../wal/replay.js';
import type { WalStats } from '../wal/wal-writer.js';

/** A live tree, as `db.listTrees()` lists it. */
export interface TreeInfo {
  name: string;
  id: number;
  /** Live keys in the tree. */
  keys: number;
}

/** Per-tree counters, kept by the walker; cheap to read. */
export interface TreeCounters extends TreeInfo, StructureCounters {
  /** Successful mutations since open (puts, deletes, renames). */
  mutations: number;
}

/** Count of reachable nodes per node type. */
export interface NodeCounts {
  leaf: number;
  prefix: number;
  crossing: number;
  node4: number;
  node16: number;
  node48: number;
  node256: number;
  emptyRoot: number;
}

/** Min, mean and max of a per-frame ratio. */
export interface RatioSummary {
  min: number;
  mean: number;
  max: number;
}

/**
 * The shape of one tree, from a walk over every reachable frame. Cost grows
 * with the tree: frames not resident are read from disk (and not cached).
 */
export interface TreeShape {
  frames: number;
  /** Deepest chain of frames from the root frame (1 = only the root frame). */
  frameDepth: number;
  /** Frames without Crossings (the bottom of the frame tree). */
  leafFrames: number;
  /** Per frame: live bytes / data area bytes. */
  fill: RatioSummary;
  /** Non-root frames filled below 35% (merge candidates). */
  underfilledFrames: number;
  /** Frames filled above 85% (close to spilling). */
  overfullFrames: number;
  /** Bytes held by reachable nodes. */
  liveBytes: number;
  /** Bytes of abandoned variable-size bodies (reclaimed by compaction). */
  deadBytes: number;
  /** Bytes on the fixed-size free lists. */
  freeListBytes: number;
  /** Bump-allocated bytes of the data areas (live + dead + free-list). */
  spaceUsedBytes: number;
  /** Slot-table entries in use. */
  slots: number;
  /** Sum of the compaction counts stored in the frame headers (persists across opens). */
  frameCompactions: number;
  nodes: NodeCounts;
}

/** `tree.stats()`: the tree's counters plus its shape. */
export interface TreeStats extends TreeCounters {
  shape: TreeShape;
}

/**
 * The frame cache of a file-backed DB. An operation pins the frames it touches
 * only while it runs, so between calls (when stats can be read) the frames
 * that cannot be evicted are exactly the dirty and the in-flight ones.
 */
export interface CacheStats {
  /** Frames currently in memory, dirty ones included. */
  residentFrames: number;
  residentBytes: number;
  /** Frames the buffer pool holds at most (from `cacheMB`, at least 8). */
  budgetFrames: number;
  budgetBytes: number;
  /** Frame lookups served from memory (point + scan). */
  hits: number;
  /** Frame lookups that read the frame from the data file (point + scan). */
  misses: number;
  evictions: number;
  /** Bytes read from the data file: whole frames (point + scan misses) and cold-read pages. */
  bytesRead: number;
  /** Point reads and writes: hits, misses and bytes read. They refresh recency and feed admission. */
  point: CacheAccessStats;
  /** Scans (iterators, count, DuckDB): counted, but they neither refresh recency nor promote frames. */
  scan: CacheAccessStats;
  /** Point misses admitted on probation because the frame they displaced was used more (TinyLFU). */
  admissionProtections: number;
  /** Resident routing frames (frames with Crossings when they came in). */
  routeAnchorFrames: number;
  /** Route anchors: the shallowest routing frames, kept ahead of every other frame within a quarter of the pool. */
  anchorFrames: number;
  /** Anchors demoted to their class because a shallower routing frame took their place. */
  anchorDemotions: number;
  /** Point misses loaded whole because the frame's page touches paid for its 128 pages (the others read pages). */
  framesPromoted: number;
  /** Frames evicted to give their buffer to the page cache (frames read once, or cold). */
  framesToPages: number;
  /** Aligned frame buffers the pool has allocated (never more than `budgetFrames`). */
  poolBuffers: number;
  /** Pool buffers not holding a frame or an image. */
  poolFreeBuffers: number;
  /**
   * Buffers lent beyond the pool because every pooled one was held (dirty,
   * being written, in use): memory above the budget, given back as soon as
   * the state passes. Nonzero only under writes faster than checkpoints.
   */
  overdraftBuffers: number;
  overdraftsTotal: number;
  /** Frames changed since the last checkpoint captured them. */
  dirtyFrames: number;
  /** Frames whose image a checkpoint is writing (not evictable). */
  inflightFrames: number;
  /** Point reads of frames not in memory answered from read-index pages (4 KiB reads) instead of whole frames. */
  coldReads: ColdReadStats;
  /**
   * Capacity and occupancy, in 4 KiB pages, of the page cache those reads
   * use. It has no share of its own: its pages live in pool buffers
   * (`pageCacheChunks`, 128 pages each), taken from free buffers or from
   * frames read once, and given back to frames whose use pays for them.
   */
  pageCachePages: number;
  pageCacheResident: number;
  pageCacheChunks: number;
  /** Pages evicted from the page cache for others (CLOCK). */
  pageEvictions: number;
  /** Leaf pages read and not cached because it was their first touch. */
  leafPagesDeferred: number;
  /** Page chunks given back to the pool for whole frames. */
  pageChunksReleased: number;
  /** The whole process's resident set size, to compare with `budgetBytes`. */
  rssBytes: number;
}

/** Page-granular point reads (see docs/DESIGN.md, read index), as the pager counts them. */
export type ColdReadStats = ColdReadCounters;

/** One access class of the frame cache: its hits, misses and bytes read. */
export type CacheAccessStats = AccessCounters;

/**
 * The write-ahead log, summed over every segment written since open (the
 * writer's counters, see WalStats); `walBytes` is the bytes in live segments,
 * not yet covered by a checkpoint.
 */
export interface WalCounters extends WalStats {
  /** Number of the segment appends go to. */
  segment: number;
}

/** What opening the DB found and did: its replay of the WAL. */
export type OpenStats = ReplayCounters;

/** Work a checkpoint would have to do now. */
export interface CheckpointDebt {
  dirtyFrames: number;
  dirtyBytes: number;
  /** WAL bytes no published manifest covers yet. */
  walBytes: number;
}

/** The checkpointer's counters, and the work waiting for the next round. */
export interface CheckpointStats extends CheckpointCounters {
  debt: CheckpointDebt;
}

/** Spills: dirty frames a writer wrote early because its cache filled (see docs/DESIGN.md, "Spills"). */
export interface SpillStats extends SpillCounters {
  /** Frames whose newest image is in a spill slot the next checkpoint publishes (a gauge). */
  spilledFrames: number;
}

/** Bytes moved between the DB and its files. */
export interface DiskStats {
  /** Data-file bytes read (frame misses). */
  bytesRead: number;
  /** Frame reads (each one full 512 KiB frame). */
  frameReads: number;
  /** Data-file bytes written by checkpoints and spills. */
  dataBytesWritten: number;
  /** WAL bytes handed to the OS. */
  walBytesWritten: number;
}

/** Storage, log and checkpoint state of a file-backed DB. */
export interface DurableStats {
  /** Which I/O implementation is in use: the addon, or node:fs (no aligned I/O). */
  io: 'native' | 'fs';
  /** What runs its async calls (always `threadpool` for `fs`). */
  ioBackend: 'io_uring' | 'threadpool';
  /**
   * Why this implementation and backend, in words: `auto: the kernel set up a ring`,
   * `auto: bun 1.4.5 implements no libuv uv_poll ...`, or, when the addon did not
   * load, `aligned I/O is off: the holt_io native addon did not load (...)`.
   */
  ioReason: string;
  /** The JavaScript runtime and its version: `node 20.20.2`, `bun 1.4.5`, `deno 2.9.6`. */
  runtime: string;
  /** Whether the data file is open with O_DIRECT. */
  direct: boolean;
  cache: CacheStats;
  /** Null when the DB is read-only (it writes no log). */
  wal: WalCounters | null;
  /** Number of the current WAL segment. */
  walSegment: number;
  checkpoint: CheckpointStats;
  spill: SpillStats;
  open: OpenStats;
  disk: DiskStats;
  readers: ReaderStats;
}

/** Reader processes beside the writer (see docs/API.md, "Readers beside a writer"). */
export interface ReaderStats {
  /** This DB is a reader: the manifest generation it reads (its first WAL segment); null for the writer. */
  generation: number | null;
  /** Writer only: data-file slots kept because a live reader may still read an older manifest. */
  retainedSlots: number;
  /** Reader only: refreshes that read just the WAL appended since the previous one. */
  catchUps: number;
  /** Reader only: refreshes that reloaded from the writer's newest checkpoint (see `DB.refresh`). */
  reloads: number;
  /** Reader only: WAL records applied by catch-up refreshes. */
  recordsApplied: number;
  /** Reader only: frames a reload kept from the state it replaced (unchanged since) instead of reading them again. */
  framesInherited: number;
  /** Reader only: catch-ups that also moved the reader to the writer's newer checkpoint in place, without a reload. */
  rebases: number;
}

/** Snapshots not yet closed: each keeps a copy of every frame written since it was taken. */
export interface SnapshotStats {
  open: number;
  /** Frame copies held (a copy several snapshots share counts once per snapshot) and their bytes. */
  savedFrames: number;
  savedBytes: number;
  /** Age of the oldest open snapshot in milliseconds (0 when none): a forgotten one shows here. */
  oldestAgeMs: number;
}

/** `db.stats()`. Cheap: no tree walks (call `tree.stats()` for shapes). */
export interface DBStats {
  /** Live trees in byte order of their names, with their counters. */
  trees: TreeCounters[];
  /** Frames allocated across all trees. */
  frames: number;
  /** Open snapshots (db.snapshot()) and the frame copies they keep. */
  snapshots: SnapshotStats;
  /** Null for memory databases. */
  durable: DurableStats | null;
}
