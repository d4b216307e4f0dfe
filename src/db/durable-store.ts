/**
 * DurableStore: what makes a DB a directory on disk, as a coordinator of the
 * modules that own each part.
 *
 * ```
 *  DIR/LOCK            flock: one writer (exclusive)            directory-access.ts
 *  DIR/readers/        one claim per reader process             reader-table.ts
 *  DIR/data.holt       frame images and read indexes by slot    store/file-pager.ts
 *  DIR/MANIFEST        frame id -> slot, catalog, tree roots    store/manifest.ts
 *  DIR/wal-NNNNNN.log  logical WAL segments                     wal/segments.ts
 * ```
 * Opening reads the manifest, then replays every live WAL segment through
 * the walker (log-redo.ts). Writes are logged to the current segment; the
 * checkpoint schedule starts rounds (checkpoint/), and catalog changes are
 * logged as record batches (catalog-log.ts). Versions continue above
 * everything ever written: the manifest keeps the high-water mark and each
 * segment header its base.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HoltError } from '../errors.js';
import type { DBOptions } from '../api/options.js';
import type { DurableStats } from '../api/stats.js';
import { applyCatalogOpOrThrow, type CatalogState } from './catalog-state.js';
import { CatalogLog } from './catalog-log.js';
import { DirectoryAccess } from './directory-access.js';
import type { DbLog } from './db-log.js';
import { LogRedo, syncTrees, type StoreHost } from './log-redo.js';
import { releaseTree } from './tree-host.js';
import { LogFollower } from './log-follower.js';
import { writerIsLive } from './writer-presence.js';
import { chooseIo, type IoChoice } from '../io/index.js';
import type { Io } from '../io/types.js';
import { FilePager } from '../store/file-pager.js';
import { emptyManifest, manifestIdentity, readManifest, type Manifest } from '../store/manifest.js';
import { WalSegments } from '../wal/segments.js';
import { replayWal } from '../wal/replay.js';
import type { WalOp } from '../wal/wal-op.js';
import { Checkpointer, type CheckpointCounters, type RoundParts } from '../checkpoint/checkpoint-round.js';
import { CheckpointSchedule } from '../checkpoint/checkpoint-schedule.js';
import { buildReadIndex } from '../art/read-index.js';
import { collectDurableStats } from '../stats/durable-stats.js';

export type { StoreHost } from './log-redo.js';
export type { CheckpointCounters } from '../checkpoint/checkpoint-round.js';

const DATA_FILE = 'data.holt';

/**
 * How long a reader may keep its checkpoint when the writer has published a
 * newer one that it cannot move to in place (a frame it reads moved: see
 * `catchUp`). Until then a refresh only reads the WAL the writer appended, and
 * the writer keeps that checkpoint's slots; after it, the refresh reloads from
 * the newest manifest (a replay of that checkpoint's WAL).
 */
export const READER_REBASE_MS = 5000;

/** A reader's refresh counters, all zero. */
export function newRefreshCounters(): RefreshCounters {
  return { catchUps: 0, reloads: 0, recordsApplied: 0, framesInherited: 0, rebases: 0 };
}

/** A reader's refreshes, across the stores it reloads into (the DB owns them). */
export interface RefreshCounters {
  /** Refreshes that only read the WAL appended since the last one. */
  catchUps: number;
  /** Refreshes that reloaded from the newest manifest. */
  reloads: number;
  /** WAL records applied by catch-ups. */
  recordsApplied: number;
  /** Frames a reload took over from the state it replaced instead of reading them again. */
  framesInherited: number;
  /** Catch-ups that also moved the reader to the writer's newer checkpoint in place (no reload). */
  rebases: number;
}

/**
 * @internal Test seam: `DB.open(dir, { ioOverride } as DBOptions)` makes the store
 * use this Io for the lock, data file and WAL instead of `loadIo()`, so tests
 * can inject faults (ENOSPC on pwrite...). The DB facade passes options through
 * unchanged; this is not part of the public API.
 */
export interface DurableStoreOptions extends DBOptions {
  ioOverride?: Io;
  /** Test seam: READER_REBASE_MS for this store (0: a refresh that cannot move to a newer checkpoint in place reloads at once). */
  readerRebaseMs?: number;
}

