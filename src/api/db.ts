/**
 * DB: a database of named trees sharing one version sequence, one log and one
 * checkpoint boundary. `DB.memory()` keeps everything in memory;
 * `DB.open(dir)` is file-backed and crash-safe (see docs/API.md).
 *
 * The class is a facade: catalog rules live in db/catalog-state.ts, writes
 * in db/write-protocol.ts, batch semantics in db/atomic-apply.ts, storage in
 * db/durable-store.ts, a reader's refreshes in db/reader-follow.ts.
 */
import { describe, HoltError, invalidArgument } from '../errors.js';
import { AtomicRecorder, recordBatch, type AtomicBatch, type AtomicBatchTree } from './atomic-batch.js';
import type { AtomicResult } from '../shapes/batch.js';
import { Tree } from './tree.js';
import { Snapshot, type SnapshotSource } from './snapshot.js';
import type { AsyncView } from './async-reads.js';
import { batchedLookupsOf } from '../art/batched-lookup.js';
import { checkDBOptions } from './options.js';
import type { DBOptions } from '../shapes/options.js';
import type { DBStats, TreeInfo } from '../shapes/stats.js';
import { collectDBStats } from '../stats/db-stats.js';
import { MemoryPager } from '../store/memory-pager.js';
import type { FramePager } from '../store/frame-pager.js';
import {
  applyCatalogOpOrThrow, assertTreeName, emptyCatalog, liveTreeId, type CatalogState,
} from '../db/catalog-state.js';
import type { TreeHost } from '../db/tree-host.js';
import { finalizeDropped, installTree, type TreeState } from '../db/tree-state.js';
import type { TreeCore } from '../art/tree-core.js';
import { DurableStore } from '../db/durable-store.js';
import { ReaderFollow, type FollowHost } from '../db/reader-follow.js';
import { MemoryLog, type DbLog } from '../db/db-log.js';
import { WriteProtocol } from '../db/write-protocol.js';
import { releaseShapeKeeper } from '../art/scan.js';

export class DB implements TreeHost, SnapshotSource, FollowHost {
  /** @internal */ catalog: CatalogState = emptyCatalog();
  /** @internal Trees by id: live ones and dropped ones awaiting finalization. */
  readonly trees = new Map<number, TreeState>();
  private readonly handles = new Map<number, Tree>();
  /** @internal Replaced by `refresh()` on a read-only DB. */ pager!: FramePager;
  /** @internal Replaced by `refresh()` on a read-only DB. */ durable!: DurableStore | null;
  /** @internal A read-only DB's refreshes; null for a writer or memory DB. */ readonly follow: ReaderFollow | null;
  /** Where writes are recorded and versions come from: the durable store, or a memory counter. */
  private log!: DbLog;
  /** Log, apply, afterWrite: what every write goes through (TreeHost.writable). */
  private writes!: WriteProtocol;
  private readonly snapshots = new Set<Snapshot>();
  private closed = false;
  private closing: Promise<void> | null = null;
  /** True when opened with `readOnly`: every mutation throws READ_ONLY. */
  readonly readOnly: boolean;
  /** Directory of a file-backed DB, undefined in memory. */
  readonly path: string | undefined;

  private constructor(store: DurableStore | null, path: string | undefined, follow: ReaderFollow | null = null) {
    this.useStore(store);
    this.readOnly = store?.readOnly ?? false;
    this.path = path;
    this.follow = follow;
  }

  /** A database that lives only in memory. */
  static memory(): DB {
    return new DB(null, undefined);
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
    if (opts.readOnly === true) {
      const follow = new ReaderFollow(dir, opts);
      return follow.open((store) => new DB(store, dir, follow)).host;
    }
    const store = DurableStore.open(dir, opts);
    const db = new DB(store, dir);
    store.load(db);
    return db;
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
    if (this.follow === null) return; // a writer or memory DB: nothing newer
    this.closeSnapshots(); // they would see the catch-up's writes, or old files after a reload
    // A catch-up changes this DB's trees and catalog in place: its cost follows what the writer did, not the tree count.
    const catalogBefore = this.catalog;
    try {
      this.follow.refresh(this, this.durable!);
    } catch (e) {
      // A failed catch-up changed frames and reloading failed too: no state the writer committed is left to serve.
      this.closed = true;
      for (const t of this.trees.values()) t.dropped = true;
      throw e;
    }
    if (this.catalog !== catalogBefore) {
      // Trees dropped, finalized or replaced meanwhile: their handles go.
      for (const id of [...this.handles.keys()]) if (this.trees.get(id)?.dropped !== false) this.handles.delete(id);
    }
  }

  /** @internal FollowHost: read and write through `store` from now on (open, a reader's reload; null: memory). */
  useStore(store: DurableStore | null): void {
    this.durable = store;
    this.pager = store?.pager ?? new MemoryPager();
    this.log = store ?? new MemoryLog();
    this.writes = new WriteProtocol(this.log, this.pager);
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
    return this.handleFor(installTree(this, this.pager, name, result.id));
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
    // A memory DB has no log to make the drop durable first: its frames go at once.
    if (!this.log.dropWaitsForCheckpoint) this.catalog = finalizeDropped(this, this.pager);
  }

  /** Live trees in byte order of their names. */
  listTrees(): TreeInfo[] {
    this.checkOpen();
    const out: TreeInfo[] = [];
    for (const [name, id] of this.catalog.live) out.push({ name, id, keys: this.trees.get(id)!.core.keyCount });
    out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    return out;
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
    this.writable(tree.state);
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
    return this.writes.batch(this, recorder.ops);
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
    this.follow?.close();
    releaseShapeKeeper();
    const reads = this.pager.reads;
    this.closing = (async () => {
      // Reads in flight end first (rejected CLOSED at their next step): none may outlive the data file.
      if (reads !== null) await batchedLookupsOf(reads).idle();
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
  }

  /** @internal */
  checkReadable(state: TreeState): void {
    this.pager.beginOperation();
    if (state.dropped) {
      if (this.closed) throw new HoltError('CLOSED', 'the database is closed');
      throw new HoltError('TREE_DROPPED', `tree ${JSON.stringify(state.name)} was dropped`);
    }
  }

  /**
   * @internal AsyncReadHost: `state`'s tree as it is now, for reads in
   * flight: a snapshot, closed when they settle (db.stats().snapshots counts
   * it meanwhile), and closed with the DB or by a read-only DB's refresh.
   */
  asyncView(state: TreeState): AsyncView {
    const snap = this.snapshot();
    const t = snap.tree(state.name).state;
    return { core: t.core, check: () => snap.checkReadable(t), release: () => snap.close() };
  }

  /** @internal */
  writable(state: TreeState): WriteProtocol {
    this.pager.beginOperation();
    if (state.dropped) this.checkReadable(state);
    if (this.readOnly) throw new HoltError('READ_ONLY', 'the database was opened read-only');
    this.pager.beginWrite();
    // Open snapshots keep the key count and root this write may change.
    this.pager.versions.preserveTree(state.core);
    return this.writes;
  }
}
