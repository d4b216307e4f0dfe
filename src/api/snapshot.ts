/**
 * Snapshot: a read-only view of every tree of a DB at one instant.
 *
 * `db.snapshot()` takes one in O(1); reads through it (`tree(name).get`,
 * `getRecord`, `scan`, `count`, `listTrees`, ...) see exactly that instant
 * while writes go on, because the DB copies each frame the first time a write
 * reaches it after the snapshot (store/frame-versions.ts). Copies live until
 * `close()` (or `using` / `Symbol.dispose`): an open snapshot holds memory in
 * proportion to what changed since, and `db.stats().snapshots` shows it.
 */
import { HoltError } from '../errors.js';
import { TreeCore } from '../art/tree-core.js';
import { liveTreeId, type CatalogState } from '../db/catalog-state.js';
import type { TreeHost } from '../db/tree-host.js';
import type { TreeState } from '../db/tree-state.js';
import type { FramePager } from '../store/frame-pager.js';
import type { FrameVersionSet } from '../store/frame-versions.js';
import { SnapshotPager } from '../store/snapshot-pager.js';
import { assertTreeName } from '../db/catalog-state.js';
import type { AtomicBatchTree } from './atomic-batch.js';
import type { AtomicResult } from '../shapes/batch.js';
import type { TreeInfo } from '../shapes/stats.js';
import { Tree } from './tree.js';
import type { AsyncView } from './async-reads.js';

/** What a snapshot needs from the DB: the live pager, its trees, and a way to give its versions back. */
export interface SnapshotSource {
  readonly pager: FramePager;
  /** The live tree `id` (dropped or not) until it is finalized. */
  liveCore(id: number): TreeCore | undefined;
  /** Throws CLOSED when the DB is closed. */
  checkSnapshotReadable(): void;
  releaseSnapshot(snapshot: Snapshot): void;
}

export class Snapshot implements TreeHost {
  private readonly source: SnapshotSource;
  /** @internal */ readonly set: FrameVersionSet;
  private readonly pager: SnapshotPager;
  private readonly catalog: CatalogState;
  private readonly states = new Map<number, TreeState>();
  private readonly handles = new Map<number, Tree>();
  private closed = false;
  /** When it was taken (Date.now()), for stats. */
  readonly takenAt = Date.now();

  /**
   * @internal Snapshots come from `db.snapshot()`. Nothing per tree is
   * recorded here: a tree's root location and key count are read when the
   * snapshot first uses the tree, from the snapshot's preserved values if the
   * tree changed since (FrameVersions.preserveTree), else from the live tree.
   */
  constructor(source: SnapshotSource, set: FrameVersionSet, catalog: CatalogState) {
    this.source = source;
    this.set = set;
    this.pager = new SnapshotPager(source.pager, set);
    this.catalog = catalog;
  }

  /** The snapshot's state of tree `id`, made on first use. */
  private stateFor(id: number, name: string): TreeState | undefined {
    let state = this.states.get(id);
    if (state !== undefined) return state;
    const version = this.set.trees.get(id) ?? this.source.liveCore(id);
    if (version === undefined) return undefined;
    const core = new TreeCore(id, this.pager, { ...version.root });
    core.keyCount = version.keyCount;
    state = { name, id, core, dropped: this.closed };
    this.states.set(id, state);
    return state;
  }

  /** True until `close()`. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** The tree as it was when the snapshot was taken (read-only: writes throw READ_ONLY). TREE_NOT_FOUND if it did not exist. */
  tree(name: string): Tree {
    this.checkOpen();
    assertTreeName(name);
    const id = liveTreeId(this.catalog, name);
    const state = id === undefined ? undefined : this.stateFor(id, name);
    if (state === undefined) throw new HoltError('TREE_NOT_FOUND', `no tree named ${JSON.stringify(name)} in the snapshot`);
    let h = this.handles.get(state.id);
    if (h === undefined) {
      h = new Tree(state, this);
      this.handles.set(state.id, h);
    }
    return h;
  }

  /** Same as `tree(name)`: a snapshot never creates trees. */
  openTree(name: string): Tree {
    return this.tree(name);
  }

  /** The live trees at the snapshot's instant, in byte order of their names. */
  listTrees(): TreeInfo[] {
    this.checkOpen();
    const out: TreeInfo[] = [];
    for (const [name, id] of this.catalog.live) out.push({ name, id, keys: this.stateFor(id, name)?.core.keyCount ?? 0 });
    out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    return out;
  }

  /** Release the frame copies; every handle and iterator from the snapshot then throws CLOSED. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.states.values()) s.dropped = true;
    this.source.releaseSnapshot(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new HoltError('CLOSED', 'the snapshot is closed');
  }

  // ---- TreeHost: reads only ----

  /** @internal */
  checkReadable(state: TreeState): void {
    if (this.closed) throw new HoltError('CLOSED', 'the snapshot is closed');
    this.source.checkSnapshotReadable();
    this.pager.beginOperation();
    if (state.dropped) throw new HoltError('CLOSED', 'the snapshot is closed');
  }

  /** @internal AsyncReadHost: the snapshot is one state already. */
  asyncView(state: TreeState): AsyncView {
    return { core: state.core, check: () => this.checkReadable(state), release: () => {} };
  }

  /** @internal */
  writable(): never {
    throw new HoltError('READ_ONLY', 'a snapshot is read-only');
  }
  /** @internal */
  atomicOnTree(_tree: Tree, _fn: (b: AtomicBatchTree) => void): AtomicResult {
    throw new HoltError('READ_ONLY', 'a snapshot is read-only');
  }
}
