/**
 * DB: a database of named trees sharing one version sequence, one log and one
 * checkpoint boundary. `DB.memory()` keeps everything in memory;
 * `DB.open(dir)` is file-backed and crash-safe (see docs/API.md).
 *
 * The class is a facade: catalog rules live in db/catalog-state.ts, batch
 * semantics in db/atomic-apply.ts, storage in db/durable-store.ts.
 */
import { HoltError } from '../errors.js';
import { describe, invalidArgument } from './validate.js';
import { AtomicRecorder, recordBatch, type AtomicBatch, type AtomicBatchTree, type AtomicResult } from './atomic-batch.js';
import { Tree } from './tree.js';
import { Snapshot, type SnapshotSource } from './snapshot.js';
import { checkDBOptions, type DBOptions, type TreeInfo } from './options.js';
import type { DBStats } from './stats.js';
import { collectDBStats } from '../stats/db-stats.js';
import { MemoryPager } from '../store/memory-pager.js';
import type { FramePager } from '../store/frame-pager.js';
import {
  applyCatalogOpOrThrow, assertTreeName, emptyCatalog, liveTreeId, type CatalogState,
} from '../db/catalog-state.js';
import { applyBatch, batchWriteCount, evaluateBatch } from '../db/atomic-apply.js';
import { newTreeState, releaseTree, type TreeHost, type TreeState } from '../db/tree-host.js';
import type { TreeCore, TreeRootLocation } from '../art/tree-core.js';
import { DurableStore, WriterMovedOn, newRefreshCounters, type RefreshCounters, type StoreHost } from '../db/durable-store.js';
import { MemoryLog, type DbLog } from '../db/db-log.js';
import type { WalSingleOp } from '../wal/wal-op.js';

/** Attempts of a reader open that keeps racing the writer's checkpoints. */
const MAX_READER_ATTEMPTS = 20;

/** What a reload (DB.refresh) loads into before the DB switches to it. */
class LoadedTrees implements StoreHost {
  catalog: CatalogState = emptyCatalog();
  readonly trees = new Map<number, TreeState>();
  private readonly pager: FramePager;

  constructor(pager: FramePager) {
    this.pager = pager;
  }

  installTree(name: string, id: number, root?: TreeRootLocation, keyCount = 0): TreeState {
    const t = newTreeState(this.pager, name, id, root, keyCount);
    this.trees.set(id, t);
    return t;
  }
}

export class DB implements TreeHost, SnapshotSource {
  /** @internal */ catalog: CatalogState = emptyCatalog();
  /** @internal Trees by id: live ones and dropped ones awaiting finalization. */
  readonly trees = new Map<number, TreeState>();
  private readonly handles = new Map<number, Tree>();
  /** @internal Replaced by `refresh()` on a read-only DB. */ pager: FramePager;
  /** @internal Replaced by `refresh()` on a read-only DB. */ durable: DurableStore | null;
  /** Where writes are recorded and versions come from: the durable store, or a memory counter. */
  private log: DbLog;
  private readonly options: DBOptions;
  private readonly snapshots = new Set<Snapshot>();
  /** A reader's refreshes (lent to each durable store it loads). */
  private readonly refreshes: RefreshCounters;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** True when opened with `readOnly`: every mutation throws READ_ONLY. */
  readonly readOnly: boolean;
  /** Directory of a file-backed DB, undefined in memory. */
  readonly path: string | undefined;

  private constructor(
    pager: FramePager, durable: DurableStore | null, readOnly: boolean, path: string | undefined, options: DBOptions = {},
    refreshes?: RefreshCounters,
  ) {
    this.pager = pager;
    this.refreshes = refreshes ?? newRefreshCounters();
    this.options = options;
    this.durable = durable;
    this.log = durable ?? new MemoryLog();
    this.readOnly = readOnly;
    this.path = path;
  }

  /** A database that lives only in memory. */
  static memory(): DB {
    return new DB(new MemoryPager(), null, false, undefined);
  }

