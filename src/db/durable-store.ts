/**
 * DurableStore: everything that makes a DB a directory on disk.
 *
 * ```
 *  DIR/LOCK            flock: one writer (exclusive)
 *  DIR/readers/        one claim file per reader process (db/reader-table.ts)
 *  DIR/data.holt       frames, one per 512 KiB slot (O_DIRECT where allowed)
 *  DIR/MANIFEST        frame id -> slot, catalog, tree roots, version high-water
 *  DIR/wal-NNNNNN.log  logical WAL segments; the manifest names the first live one
 * ```
 * Owns the pager, the current WAL segment and the checkpoint schedule. Opening
 * reads the manifest, then replays every live WAL segment through the walker
 * (idempotent redo). Versions continue above everything ever written: the
 * manifest keeps the high-water mark and each segment header its base.
 */
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { HoltError } from '../errors.js';
import type { DBOptions } from '../api/options.js';
import { loadIo } from '../io/index.js';
import { isIoError } from '../io/errors.js';
import type { FileHandle, Io } from '../io/types.js';
import { FilePager } from '../store/file-pager.js';
import { emptyManifest, publishManifest, readManifest, type Manifest } from '../store/manifest.js';
import { WalWriter } from '../wal/wal-writer.js';
import { replayWal } from '../wal/replay.js';
import { toHoltIoError } from '../wal/wal-errors.js';
import type { WalOp, WalRecord, WalSingleOp } from '../wal/wal-op.js';
import { writeImages } from '../checkpoint/checkpoint-round.js';
import { releaseTreeFrames } from '../art/frame-walk.js';
import { buildReadIndex } from '../art/read-index.js';
import { insert } from '../art/insert.js';
import { erase } from '../art/erase.js';
import { renameRecord } from '../art/rename.js';
import { applyCatalogOpOrThrow, type CatalogState } from './catalog-state.js';
import { decodeCatalog, encodeCatalog } from './catalog-codec.js';
import { CATALOG_TREE_ID } from './tree-ids.js';
import { ReaderTable, type ReaderClaim } from './reader-table.js';
import { writerIsLive } from './writer-presence.js';
import type { TreeState } from './tree-host.js';
import type { CheckpointStats, DurableStats } from '../api/stats.js';
import { collectDurableStats } from '../stats/durable-stats.js';
import { WalTotals } from '../wal/wal-totals.js';

/** What the store needs from the DB it serves (kept small to avoid a cycle). */
export interface StoreHost {
  catalog: CatalogState;
  readonly trees: Map<number, TreeState>;
  installTree(name: string, id: number, rootFrameId?: number, keyCount?: number): TreeState;
}

const DATA_FILE = 'data.holt';
const LOCK_FILE = 'LOCK';
const SEGMENT_RE = /^wal-(\d{6,})\.log$/;
const segmentName = (n: number): string => `wal-${String(n).padStart(6, '0')}.log`;

/**
 * @internal Test seam: `DB.open(dir, { ioOverride } as DBOptions)` makes the store
 * use this Io for the lock, data file and WAL instead of `loadIo()`, so tests
 * can inject faults (ENOSPC on pwrite...). The DB facade passes options through
 * unchanged; this is not part of the public API.
 */
export interface DurableStoreOptions extends DBOptions {
  ioOverride?: Io;
}

/** The store's running checkpoint counters: the public stats minus the debt, which is computed on read. */
export type CheckpointCounters = Omit<CheckpointStats, 'debt'>;

export class DurableStore {
  readonly dir: string;
  readonly io: Io;
  readonly pager: FilePager;
  readonly readOnly: boolean;
  private readonly durability: 'default' | 'sync';
  /** The writer's exclusive lock on DIR/LOCK; null for a reader, which never takes it. */
  private readonly lock: FileHandle | null;
  /** A reader's claim on the manifest generation it reads; null for the writer. */
  private readonly claim: ReaderClaim | null;
  private readonly readers: ReaderTable;
  private wal: WalWriter | null = null;
  /**
   * Segments no longer appended to whose close (write + fdatasync) has not
   * succeeded yet, oldest first: the one a checkpoint is closing, and any a
   * failed checkpoint left behind. sync() closes them before syncing the
   * current segment, so nothing in them is acknowledged before it is durable
   * and the durable log stays a prefix of what was appended.
   */
  private readonly unclosedWals: WalWriter[] = [];
  private closed = false;
  /** Its writer, still counted in stats until it is folded into `walTotals`. */
  private retiringWal: WalWriter | null = null;
  private readonly walTotals = new WalTotals();
  private segment: number;
  private manifest: Manifest;
  private catalogRecords = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  private highWater: number;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly walBytesTrigger: number;
  private readonly intervalMs: number;
  private appendsSinceCheck = 0;
  private changedSinceCheckpoint = false;
  private lastCheckpointAt = Date.now();
  private scheduled = false;
  private host: StoreHost | null = null;
  readonly checkpoints: CheckpointCounters = {
    attempted: 0, succeeded: 0, failed: 0, framesWritten: 0, bytesWritten: 0, lastRoundMillis: 0, walSegmentsDeleted: 0, lastError: null,
  };
  readonly open = { replayRecords: 0, replayMillis: 0, tornTailBytes: 0, zeroTailBytes: 0, segmentsReplayed: 0 };