export class DurableStore implements RoundParts, DbLog {
  readonly dropWaitsForCheckpoint = true;
  readonly dir: string;
  readonly io: Io;
  /** Why `io` is the implementation and backend it is (chooseIo), for stats. */
  readonly ioReason: string;
  readonly pager: FilePager;
  readonly readOnly: boolean;
  readonly segments: WalSegments;
  private readonly access: DirectoryAccess;
  private readonly catalogLog = new CatalogLog();
  private readonly checkpointer = new Checkpointer();
  private readonly schedule: CheckpointSchedule;
  private manifest: Manifest;
  private highWater: number;
  private host: StoreHost | null = null;
  /** A reader's position in the WAL (null for the writer). */
  private follower: LogFollower | null = null;
  /** When this store's manifest was loaded or rebased to (performance.now()). */
  private loadedAt = performance.now();
  /** The manifest file last looked at (manifestIdentity): a reader parses it again only when it changed. */
  private manifestSeen: string;
  private readonly rebaseMs: number;
  /** Something was logged since the last checkpoint capture (RoundParts). */
  changed = false;
  /** No round starts once set (RoundParts). */
  closed = false;
  readonly open = { replayRecords: 0, replayMillis: 0, tornTailBytes: 0, zeroTailBytes: 0, segmentsReplayed: 0 };

  /** A reader's refresh counters: the DB's, lent to each store it loads. */
  readonly refreshes: RefreshCounters;

  private constructor(
    dir: string, choice: IoChoice, access: DirectoryAccess, pager: FilePager, manifest: Manifest, manifestSeen: string, options: DBOptions,
    refreshes: RefreshCounters,
  ) {
    const io = choice.io;
    this.dir = dir;
    this.refreshes = refreshes;
    this.io = io;
    this.ioReason = choice.reason;
    this.access = access;
    this.pager = pager;
    this.manifest = manifest;
    this.manifestSeen = manifestSeen;
    this.readOnly = options.readOnly === true;
    const rebaseMs = (options as DurableStoreOptions).readerRebaseMs;
    this.rebaseMs = typeof rebaseMs === 'number' && rebaseMs >= 0 ? rebaseMs : READER_REBASE_MS;
    this.highWater = manifest.highWater;
    this.segments = new WalSegments(dir, io, options.durability === 'sync' ? 'sync' : 'default', manifest.walSegment);
    this.schedule = new CheckpointSchedule(options.checkpoint, {
      canRun: () => this.segments.current !== null && this.host !== null && this.changed,
      walBytes: () => this.segments.current?.stats().walBytes ?? 0,
      underMemoryPressure: () => this.pager.underMemoryPressure,
    }, () => this.checkpoint(this.host!));
  }

  get checkpoints(): CheckpointCounters {
    return this.checkpointer.counters;
  }

  static open(dir: string, options: DurableStoreOptions, refreshes: RefreshCounters = newRefreshCounters()): DurableStore {
    if (options.durability !== undefined && options.durability !== 'fast' && options.durability !== 'sync') {
      throw new HoltError('INVALID_ARGUMENT', `durability must be 'fast' or 'sync'`);
    }
    const choice: IoChoice = options.ioOverride !== undefined
      ? { io: options.ioOverride, reason: 'ioOverride (a test seam)' }
      : chooseIo(options.io === undefined ? undefined : { prefer: options.io });
    const io = choice.io;
    const readOnly = options.readOnly === true;
    const access = DirectoryAccess.take(dir, io, readOnly);
    try {
      const manifestSeen = manifestIdentity(dir);
      const manifest = readManifest(dir) ?? emptyManifest();
      // From here the writer keeps every slot this manifest names.
      access.readsGeneration(manifest.walSegment);
      const dataPath = join(dir, DATA_FILE);
      if (readOnly && !existsSync(dataPath)) throw new HoltError('NOT_FOUND', `no database at ${dir}`);
      // Readers read through the OS page cache: several reader processes then share
      // one copy of the frames the writer just wrote, read from disk once.
      const data = io.open(dataPath, { direct: !readOnly, create: !readOnly, readOnly });
      const pager = new FilePager(
        io, data, dataPath, new Map(manifest.frames), manifest.nextSlot, manifest.nextFrameId, options.cacheMB ?? 256,
        buildReadIndex, manifest.walSegment,
      );
      return new DurableStore(dir, choice, access, pager, manifest, manifestSeen, options, refreshes);
    } catch (e) {
      access.release();
      throw e;
    }
  }

  /** Rebuild the DB's catalog and trees from the manifest and the WAL. */
  load(host: StoreHost): void {
    this.host = host;
    this.catalogLog.load(this.manifest.catalog);
    host.catalog = this.catalogLog.decode();
    const names = new Map<number, string>();
    for (const [name, id] of host.catalog.live) names.set(id, name);
    for (const [id, d] of host.catalog.dropped) names.set(id, d.name);
    for (const t of this.manifest.trees) {
      const name = names.get(t.treeId);
      if (name === undefined) continue;
      const state = host.installTree(name, t.treeId, { frameId: t.rootFrameId, rootIndex: t.rootIndex, shared: t.shared }, t.keyCount);
      if (host.catalog.dropped.has(t.treeId)) state.dropped = true;
    }
    syncTrees(host, this.pager);
    this.replay(host);
    if (this.readOnly) return;
    this.pager.releaseRetired(this.access.readers.oldestGeneration());
    const listed = this.segments.list();
    const before = this.segments.deleted;
    this.segments.deleteBefore(this.manifest.walSegment);
    this.checkpointer.counters.walSegmentsDeleted += this.segments.deleted - before;
    this.segments.start(Math.max(this.manifest.walSegment, (listed[listed.length - 1] ?? 0) + 1), this.highWater);
    this.changed = this.open.replayRecords > 0;
    this.schedule.start();
  }

