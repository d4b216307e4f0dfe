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
import { decodeCatalog, encodeCatalogEntry, encodeCatalogKey, encodeNextIdRecord } from './catalog-codec.js';
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

  /**
   * The ops that turn `before`'s records into `after`'s (applied here too), or
   * [] when equal. `names`, when given, are the only names whose live entries
   * may differ (the DB knows which tree a create or drop touched): the diff
   * then costs O(changes), not O(trees), which keeps createTree constant-time
   * in a catalog of 100,000 trees. Dropped entries are compared only when
   * their map changed.
   */
  diff(before: CatalogState, after: CatalogState, names?: readonly string[]): WalSingleOp[] {
    const ops: WalSingleOp[] = [];
    const put = (r: { key: Uint8Array; value: Uint8Array }): void => {
      ops.push({ type: 'put', treeId: CATALOG_TREE_ID, key: r.key, value: r.value });
      this.records.set(id(r.key), { key: r.key, value: r.value });
    };
    const del = (key: Uint8Array): void => {
      ops.push({ type: 'delete', treeId: CATALOG_TREE_ID, key });
      this.records.delete(id(key));
    };
    if (before.nextId !== after.nextId) put(encodeNextIdRecord(after.nextId));
    const liveNames = names ?? new Set([...before.live.keys(), ...after.live.keys()]);
    for (const name of liveNames) {
      const was = before.live.get(name);
      const now = after.live.get(name);
      if (was === now) continue;
      if (now !== undefined) put(encodeCatalogEntry({ name, id: now, state: 'live' }));
      else del(encodeCatalogKey({ kind: 'live', name }));
    }
    if (before.dropped !== after.dropped) {
      for (const [tid, t] of after.dropped) if (!before.dropped.has(tid)) put(encodeCatalogEntry({ name: t.name, id: tid, state: 'dropped' }));
      for (const tid of before.dropped.keys()) if (!after.dropped.has(tid)) del(encodeCatalogKey({ kind: 'dropped', id: tid }));
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
