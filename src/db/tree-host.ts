/**
 * TreeHost: what a Tree handle needs from the database that owns it.
 *
 * The Tree facade validates and encodes; the host decides whether the handle
 * may still be used, hands out versions, and records each mutation in the log
 * (the WAL for file-backed databases, nothing for memory ones).
 */
import { TreeCore, type TreeRootLocation } from '../art/tree-core.js';
import { createSharedTree } from '../art/shared-frame.js';
import type { FramePager } from '../store/frame-pager.js';
import { releaseTreeFrames } from '../art/frame-walk.js';

/** Internal per-tree state shared by every handle on that tree. */
export interface TreeState {
  readonly name: string;
  readonly id: number;
  /** Replaced when a read-only DB refreshes to a newer state (DB.refresh); handles follow it. */
  core: TreeCore;
  /** Set when the tree is dropped: handles are fenced with TREE_DROPPED. */
  dropped: boolean;
}

export interface TreeHost {
  /** Throws CLOSED / TREE_DROPPED when reads are no longer allowed. */
  checkReadable(state: TreeState): void;
  /** Throws CLOSED / READ_ONLY / TREE_DROPPED when writes are not allowed. */
  checkWritable(state: TreeState): void;
  /**
   * Record a mutation before it is applied and return its version (versions
   * come from the log's sequence, so they are unique across restarts).
   * Throws (RECORD_TOO_LARGE, NO_SPACE, ...) with nothing recorded.
   */
  logPut(state: TreeState, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number;
  logDelete(state: TreeState, key: Uint8Array, keyLen: number): number;
  logRename(state: TreeState, from: Uint8Array, fromLen: number, to: Uint8Array, toLen: number, overwrite: boolean): number;
  /**
   * Called after every mutation is applied: the store counts writes to
   * schedule checkpoints. Nothing is synced here: in 'sync' durability the
   * log append (`log*`) was already durable before the tree changed.
   */
  afterWrite(): void;
}

/**
 * The runtime state of tree `id`: a new empty tree (a root in a shared
 * frame), or one whose root location is known (loading).
 */
export function newTreeState(pager: FramePager, name: string, id: number, root?: TreeRootLocation, keyCount = 0): TreeState {
  let core: TreeCore;
  if (root === undefined) core = createSharedTree(id, pager);
  else {
    core = new TreeCore(id, pager, root);
    if (root.shared) pager.shared.add(core);
  }
  core.keyCount = keyCount;
  return { name, id, core, dropped: false };
}

/** A finalized tree: its handles are fenced and its frames go back to the pager (open snapshots keep what they read). */
export function releaseTree(pager: FramePager, t: TreeState): void {
  pager.versions.preserveTree(t.core);
  t.dropped = true;
  pager.beginOperation();
  pager.beginWrite();
  releaseTreeFrames(t.core);
}