  /** Redo every live segment; a reader beside a live writer stops at the writer's write in progress. */
  private replay(host: StoreHost): void {
    const redo = new LogRedo(host, this.catalogLog, this.pager);
    const started = performance.now();
    if (this.readOnly) {
      this.replayAsReader(redo);
      this.open.replayMillis = performance.now() - started;
      return;
    }
    const live = this.segments.list().filter((n) => n >= this.manifest.walSegment);
    const gap = live.findIndex((n, i) => n !== this.manifest.walSegment + i);
    if (gap >= 0) {
      // There is no newer manifest to start from: the records are gone.
      const missing = this.segments.path(this.manifest.walSegment + gap);
      throw new HoltError('CORRUPT', `WAL segment ${missing} is missing but later segments exist`, { file: missing, offset: 0 });
    }
    for (const n of live) {
      // Redo copies what it keeps: records may borrow the read window.
      const result = replayWal({ io: this.io, path: this.segments.path(n), onRecord: (r) => redo.apply(r), borrow: true });
      this.open.segmentsReplayed++;
      this.open.replayRecords += result.records;
      // Zeros past the last record are the WAL's preallocation, left by a crash: not torn data.
      this.open.tornTailBytes += result.tornTailBytes - result.zeroTailBytes;
      this.open.zeroTailBytes += result.zeroTailBytes;
      this.highWater = Math.max(this.highWater, result.lastSeq, result.baseSeq);
    }
    this.open.replayMillis = performance.now() - started;
  }

  /**
   * A reader's replay: from its manifest's segment on, with no gap (a live
   * writer may have published a newer manifest and deleted the segment since
   * this reader read its manifest; replaying only later segments over the
   * older manifest would skip records). Beside a live writer, a record that
   * does not decode is its current write: read up to it (a prefix). Without
   * one it is damage. The follower keeps the position for `catchUp`.
   */
  private replayAsReader(redo: LogRedo): void {
    this.follower = new LogFollower(this.io, this.segments, this.manifest.walSegment);
    const r = this.follower.follow(this.segments.list(), writerIsLive(this.dir), (rec) => redo.apply(rec));
    if (r.missing !== null) throw new WriterMovedOn(r.missing);
    this.open.segmentsReplayed += r.segments;
    this.open.replayRecords += r.records;
    this.open.tornTailBytes += r.tornTailBytes - r.zeroTailBytes;
    this.open.zeroTailBytes += r.zeroTailBytes;
    this.highWater = Math.max(this.highWater, r.highWater);
  }

  /**
   * Reader: apply to `host` (the reader's trees, changed in place) what the
   * writer logged since the load or the last catch-up, read as a live tail;
   * `touched` collects the ids of the trees a record changed. Then, when the writer has published a newer checkpoint, move
   * to it in place if nothing this reader may read from disk moved (see
   * FilePager.rebase): the reader claims the newer generation and the writer
   * may reuse what it no longer needs. Returns false when this state should
   * not be carried further and the caller must reload from the newest
   * manifest: a segment it needs was deleted, or the newest checkpoint has
   * moved frames this reader reads and it has kept its own for
   * READER_REBASE_MS (the writer keeps its slots meanwhile). Whatever was
   * applied before returning false is still a prefix of the log.
   */
  catchUp(host: StoreHost, touched: Set<number>): boolean {
    if (this.follower === null) return false;
    this.host = host;
    const redo = new LogRedo(host, this.catalogLog, this.pager);
    let r;
    try {
      r = this.follower.follow(this.segments.list(), true, (rec) => redo.apply(rec));
    } finally {
      for (const id of redo.touched) touched.add(id);
    }
    this.refreshes.recordsApplied += r.records;
    this.highWater = Math.max(this.highWater, r.highWater);
    if (r.missing !== null) return false;
    const seen = manifestIdentity(this.dir);
    if (seen === this.manifestSeen) return true;
    const newest = readManifest(this.dir);
    if (newest === undefined || newest.walSegment === this.manifest.walSegment) {
      this.manifestSeen = seen;
      return true;
    }
    if (this.pager.rebase(newest.frames)) {
      this.access.readsGeneration(newest.walSegment);
      this.manifest = newest;
      this.manifestSeen = seen;
      this.loadedAt = performance.now();
      this.refreshes.rebases++;
      return true;
    }
    return performance.now() - this.loadedAt < this.rebaseMs;
  }

