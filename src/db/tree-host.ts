/**
 * TreeHost: what a Tree handle needs from the database (or snapshot) that
 * owns it.
 *
 * The Tree facade validates and encodes; the host decides whether the handle
 * may still be used and hands it the write protocol (write-protocol.ts),
 * which logs each mutation (the WAL for file-backed databases, a counter for
 * memory ones) and applies it.
 */
import type { TreeState } from './tree-state.js';
import type { WriteProtocol } from './write-protocol.js';

export interface TreeHost {
  /** Throws CLOSED / TREE_DROPPED when reads are no longer allowed. */
  checkReadable(state: TreeState): void;
  /**
   * Throws CLOSED / READ_ONLY / TREE_DROPPED when writes are not allowed;
   * otherwise returns the write protocol the handle writes through, once per write.
   */
  writable(state: TreeState): WriteProtocol;
}