  /**
   * Open (or create) a file-backed database in directory `dir`. One writer per
   * directory: a second writer gets LOCKED. `readOnly` takes a shared lock,
   * replays the log in memory and rejects every mutation with READ_ONLY.
   * A bad `dir` or `options` (see DBOptions) is INVALID_ARGUMENT, thrown
   * before the directory is touched.
   */
  static open(dir: string, options?: DBOptions): DB {
    if (typeof dir !== 'string' || dir.length === 0 || dir.includes('\0')) {
      throw invalidArgument(`DB.open needs a directory path (a non-empty string without NUL), got ${describe(dir)}`);
    }
    const opts = checkDBOptions(options);
    const refreshes = newRefreshCounters();
    for (let attempt = 1; ; attempt++) {
      const durable = DurableStore.open(dir, opts, refreshes);
      const db = new DB(durable.pager, durable, opts.readOnly === true, dir, opts, refreshes);
      try {
        durable.load(db);
        return db;
      } catch (e) {
        durable.abandon();
        // A reader raced a live writer's checkpoint: start over from its newer manifest.
        if (!(e instanceof WriterMovedOn) || attempt >= MAX_READER_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * Move a read-only DB to the newest state of its directory: the writer's
   * checkpoint plus every WAL record it has written since.
   * Tree handles stay valid and see the new state (a tree dropped meanwhile
   * throws TREE_DROPPED); scans begun before the refresh on a tree it changed
   * end with CLOSED (after a reload: on every tree), and snapshots taken
   * before it are closed. On a writer or memory DB there is nothing newer: it
   * does nothing. The state between two refreshes never changes, however the
   * writer goes on.
   *
   * Cost: a refresh reads only the WAL the writer appended since the last one
   * (a catch-up) and, when the writer has published a newer checkpoint, moves
   * to it in place if no frame this reader reads from disk moved. Otherwise,
   * after 5 s (READER_REBASE_MS), or at once if the reader fell a whole WAL
   * segment behind, it reloads from the newest checkpoint: a replay of that
   * checkpoint's WAL, keeping the frames that did not change
   * (`stats().durable.readers` counts each kind).
   * If a refresh fails after it began changing the state (an I/O error), and
   * reloading fails too, the DB is closed: it never serves a state the writer
   * did not commit.
   */
  refresh(): void {
    this.checkOpen();
    if (!this.readOnly || this.path === undefined) return; // a read-only DB is file-backed
    this.closeSnapshots(); // they would see the catch-up's writes, or old files after a reload
    // A catch-up changes this DB's trees and catalog in place: its cost follows what the writer did, not the tree count.
    const catalogBefore = this.catalog;
    const touched = new Set<number>();
    let current: boolean;
    try {
      current = this.durable!.catchUp(this, touched);
    } catch {
      // Part of a record may have been applied: only a reload gives a state the writer committed.
      this.reloadOrClose();
      return;
    }
    // Scans of the trees that changed end with CLOSED; the others read on.
    for (const id of touched) {
      const t = this.trees.get(id);
      if (t !== undefined) t.core = t.core.renewed();
    }
    if (this.catalog !== catalogBefore) {
      // Trees dropped or finalized meanwhile (the catch-up fenced them): their handles go.
      for (const id of [...this.handles.keys()]) if (this.trees.get(id)?.dropped !== false) this.handles.delete(id);
    }
    if (current) this.refreshes.catchUps++;
    else this.reloadOrClose();
  }

  /** Reload from the newest manifest; a DB whose frames a failed catch-up changed cannot stay open if that fails. */
  private reloadOrClose(): void {
    try {
      this.reload();
    } catch (e) {
      this.closed = true;
      for (const t of this.trees.values()) t.dropped = true;
      this.durable!.abandon();
      throw e;
    }
  }

  /** Load the newest checkpoint and its WAL into a new store, then switch to it. */
  private reload(): void {
    for (let attempt = 1; ; attempt++) {
      const next = DurableStore.open(this.path!, this.options, this.refreshes);
      const loaded = new LoadedTrees(next.pager);
      try {
        this.refreshes.framesInherited += next.pager.inheritFrom(this.durable!.pager);
        next.load(loaded);
      } catch (e) {
        next.abandon();
        if (!(e instanceof WriterMovedOn) || attempt >= MAX_READER_ATTEMPTS) throw e;
        continue;
      }
      const old = this.durable!;
      this.pager = next.pager;
      this.durable = next;
      this.log = next;
      this.adoptTrees(loaded);
      old.abandon();
      this.refreshes.reloads++;
      return;
    }
  }

  /** Switch to a newer state of the trees: same TreeState objects (handles hold them), new cores. */
  private adoptTrees(loaded: LoadedTrees): void {
    this.catalog = loaded.catalog;
    for (const [id, t] of [...this.trees]) {
      const fresh = loaded.trees.get(id);
      if (fresh === undefined || fresh.name !== t.name) {
        t.dropped = true;
        this.trees.delete(id);
        this.handles.delete(id);
      }
    }
    for (const [id, fresh] of loaded.trees) {
      const t = this.trees.get(id);
      if (t === undefined) { this.trees.set(id, fresh); continue; }
      t.core = fresh.core;
      t.dropped = fresh.dropped;
      if (t.dropped) this.handles.delete(id);
    }
  }

  // ---- catalog ----

  /** Create a new, empty tree. Throws TREE_EXISTS if a live tree has this name. */
  createTree(name: string): Tree {
    this.checkOpen();
    this.checkMutable();
    assertTreeName(name);
    const { state, result } = applyCatalogOpOrThrow(this.catalog, { kind: 'create', name });
    this.log.logCatalog(this.catalog, state, [name]);
    this.catalog = state;
    // The new root goes into a shared frame: open snapshots must keep that frame's bytes.
    this.pager.beginOperation();
    this.pager.beginWrite();
    return this.handleFor(this.installTree(name, result.id));
  }

  /** Open an existing tree. Throws TREE_NOT_FOUND. */
  openTree(name: string): Tree {
    this.checkOpen();
    assertTreeName(name);
    const id = liveTreeId(this.catalog, name);
    if (id === undefined) throw new HoltError('TREE_NOT_FOUND', `no tree named ${JSON.stringify(name)}`);
    return this.handleFor(this.trees.get(id)!);
  }

  /** Open the tree, creating it if it does not exist. */
  tree(name: string): Tree {
    this.checkOpen();
    assertTreeName(name);
    const id = liveTreeId(this.catalog, name);
    if (id !== undefined) return this.handleFor(this.trees.get(id)!);
    return this.createTree(name);
  }

  /**
   * Drop a tree: it disappears from listTrees/openTree at once, existing
   * handles throw TREE_DROPPED, and its space is reclaimed after the next
   * checkpoint. A new tree with the same name starts empty.
   */
  dropTree(name: string): void {
    this.checkOpen();
    this.checkMutable();
    assertTreeName(name);
    const { state, result } = applyCatalogOpOrThrow(this.catalog, { kind: 'drop', name });
    this.log.logCatalog(this.catalog, state, [name]);
    this.catalog = state;
    const t = this.trees.get(result.id)!;
    t.dropped = true;
    this.handles.delete(result.id);
    if (!this.log.dropWaitsForCheckpoint) this.finalizeTree(result.id);
  }

  /** Live trees in byte order of their names. */
  listTrees(): TreeInfo[] {
    this.checkOpen();
    const out: TreeInfo[] = [];
    for (const [name, id] of this.catalog.live) out.push({ name, id, keys: this.trees.get(id)!.core.keyCount });
    out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    return out;
  }

  /** @internal Create the runtime for a tree id (new, or found while loading). */
  installTree(name: string, id: number, root?: TreeRootLocation, keyCount = 0): TreeState {
    const t = newTreeState(this.pager, name, id, root, keyCount);
    this.trees.set(id, t);
    return t;
  }

  /** @internal Release every frame of a dropped tree and forget it. */
  finalizeTree(id: number): void {
    const t = this.trees.get(id);
    if (t === undefined) return;
    releaseTree(this.pager, t);
    this.trees.delete(id);
    this.catalog = applyCatalogOpOrThrow(applyCatalogOpOrThrow(this.catalog, { kind: 'checkpoint' }).state, { kind: 'finalize', id }).state;
  }

  private handleFor(t: TreeState): Tree {
    let h = this.handles.get(t.id);
    if (h === undefined) {
      h = new Tree(t, this);
      this.handles.set(t.id, h);
    }
    return h;
  }

  // ---- snapshots ----

  /**
   * A read-only view of every tree as it is now, in O(1): reads through it
   * see exactly this instant while writes go on. Close it when done (or
   * `using snap = db.snapshot()`): it keeps a copy of each frame written
   * after it, and `db.stats().snapshots` counts the open ones.
   * On a read-only DB, `refresh()` closes the snapshots taken before it.
   */
  snapshot(): Snapshot {
    this.checkOpen();
    const snap = new Snapshot(this, this.pager.versions.take(), this.catalog);
    this.snapshots.add(snap);
    return snap;
  }

  /** @internal SnapshotSource */
  liveCore(id: number): TreeCore | undefined {
    return this.trees.get(id)?.core;
  }

  /** @internal */
  checkSnapshotReadable(): void {
    this.checkOpen();
  }

  /** @internal */
  releaseSnapshot(snap: Snapshot): void {
    if (!this.snapshots.delete(snap)) return;
    this.pager.versions.release(snap.set);
  }

  /** @internal When the oldest open snapshot was taken, or null (stats). */
  get oldestSnapshotAt(): number | null {
    let oldest: number | null = null;
    for (const s of this.snapshots) if (oldest === null || s.takenAt < oldest) oldest = s.takenAt;
    return oldest;
  }

  private closeSnapshots(): void {
    for (const s of [...this.snapshots]) s.close();
  }

  // ---- atomic batches ----

  /**
   * Run `fn` to record operations on any trees, then apply them all or none.
   * Every guard is checked first against the state the batch projects; the
   * writes then apply under one log record. Returns `{ ok: false, failure }`
   * when a guard fails (nothing applied). Trees named in the batch must exist.
   * `fn` must be synchronous: one that returns a promise is INVALID_ARGUMENT.
   */
  atomic(fn: (batch: AtomicBatch) => void): AtomicResult {
    this.checkOpen();
    this.checkMutable();
    const recorder = new AtomicRecorder((name) => { this.openTree(name); });
    recordBatch(recorder, fn, recorder);
    return this.commitBatch(recorder);
  }

  /** @internal tree.atomic(): the same, restricted to one tree. */
  atomicOnTree(tree: Tree, fn: (b: AtomicBatchTree) => void): AtomicResult {
    this.checkWritable(tree.state);
    const name = tree.state.name;
    const recorder = new AtomicRecorder((n) => {
      if (n !== name) throw new HoltError('INVALID_ARGUMENT', 'tree.atomic batches may only touch their own tree');
    });
    recordBatch(recorder, fn, recorder.tree(name));
    return this.commitBatch(recorder);
  }

  private commitBatch(recorder: AtomicRecorder): AtomicResult {
    // After the batch's own callback, which may have read (a read begins an operation of its own).
    this.pager.beginOperation();
    this.pager.beginWrite();
    const ops = recorder.ops;
    if (ops.length === 0) return { ok: true, versions: [] };
    const trees = ops.map((op) => {
      const t = this.trees.get(liveTreeId(this.catalog, op.tree) ?? -1);
      if (t === undefined) throw new HoltError('TREE_NOT_FOUND', `no tree named ${JSON.stringify(op.tree)}`);
      return t;
    });
    const failure = evaluateBatch(ops, trees);
    if (failure !== undefined) return { ok: false, failure };
    for (const t of trees) this.pager.versions.preserveTree(t.core);
    const writes = batchWriteCount(ops);
    let first = 0; // no write: no version is used
    if (writes > 0) {
      const walOps: WalSingleOp[] = [];
      ops.forEach((op, i) => {
        const treeId = trees[i]!.id;
        if (op.kind === 'put' || op.kind === 'putIfAbsent' || op.kind === 'compareAndPut') walOps.push({ type: 'put', treeId, key: op.key, value: op.value });
        else if (op.kind === 'delete' || op.kind === 'deleteIfVersion') walOps.push({ type: 'delete', treeId, key: op.key });
        else if (op.kind === 'rename') walOps.push({ type: 'rename', treeId, from: op.key, to: op.to, overwrite: op.overwrite });
      });
      first = this.log.append({ type: 'batch', ops: walOps });
    }
    const versions = applyBatch(ops, trees, first);
    this.afterWrite();
    return { ok: true, versions };
  }

  // ---- durability ----

  /** Resolves when every write made before the call is durable (one shared fdatasync). */
  async sync(): Promise<void> {
    this.checkOpen();
    await this.log.sync();
  }

  /** Write dirty frames and publish a new manifest, then drop the covered log. */
  async checkpoint(): Promise<void> {
    this.checkOpen();
    if (!this.readOnly) await this.log.checkpoint(this);
  }

  /** Sync, checkpoint and release the directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.closing ?? undefined;
    this.closed = true;
    this.closeSnapshots();
    this.closing = (async () => {
      await this.log.close(this);
      for (const t of this.trees.values()) t.dropped = true;
    })();
    return this.closing;
  }

  /** Counters and gauges (see docs/API.md). Reading them changes nothing. */
  stats(): DBStats {
    this.checkOpen();
    return collectDBStats(this);
  }

  // ---- TreeHost ----

  private checkOpen(): void {
    if (this.closed) throw new HoltError('CLOSED', 'the database is closed');
  }

  private checkMutable(): void {
    if (this.readOnly) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.log.checkWritable();
  }

  /** @internal */
  checkReadable(state: TreeState): void {
    this.pager.beginOperation();
    if (state.dropped) {
      if (this.closed) throw new HoltError('CLOSED', 'the database is closed');
      throw new HoltError('TREE_DROPPED', `tree ${JSON.stringify(state.name)} was dropped`);
    }
  }

  /** @internal */
  checkWritable(state: TreeState): void {
    this.pager.beginOperation();
    if (state.dropped) this.checkReadable(state);
    if (this.readOnly) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.pager.beginWrite();
    // Open snapshots keep the key count and root this write may change.
    this.pager.versions.preserveTree(state.core);
  }

  /** @internal */
  logPut(state: TreeState, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number {
    return this.log.appendPut(state.id, key, keyLen, value, valueLen);
  }

  /** @internal */
  logDelete(state: TreeState, key: Uint8Array, keyLen: number): number {
    return this.log.append({ type: 'delete', treeId: state.id, key: key.subarray(0, keyLen) });
  }

  /** @internal */
  logRename(state: TreeState, from: Uint8Array, fromLen: number, to: Uint8Array, toLen: number, overwrite: boolean): number {
    return this.log.append({ type: 'rename', treeId: state.id, from: from.subarray(0, fromLen), to: to.subarray(0, toLen), overwrite });
  }

  /** @internal */
  afterWrite(): void {
    this.log.afterWrite();
  }
}
