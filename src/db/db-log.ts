/**
 * DbLog: what a DB records its writes in, and where its versions come from.
 *
 * Two implementations: the durable store (the WAL gives each write its
 * version, from a sequence that never repeats across restarts) and MemoryLog
 * (a counter, for DB.memory()). The DB and its write protocol
 * (write-protocol.ts) talk to this interface only, so whether it is
 * file-backed is decided once, when it is made.
 */
import type { WalOp } from '../wal/wal-op.js';
import type { CatalogState } from './catalog-state.js';
import type { StoreHost } from './tree-state.js';

export interface DbLog {
  /** Record a put of the first `keyLen` / `valueLen` bytes; returns its version. */
  appendPut(treeId: number, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number;
  /** Record an op; returns its version (a batch: the first of one per op). */
  append(op: WalOp): number;
  /** Record a catalog change; `names`: the only tree names whose live entries changed, when known. */
  logCatalog(before: CatalogState, after: CatalogState, names?: readonly string[]): void;
  /** A write is done (checkpoint triggers). */
  afterWrite(): void;
  sync(): Promise<void>;
  checkpoint(host: StoreHost): Promise<void>;
  close(host: StoreHost): Promise<void>;
  /**
   * True when a dropped tree's frames are released by the next checkpoint
   * (its drop must be durable first); false when they can go at once.
   */
  readonly dropWaitsForCheckpoint: boolean;
}

/** The log of a memory DB: versions from a counter, nothing recorded. */
export class MemoryLog implements DbLog {
  private nextVersion = 1;
  readonly dropWaitsForCheckpoint = false;

  appendPut(): number {
    return this.nextVersion++;
  }

  append(op: WalOp): number {
    const first = this.nextVersion;
    this.nextVersion += op.type === 'batch' ? op.ops.length : 1;
    return first;
  }

  logCatalog(): void {}
  afterWrite(): void {}
  async sync(): Promise<void> {}
  async checkpoint(): Promise<void> {}
  async close(): Promise<void> {}
}