  private constructor(
    dir: string, io: Io, lock: FileHandle | null, claim: ReaderClaim | null, pager: FilePager, manifest: Manifest, options: DBOptions,
  ) {
    this.dir = dir;
    this.io = io;
    this.lock = lock;
    this.claim = claim;
    this.readers = new ReaderTable(dir, io);
    this.pager = pager;
    this.manifest = manifest;
    this.readOnly = options.readOnly === true;
    this.durability = options.durability === 'sync' ? 'sync' : 'default';
    this.segment = manifest.walSegment;
    this.highWater = manifest.highWater;
    const cp = options.checkpoint;
    this.walBytesTrigger = cp === false ? Infinity : cp?.walBytes ?? 64 * 1024 * 1024;
    this.intervalMs = cp === false ? Infinity : cp?.intervalMs ?? 30_000;
  }

  static open(dir: string, options: DurableStoreOptions): DurableStore {
    if (options.durability !== undefined && options.durability !== 'fast' && options.durability !== 'sync') {
      throw new HoltError('INVALID_ARGUMENT', `durability must be 'fast' or 'sync'`);
    }
    const io = options.ioOverride ?? loadIo(options.io === undefined ? undefined : { prefer: options.io });
    const readOnly = options.readOnly === true;
    if (!existsSync(dir)) {
      if (readOnly) throw new HoltError('NOT_FOUND', `no database at ${dir}`);
      mkdirSync(dir, { recursive: true });
    }
    // One writer: an exclusive flock on LOCK. Readers never touch LOCK; they
    // register a claim instead, so they open beside a live writer.
    let lock: FileHandle | null = null;
    let claim: ReaderClaim | null = null;
    if (readOnly) {
      claim = new ReaderTable(dir, io).register();
    } else {
      // The writer makes the readers' directory, so that a reader adds nothing but its claim.
      mkdirSync(join(dir, 'readers'), { recursive: true });
      lock = io.open(join(dir, LOCK_FILE), { create: true });
      try {
        lock.lock('exclusive');
      } catch (e) {
        lock.close();
        if (isIoError(e, 'LOCKED')) throw new HoltError('LOCKED', `${dir} is in use by another writer`, { file: join(dir, LOCK_FILE) });
        throw new HoltError('IO_ERROR', `cannot lock ${dir}: ${(e as Error).message}`, { cause: e });
      }
    }
    const release = (): void => {
      claim?.release();
      try { lock?.close(); } catch { /* closed */ }
    };
    try {
      const manifest = readManifest(dir) ?? emptyManifest();
      // From here the writer keeps every slot this manifest names.
      claim?.setGeneration(manifest.walSegment);
      const dataPath = join(dir, DATA_FILE);
      if (readOnly && !existsSync(dataPath)) throw new HoltError('NOT_FOUND', `no database at ${dir}`);
      const data = io.open(dataPath, { direct: true, create: !readOnly, readOnly });
      const pager = new FilePager(
        io, data, dataPath, new Map(manifest.frames), manifest.nextSlot, manifest.nextFrameId, options.cacheMB ?? 256,
        buildReadIndex, manifest.walSegment,
      );
      return new DurableStore(dir, io, lock, claim, pager, manifest, options);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Rebuild the DB's catalog and trees from the manifest and the WAL. */
  load(host: StoreHost): void {
    this.host = host;
    for (const r of this.manifest.catalog) this.catalogRecords.set(Buffer.from(r.key).toString('hex'), r);
    host.catalog = decodeCatalog(this.catalogRecords.values());
    const names = new Map<number, string>();
    for (const [name, id] of host.catalog.live) names.set(id, name);
    for (const [id, d] of host.catalog.dropped) names.set(id, d.name);
    for (const t of this.manifest.trees) {
      const name = names.get(t.treeId);
      if (name === undefined) continue;
      const state = host.installTree(name, t.treeId, t.rootFrameId, t.keyCount);
      if (host.catalog.dropped.has(t.treeId)) state.dropped = true;
    }
    this.syncTrees(host);

    const segments = this.listSegments();
    const started = performance.now();
    const liveTail = this.readOnly && writerIsLive(this.dir);
    for (const n of segments) {
      if (n < this.manifest.walSegment) continue;
      const path = join(this.dir, segmentName(n));
      let result;
      try {
        // Beside a live writer, a record that does not decode is its current
        // write: read up to it (a prefix). Without one it is damage.
        result = replayWal({ io: this.io, path, onRecord: (r) => this.redo(host, r), liveTail });
      } catch (e) {
        // A live writer's checkpoint deleted the segment after this reader listed it.
        if (this.readOnly && !existsSync(path)) throw new WriterMovedOn(path);
        throw e;
      }
      this.open.segmentsReplayed++;
      this.open.replayRecords += result.records;
      // Zeros past the last record are the WAL's preallocation, left by a crash: not torn data.
      this.open.tornTailBytes += result.tornTailBytes - result.zeroTailBytes;
      this.open.zeroTailBytes += result.zeroTailBytes;
      this.highWater = Math.max(this.highWater, result.lastSeq, result.baseSeq);
      // A reader beside a live writer stops at the first record not yet
      // complete in the file: what follows cannot be part of a prefix.
      if (this.readOnly && result.tornTailBytes > result.zeroTailBytes) break;
    }
    this.open.replayMillis = performance.now() - started;
    if (this.readOnly) return;
    this.pager.releaseRetired(this.readers.oldestGeneration());
    for (const n of segments) if (n < this.manifest.walSegment) this.unlinkSegment(n);
    this.segment = Math.max(this.manifest.walSegment, (segments[segments.length - 1] ?? 0) + 1);
    this.wal = this.openSegment(this.segment, this.highWater);
    this.changedSinceCheckpoint = this.open.replayRecords > 0;
    if (Number.isFinite(this.intervalMs) || Number.isFinite(this.walBytesTrigger)) {
      const period = Math.min(Number.isFinite(this.intervalMs) ? this.intervalMs : 1000, 1000);
      this.timer = setInterval(() => this.maybeCheckpoint(false), period);
      this.timer.unref();
    }
  }

  /** Give up after a failed load: release files without writing anything. */
  abandon(): void {
    if (this.timer !== null) clearInterval(this.timer);
    try { this.pager.data.close(); } catch { /* already closed */ }
    this.releaseDirectory();
  }

  /** Give up the writer lock or the reader claim. */
  private releaseDirectory(): void {
    this.claim?.release();
    try { this.lock?.close(); } catch { /* already closed */ }
  }

  private listSegments(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = SEGMENT_RE.exec(name);
      if (m !== null) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  private unlinkSegment(n: number): void {
    try {
      unlinkSync(join(this.dir, segmentName(n)));
      this.checkpoints.walSegmentsDeleted++;
    } catch { /* already gone */ }
  }

  private openSegment(n: number, baseSeq: number): WalWriter {
    return WalWriter.open({ io: this.io, path: join(this.dir, segmentName(n)), durability: this.durability, initialBaseSeq: baseSeq });
  }

  // ---- replay ----

  private redo(host: StoreHost, r: WalRecord): void {
    const op = r.op;
    if (op.type !== 'batch') {
      this.redoOne(host, op, r.seq);
      this.applyCatalogRecords(host);
      return;
    }
    // A catalog change is one batch of record puts and deletes (logCatalog):
    // only the whole batch is a valid catalog, never a state inside it.
    op.ops.forEach((inner, i) => {
      if (inner.treeId !== CATALOG_TREE_ID) this.applyCatalogRecords(host);
      this.redoOne(host, inner, r.seq + i);
    });
    this.applyCatalogRecords(host);
  }

  /** Catalog records changed by redo and not yet decoded. */
  private catalogChanged = false;

  /** Decode the catalog records redo changed, and make the trees agree. */
  private applyCatalogRecords(host: StoreHost): void {
    if (!this.catalogChanged) return;
    this.catalogChanged = false;
    host.catalog = decodeCatalog(this.catalogRecords.values());
    this.syncTrees(host);
  }

  private redoOne(host: StoreHost, op: WalSingleOp, seq: number): void {
    if (op.treeId === CATALOG_TREE_ID) {
      if (op.type === 'put') this.catalogRecords.set(Buffer.from(op.key).toString('hex'), { key: Uint8Array.from(op.key), value: Uint8Array.from(op.value) });
      else if (op.type === 'delete') this.catalogRecords.delete(Buffer.from(op.key).toString('hex'));
      this.catalogChanged = true;
      return;
    }
    const t = host.trees.get(op.treeId);
    if (t === undefined) return; // a tree finalized later in the log
    const core = t.core;
    if (op.type === 'put') insert(core, op.key, op.key.length, op.value, op.value.length, seq);
    else if (op.type === 'delete') erase(core, op.key, op.key.length);
    else renameRecord(core, op.from, op.from.length, op.to, op.to.length, op.overwrite, seq);
  }

  /** Make the runtime trees agree with the catalog: install new ones, fence dropped, release finalized. */
  private syncTrees(host: StoreHost): void {
    const cat = host.catalog;
    for (const [name, id] of cat.live) if (!host.trees.has(id)) host.installTree(name, id);
    for (const [id, t] of host.trees) {
      if (cat.live.has(t.name) && cat.live.get(t.name) === id) continue;
      if (cat.dropped.has(id)) { t.dropped = true; continue; }
      this.releaseTree(t);
      host.trees.delete(id);
    }
  }

  private releaseTree(t: TreeState): void {
    t.dropped = true;
    releaseTreeFrames(this.pager, t.core.rootFrameId);
  }

  // ---- writes ----

  checkWritable(): void {
    if (this.readOnly) throw new HoltError('READ_ONLY', 'the database was opened read-only');
  }

  /** Log one op; returns its version (the first, for a batch). */
  append(op: WalOp): number {
    const wal = this.wal;
    if (wal === null) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.changedSinceCheckpoint = true;
    return wal.append(op);
  }

  /** `append` of a put from scratch bytes (the hot path: no op object). */
  appendPut(treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number {
    const wal = this.wal;
    if (wal === null) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.changedSinceCheckpoint = true;
    return wal.appendPut(treeId, key, keyLen, value, valueLen);
  }

  /** Log the difference between two catalog states as one batch on the catalog's reserved tree id. */
  logCatalog(before: CatalogState, after: CatalogState): void {
    const old = new Map(encodeCatalog(before).map((r) => [Buffer.from(r.key).toString('hex'), r]));
    const ops: WalSingleOp[] = [];
    for (const r of encodeCatalog(after)) {
      const k = Buffer.from(r.key).toString('hex');
      const prev = old.get(k);
      old.delete(k);
      if (prev === undefined || Buffer.compare(Buffer.from(prev.value), Buffer.from(r.value)) !== 0) {
        ops.push({ type: 'put', treeId: CATALOG_TREE_ID, key: r.key, value: r.value });
        this.catalogRecords.set(k, { key: r.key, value: r.value });
      }
    }
    for (const [k, r] of old) {
      ops.push({ type: 'delete', treeId: CATALOG_TREE_ID, key: r.key });
      this.catalogRecords.delete(k);
    }
    if (ops.length > 0) this.append({ type: 'batch', ops });
    this.afterWrite();
  }

  afterWrite(): void {
    if (++this.appendsSinceCheck >= 4096 || (this.pager.underMemoryPressure && !this.scheduled)) {
      this.appendsSinceCheck = 0;
      this.maybeCheckpoint(true);
    }
  }

  private maybeCheckpoint(fromWrite: boolean): void {
    if (this.scheduled || this.wal === null || this.host === null || !this.changedSinceCheckpoint) return;
    const bySize = this.wal.stats().walBytes >= this.walBytesTrigger;
    const byTime = !fromWrite && Date.now() - this.lastCheckpointAt >= this.intervalMs;
    // Dirty frames cannot be evicted: past half the pool they are written out
    // (even with scheduled checkpoints off) rather than growing memory.
    const byMemory = this.pager.underMemoryPressure;
    if (!bySize && !byTime && !byMemory) return;
    this.scheduled = true;
    const host = this.host;
    setImmediate(() => {
      this.checkpoint(host).catch(() => { /* counted in checkpoints.failed; retried next tick */ }).finally(() => { this.scheduled = false; });
    });
  }

  async sync(): Promise<void> {
    await this.closeUnclosed();
    if (this.wal !== null) await this.wal.sync();
  }

  /** Close every segment in `unclosedWals`, oldest first; throws (keeping the rest) while one fails. */
  private async closeUnclosed(): Promise<void> {
    while (this.unclosedWals.length > 0) {
      const w = this.unclosedWals[0]!;
      await w.close(); // concurrent callers share WalWriter's close promise
      if (this.unclosedWals[0] === w) this.unclosedWals.shift();
    }
  }

  // ---- checkpoint ----

  /** Run one checkpoint round after any round already in flight. */
  checkpoint(host: StoreHost): Promise<void> {
    const run = this.chain.then(() => this.round(host));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async round(host: StoreHost): Promise<void> {
    const pager = this.pager;
    if (this.wal === null || this.closed) return;
    if (!this.changedSinceCheckpoint && !pager.hasChanges) return;
    this.checkpoints.attempted++;
    const started = performance.now();

    // 1. Capture. The old segment's buffered records reach the OS before any
    // record goes to the new one, so a killed process can never leave a later
    // segment holding records whose predecessors were lost with its memory.
    const oldWal = this.wal;
    oldWal.handOff();
    const oldSegment = this.segment;
    const highWater = oldWal.nextSeq - 1;
    const nextSegment = oldSegment + 1;
    this.wal = this.openSegment(nextSegment, highWater);
    this.segment = nextSegment;
    this.changedSinceCheckpoint = false;
    const round = pager.captureRound();
    const manifest: Manifest = {
      highWater,
      walSegment: nextSegment,
      nextFrameId: round.nextFrameId,
      nextSlot: round.nextSlot,
      catalog: [...this.catalogRecords.values()],
      trees: [...host.trees.values()].map((t) => ({ treeId: t.id, rootFrameId: t.core.rootFrameId, keyCount: t.core.keyCount })),
      frames: round.frames,
    };

    // 2-3. Write and publish.
    this.unclosedWals.push(oldWal);
    this.retiringWal = oldWal;
    try {
      await this.closeUnclosed();
      const bytes = await writeImages(pager.data, round.images);
      publishManifest(this.io, this.dir, manifest);
      this.checkpoints.framesWritten += round.images.length;
      this.checkpoints.bytesWritten += bytes;
    } catch (e) {
      // Nothing is published: the old manifest and every segment still describe the data.
      pager.rollbackRound(round);
      this.changedSinceCheckpoint = true;
      this.checkpoints.failed++;
      this.checkpoints.lastError = (e as Error).message;
      // ENOSPC from the data file or the manifest is NO_SPACE, like the WAL's.
      throw toHoltIoError(e, (e as { path?: unknown }).path as string | undefined ?? this.dir, 'checkpoint failed');
    } finally {
      this.walTotals.retire(oldWal.stats());
      this.retiringWal = null;
    }

    // 4. Retire what the new manifest no longer names.
    pager.commitRound(round, nextSegment);
    pager.releaseRetired(this.readers.oldestGeneration());
    for (const n of this.listSegments()) if (n < nextSegment) this.unlinkSegment(n);
    this.manifest = manifest;
    this.lastCheckpointAt = Date.now();
    this.checkpoints.succeeded++;
    this.checkpoints.lastRoundMillis = performance.now() - started;
    this.checkpoints.lastError = null;
    this.finalizeDropped(host);
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
        this.releaseTree(t);
        host.trees.delete(id);
      }
      state = applyCatalogOpOrThrow(state, { kind: 'finalize', id }).state;
    }
    this.logCatalog(before, state);
    host.catalog = state;
  }

  async close(host: StoreHost): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
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
        await this.closeUnclosed();
        await this.wal?.close();
        if (failure !== null) throw failure;
      }
    } finally {
      try { this.pager.data.close(); } catch { /* closed */ }
      this.releaseDirectory();
    }
  }

  stats(): DurableStats {
    return collectDurableStats({
      io: this.io, pager: this.pager, wal: this.wal, retiringWal: this.retiringWal, walTotals: this.walTotals,
      walSegment: this.segment, checkpoints: this.checkpoints, open: this.open,
      readerGeneration: this.claim === null ? null : this.manifest.walSegment,
    });
  }
}

/**
 * A reader found that a WAL segment it listed was deleted by the writer's
 * checkpoint: the open starts over from the newer manifest (DB.open retries).
 */
export class WriterMovedOn extends Error {
  constructor(path: string) {
    super(`${path} was retired by a checkpoint while a reader was opening`);
  }
}
