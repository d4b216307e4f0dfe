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
 * the walker (log-redo.ts); a reader replays and follows the WAL through
 * reader-follow.ts instead. Writes are logged to the current segment; the
 * checkpoint schedule starts rounds (checkpoint/), and catalog changes are
 * logged as record batches (catalog-log.ts). Versions continue above
 * everything ever written: the manifest keeps the high-water mark and each
 * segment header its base.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HoltError } from '../errors.js';
import type { DBOptions } from '../shapes/options.js';
import type { CatalogState } from './catalog-state.js';
import { CatalogLog } from './catalog-log.js';
import { DirectoryAccess } from './directory-access.js';
import type { DbLog } from './db-log.js';
import { LogRedo, syncTrees } from './log-redo.js';
import { finalizeDropped, installTrees, manifestTrees, type StoreHost } from './tree-state.js';
import { chooseIo, type IoChoice } from '../io/index.js';
import type { Io } from '../io/types.js';
import { DEFAULT_CACHE_MB, FilePager } from '../store/file-pager.js';
import { emptyManifest, readManifest, type Manifest } from '../store/manifest.js';
import { WalSegments } from '../wal/segments.js';
import { newReplayCounters } from '../wal/replay.js';
import type { WalOp } from '../wal/wal-op.js';
import type { WalWriter } from '../wal/wal-writer.js';
import { Checkpointer, type RoundParts } from '../checkpoint/checkpoint-round.js';
import { CheckpointSchedule } from '../checkpoint/checkpoint-schedule.js';
import { buildReadIndex } from '../art/read-index.js';
import { writeRoutedImage } from '../art/routed-image.js';

const DATA_FILE = 'data.holt';

/**
 * @internal Test seam, not public API: `DB.open(dir, { ioOverride } as DBOptions)` makes the store use
 * this Io for the lock, data file and WAL instead of `chooseIo()`, so tests can inject faults (ENOSPC on
 * pwrite...). A reader has one more (ReaderOptions).
 */
export interface DurableStoreOptions extends DBOptions {
  ioOverride?: Io;
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
  readonly checkpointer = new Checkpointer();
  private readonly schedule: CheckpointSchedule;
  private manifest: Manifest;
  private host: StoreHost | null = null;
  /** Something was logged since the last checkpoint capture (RoundParts). */
  changed = false;
  /** No round starts once set (RoundParts). */
  closed = false;
  readonly open = newReplayCounters();

  private constructor(dir: string, choice: IoChoice, access: DirectoryAccess, pager: FilePager, manifest: Manifest, options: DBOptions) {
    this.dir = dir;
    this.io = choice.io;
    this.ioReason = choice.reason;
    this.access = access;
    this.pager = pager;
    this.manifest = manifest;
    this.readOnly = options.readOnly === true;
    this.segments = new WalSegments(dir, choice.io, options.durability === 'sync' ? 'sync' : 'default', manifest.walSegment);
    this.schedule = new CheckpointSchedule(options.checkpoint, {
      canRun: () => this.segments.current !== null && this.host !== null && this.changed,
      walBytes: () => this.segments.current?.stats().walBytes ?? 0,
      underMemoryPressure: () => this.pager.underMemoryPressure,
    }, () => this.checkpoint(this.host!));
  }

  /** The manifest generation this store reads: the number of its first WAL segment. */
  get generation(): number {
    return this.manifest.walSegment;
  }

  /** Take the directory (writer lock or reader claim), read its manifest, open the data file. Options are checked (checkDBOptions). */
  static open(dir: string, options: DurableStoreOptions): DurableStore {
    const choice: IoChoice = options.ioOverride !== undefined
      ? { io: options.ioOverride, reason: 'ioOverride (a test seam)' }
      : chooseIo(options.io === undefined ? undefined : { prefer: options.io });
    const io = choice.io;
    const readOnly = options.readOnly === true;
    const access = DirectoryAccess.take(dir, io, readOnly);
    try {
      const manifest = readManifest(dir) ?? emptyManifest();
      // From here the writer keeps every slot this manifest names.
      access.readsGeneration(manifest.walSegment);
      const dataPath = join(dir, DATA_FILE);
      if (readOnly && !existsSync(dataPath)) throw new HoltError('NOT_FOUND', `no database at ${dir}`);
      // Readers read through the OS page cache: several reader processes then share
      // one copy of the frames the writer just wrote, read from disk once. Without
      // read-ahead, though: a reader's cold reads are scattered 4 KiB pages, and the
      // kernel's window around each would multiply the bytes it reads.
      const data = io.open(dataPath, { direct: !readOnly, create: !readOnly, readOnly, randomAccess: readOnly });
      const pager = new FilePager(io, data, dataPath, new Map(manifest.frames), manifest.nextSlot, manifest.nextFrameId,
        options.cacheMB ?? DEFAULT_CACHE_MB, { layout: writeRoutedImage, index: buildReadIndex }, manifest.walSegment);
      return new DurableStore(dir, choice, access, pager, manifest, options);
    } catch (e) {
      access.release();
      throw e;
    }
  }