  /** Give up after a failed load: release files without writing anything. */
  abandon(): void {
    this.schedule.stop();
    this.follower?.close();
    try { this.pager.data.close(); } catch { /* already closed */ }
    this.access.release();
  }

  // ---- writes ----

  checkWritable(): void {
    if (this.readOnly) throw new HoltError('READ_ONLY', 'the database was opened read-only');
  }

  /** Log one op; returns its version (the first, for a batch). */
  append(op: WalOp): number {
    const wal = this.segments.current;
    if (wal === null) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.changed = true;
    return wal.append(op);
  }

  /** `append` of a put from scratch bytes (the hot path: no op object). */
  appendPut(treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number {
    const wal = this.segments.current;
    if (wal === null) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.changed = true;
    return wal.appendPut(treeId, key, keyLen, value, valueLen);
  }

  /** Log the difference between two catalog states as one batch on the catalog's reserved tree id. */
  logCatalog(before: CatalogState, after: CatalogState, names?: readonly string[]): void {
    const ops = this.catalogLog.diff(before, after, names);
    if (ops.length > 0) this.append({ type: 'batch', ops });
    this.afterWrite();
  }

  afterWrite(): void {
    this.schedule.afterWrite();
  }

  async sync(): Promise<void> {
    await this.segments.sync();
  }

  // ---- checkpoint (RoundParts) ----

  /** Run one checkpoint round after any round already in flight. */
  checkpoint(host: StoreHost): Promise<void> {
    this.host = host;
    return this.checkpointer.run(this);
  }

  /** @internal RoundParts */
  manifestContent(): Pick<Manifest, 'catalog' | 'trees'> {
    return {
      catalog: this.catalogLog.all(),
      trees: [...this.host!.trees.values()].map((t) => ({
        treeId: t.id, rootFrameId: t.core.rootFrameId, rootIndex: t.core.rootIndex, shared: t.core.shared, keyCount: t.core.keyCount,
      })),
    };
  }

  /** @internal RoundParts */
  oldestReader(): number {
    return this.access.readers.oldestGeneration();
  }

  /** @internal RoundParts: a round published `manifest`. */
  published(manifest: Manifest): void {
    this.manifest = manifest;
    this.schedule.roundDone();
    this.finalizeDropped(this.host!);
  }

  /** Dropped trees covered by a published checkpoint: release their frames and forget them. */
  private finalizeDropped(host: StoreHost): void {
    if (host.catalog.dropped.size === 0) return;
    const before = host.catalog;
    const step = applyCatalogOpOrThrow(before, { kind: 'checkpoint' });
    let state = step.state;
    for (const id of step.result.reclaimable) {
      const t = host.trees.get(id);
      if (t !== undefined) {
        releaseTree(this.pager, t);
        host.trees.delete(id);
      }
      state = applyCatalogOpOrThrow(state, { kind: 'finalize', id }).state;
    }
    this.logCatalog(before, state);
    host.catalog = state;
  }

  async close(host: StoreHost): Promise<void> {
    this.schedule.stop();
    try {
      if (!this.readOnly) {
        let failure: unknown = null;
        try {
          await this.checkpoint(host);
        } catch (e) {
          failure = e;
        }
        this.closed = true; // no background round after this point
        // Even when the checkpoint failed, the log is made durable before the files close.
        await this.segments.close();
        if (failure !== null) throw failure;
      }
    } finally {
      this.follower?.close();
      try { this.pager.data.close(); } catch { /* closed */ }
      this.access.release();
    }
  }

  stats(): DurableStats {
    return collectDurableStats({
      io: this.io, ioReason: this.ioReason, pager: this.pager, wal: this.segments.current, retiringWal: this.segments.retiring,
      walTotals: this.segments.totals, walSegment: this.segments.number, checkpoints: this.checkpointer.counters,
      open: this.open, readerGeneration: this.access.claim === null ? null : this.manifest.walSegment, refreshes: this.refreshes,
    });
  }
}

/**
 * A reader found that a WAL segment it listed was deleted by the writer's
 * checkpoint: the open starts over from the newer manifest (DB.open retries).
 */
export class WriterMovedOn extends HoltError {
  constructor(path: string) {
    // CORRUPT if it persists: in a directory no writer is changing, it is a lost segment.
    super('CORRUPT', `${path} is missing: retired by a live writer's checkpoint while this reader opened, or lost`, { file: path, offset: 0 });
  }
}
