/**
 * The Level key space over one Holt tree.
 *
 * Level keys may be empty; Holt keys may not. The empty key is the smallest key in byte
 * order, so it is kept apart without disturbing order: its value lives in the tree
 * `holt-level:empty-key` under the Level tree's name, and cursors visit it before (or,
 * in reverse, after) the tree's keys. Every other key is stored as is, so the tree stays
 * readable through Holt's own API (delimiter listings, the DuckDB bridge) with the keys
 * the application wrote.
 *
 * Every write goes through here and calls the snapshot registry first.
 */
import type { DB } from '../api/db.js';
import type { Tree } from '../api/tree.js';
import type { ScanOptions } from '../api/types.js';
import type { ScanIterator } from '../art/scan.js';
import type { LevelBytes, Stored } from './bytes.js';
import { registryFor, type SnapshotRegistry } from './snapshot-registry.js';

/** The tree that holds the empty key's value of every HoltLevel tree, keyed by tree name. */
export const EMPTY_KEY_TREE = 'holt-level:empty-key';

/** One operation of a Level batch as the private API receives it. */
export interface LevelWrite {
  type: 'put' | 'del';
  key: LevelBytes;
  value?: LevelBytes;
}

export class LevelStore {
  readonly db: DB;
  readonly tree: Tree;
  readonly registry: SnapshotRegistry;
  private readonly name: string;
  /** Null until an empty key is first written (reading a missing tree finds nothing). */
  private emptyKeys: Tree | null;
  private readonly readCurrent = (key: LevelBytes): Stored => this.get(key);

  constructor(db: DB, name: string) {
    this.db = db;
    this.name = name;
    this.tree = db.readOnly ? db.openTree(name) : db.tree(name);
    this.registry = registryFor(this.tree);
    this.emptyKeys = db.listTrees().some((t) => t.name === EMPTY_KEY_TREE) ? db.openTree(EMPTY_KEY_TREE) : null;
  }

  get(key: LevelBytes): Stored {
    if (key.length === 0) return this.emptyKeys?.get(this.name);
    return this.tree.get(key);
  }

  /**
   * The values of `keys` as of this call: the tree's through its batched asynchronous
   * reads (Tree.getManyAsync: no wait on the disk inside the call), an empty key's now.
   */
  async getManyAsync(keys: readonly LevelBytes[]): Promise<Stored[]> {
    const empty = keys.some((k) => k.length === 0) ? this.get(new Uint8Array(0)) : undefined;
    const values = await this.tree.getManyAsync(keys.filter((k) => k.length > 0));
    let n = 0;
    return keys.map((k) => (k.length === 0 ? empty : values[n++]));
  }

  has(key: LevelBytes): boolean {
    if (key.length === 0) return this.emptyKeys?.has(this.name) ?? false;
    return this.tree.has(key);
  }

  put(key: LevelBytes, value: LevelBytes): void {
    this.registry.beforeWrite(key, this.readCurrent);
    if (key.length === 0) this.emptyKeyTree().put(this.name, value);
    else this.tree.put(key, value);
  }

  del(key: LevelBytes): void {
    this.registry.beforeWrite(key, this.readCurrent);
    if (key.length === 0) this.emptyKeys?.delete(this.name);
    else this.tree.delete(key);
  }

  /** Apply `ops` in order as one Holt atomic batch: all of them or (on a throw) none. */
  write(ops: readonly LevelWrite[]): void {
    const emptyKeyTree = ops.some((op) => op.key.length === 0 && op.type === 'put') ? this.emptyKeyTree() : this.emptyKeys;
    for (const op of ops) this.registry.beforeWrite(op.key, this.readCurrent);
    const result = this.db.atomic((batch) => {
      const tree = batch.tree(this.name);
      const empty = emptyKeyTree === null ? null : batch.tree(EMPTY_KEY_TREE);
      for (const op of ops) {
        if (op.key.length > 0) {
          if (op.type === 'put') tree.put(op.key, op.value!);
          else tree.delete(op.key);
        } else if (empty !== null) {
          if (op.type === 'put') empty.put(this.name, op.value!);
          else empty.delete(this.name);
        }
      }
    });
    // The batch has no guards, so only a throw can stop it; anything else is a Holt bug.
    if (!result.ok) throw new Error(`holt/level: unguarded batch failed: ${result.failure.reason}`);
  }

  /** Holt's lazy scan over the tree (never the empty key). */
  scan(options: ScanOptions): ScanIterator {
    return this.tree.scan(options);
  }

  private emptyKeyTree(): Tree {
    this.emptyKeys ??= this.db.tree(EMPTY_KEY_TREE);
    return this.emptyKeys;
  }
}
