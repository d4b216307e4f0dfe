/**
 * CatalogLog: the catalog as records in the log and the manifest.
 *
 * The catalog (db/catalog-state.ts) is stored as records on a reserved tree
 * id: one per live or dropped tree plus the next-id counter (catalog-codec.ts).
 * A catalog change is logged as one WAL batch of record puts and deletes (the
 * difference between two states); a checkpoint's manifest carries the whole
 * record set. This module owns that record set: what the next manifest holds,
 * what replay rebuilds.
 */
import type { WalSingleOp } from '../wal/wal-op.js';
import { decodeCatalog, encodeCatalog } from './catalog-codec.js';
import type { CatalogState } from './catalog-state.js';
import { CATALOG_TREE_ID } from './tree-ids.js';

export interface CatalogRecord {
  key: Uint8Array;
  value: Uint8Array;
}

const id = (key: Uint8Array): string => Buffer.from(key).toString('hex');

export class CatalogLog {
  private readonly records = new Map<string, CatalogRecord>();
  /** Records changed by replay and not yet decoded into a state. */
  private changed = false;

  /** Start from a manifest's records. */
  load(records: readonly CatalogRecord[]): void {
    for (const r of records) this.records.set(id(r.key), r);
  }

  /** The record set, for the next manifest. */
  all(): CatalogRecord[] {
    return [...this.records.values()];
  }

  decode(): CatalogState {
    return decodeCatalog(this.records.values());
  }

  /** The ops that turn `before`'s records into `after`'s (applied here too), or [] when equal. */
  diff(before: CatalogState, after: CatalogState): WalSingleOp[] {
    const old = new Map(encodeCatalog(before).map((r) => [id(r.key), r]));
    const ops: WalSingleOp[] = [];
    for (const r of encodeCatalog(after)) {
      const k = id(r.key);
      const prev = old.get(k);
      old.delete(k);
      if (prev === undefined || Buffer.compare(Buffer.from(prev.value), Buffer.from(r.value)) !== 0) {
        ops.push({ type: 'put', treeId: CATALOG_TREE_ID, key: r.key, value: r.value });
        this.records.set(k, { key: r.key, value: r.value });
      }
    }
    for (const [k, r] of old) {
      ops.push({ type: 'delete', treeId: CATALOG_TREE_ID, key: r.key });
      this.records.delete(k);
    }
    return ops;
  }

  /** Replay one catalog op. The state is decoded later (`takeChange`): never inside a batch. */
  redo(op: WalSingleOp): void {
    if (op.type === 'put') this.records.set(id(op.key), { key: Uint8Array.from(op.key), value: Uint8Array.from(op.value) });
    else if (op.type === 'delete') this.records.delete(id(op.key));
    this.changed = true;
  }

  /** The state replay's changes lead to, or null when replay changed nothing since the last call. */
  takeChange(): CatalogState | null {
    if (!this.changed) return null;
    this.changed = false;
    return this.decode();
  }
}