  /** The writer's open: catalog and trees from the manifest and the live WAL, then a new segment (a failed load abandons the store). */
  load(host: StoreHost): void {
    try {
      this.loadCheckpoint(host);
      const started = performance.now();
      const redo = this.redo(host);
      // Versions continue above everything ever written: the manifest's high-water mark, or the WAL's.
      const highWater = Math.max(this.manifest.highWater, this.segments.replayFrom(this.manifest.walSegment, (r) => redo.apply(r), this.open));
      this.open.replayMillis = performance.now() - started;
      this.pager.releaseRetired(this.access.readers.oldestGeneration());
      this.checkpointer.counters.walSegmentsDeleted += this.segments.startAfter(this.manifest.walSegment, highWater);
    } catch (e) {
      this.abandon();
      throw e;
    }
    this.changed = this.open.replayRecords > 0;
    this.schedule.start();
  }

  /** The catalog and trees the manifest names, into `host` (writer and reader; the WAL is replayed after). */
  loadCheckpoint(host: StoreHost): void {
    this.host = host;
    this.catalogLog.load(this.manifest.catalog);
    host.catalog = this.catalogLog.decode();
    installTrees(host, this.pager, this.manifest.trees);
    syncTrees(host, this.pager);
  }

  /** Replay of WAL records into `host`'s trees and catalog, through this store's catalog records. */
  redo(host: StoreHost): LogRedo {
    return new LogRedo(host, this.catalogLog, this.pager);
  }

  /** Reader: move to the writer's newer manifest in place, if no frame this reader reads moved (FilePager.rebase). */
  rebaseTo(newest: Manifest): boolean {
    if (!this.pager.rebase(newest.frames)) return false;
    this.access.readsGeneration(newest.walSegment);
    this.manifest = newest;
    return true;
  }

  /** Give up after a failed load: release files without writing anything. */
  abandon(): void {
    this.schedule.stop();
    try { this.pager.data.close(); } catch { /* already closed */ }
    this.access.release();
  }

  // ---- writes (DbLog) ----

  /** Log one op; returns its version (the first, for a batch). */
  append(op: WalOp): number {
    return this.wal().append(op);
  }

  /** `append` of a put from scratch bytes (the hot path: no op object). */
  appendPut(treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number {
    return this.wal().appendPut(treeId, key, keyLen, value, valueLen);
  }

  /** The segment appends go to, for an append about to happen. */
  private wal(): WalWriter {
    const wal = this.segments.current;
    if (wal === null) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.changed = true;
    return wal;
  }

  /** Log the difference between two catalog states as one batch on the catalog's reserved tree id. */
  logCatalog(before: CatalogState, after: CatalogState, names?: readonly string[]): void {
    const ops = this.catalogLog.diff(before, after, names);
    if (ops.length > 0) this.append({ type: 'batch', ops });
    this.afterWrite();
  }

  afterWrite(): void {
    this.schedule.afterWrite();
    // A writer whose dirty frames fill the cache spills them (FilePager.spill): a synchronous loop
    // never lets the round the schedule started run, and dirty frames cannot be evicted.
    if (this.segments.current !== null && this.pager.needsSpill) this.pager.spill(() => this.segments.syncNow());
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
    return { catalog: this.catalogLog.all(), trees: manifestTrees(this.host!) };
  }

  /** @internal RoundParts */
  oldestReader(): number {
    return this.access.readers.oldestGeneration();
  }

  /** @internal RoundParts: a round published `manifest`; the drops it covers are finalized. */
  published(manifest: Manifest): void {
    this.manifest = manifest;
    this.schedule.roundDone();
    const host = this.host!;
    const finalized = finalizeDropped(host, this.pager);
    if (finalized === host.catalog) return;
    this.logCatalog(host.catalog, finalized);
    host.catalog = finalized;
  }

  async close(host: StoreHost): Promise<void> {
    this.schedule.stop();
    let failure: unknown = null;
    try {
      if (!this.readOnly) await this.checkpoint(host).catch((e: unknown) => { failure = e; });
      this.closed = true; // no background round after this point
      // Even when the checkpoint failed, the log is made durable before the files close (a reader has none).
      await this.segments.close();
    } finally {
      try { this.pager.data.close(); } catch { /* closed */ }
      this.access.release();
    }
    if (failure !== null) throw failure;
  }
}
