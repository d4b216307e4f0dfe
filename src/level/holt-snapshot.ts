/**
 * An explicit snapshot (`db.snapshot()`): the reads that name it see the database as it
 * was when it was taken. It is an overlay over the live tree (see SnapshotOverlay), so
 * taking one is O(1) and each key written while it is open costs one copy.
 */
import { AbstractSnapshot } from 'abstract-level';
import type { LevelBytes, Stored } from './bytes.js';
import { KeyRange } from './key-range.js';
import type { LevelStore } from './level-store.js';
import type { SnapshotOverlay } from './snapshot-overlay.js';

// abstract-level's typings omit the constructor that takes the owner database.
const SnapshotBase = AbstractSnapshot as unknown as new (options: { owner: object }) => AbstractSnapshot;

export class HoltSnapshot extends SnapshotBase {
  /** @internal */
  readonly overlay: SnapshotOverlay;
  private readonly store: LevelStore;

  /** @internal Snapshots come from `db.snapshot()`. */
  constructor(options: { owner: object }, store: LevelStore) {
    super(options);
    this.store = store;
    this.overlay = store.registry.open(KeyRange.ALL);
  }

  /** @internal The value `key` had when the snapshot was taken. */
  get(key: LevelBytes): Stored {
    const old = this.overlay.lookup(key);
    return old === undefined ? this.store.get(key) : old ?? undefined;
  }

  /** @internal Whether `key` existed when the snapshot was taken. */
  has(key: LevelBytes): boolean {
    const old = this.overlay.lookup(key);
    return old === undefined ? this.store.has(key) : old !== null;
  }

  /** @internal */
  async _close(): Promise<void> {
    this.store.registry.release(this.overlay);
  }
}
