/**
 * LogRedo: replay of WAL records into a DB's trees at open (idempotent redo).
 *
 * Tree ops go through the walker with the record's version; catalog ops
 * change the catalog's records (CatalogLog), and the trees are made to agree
 * with the catalog once a whole record has been applied, never inside a
 * batch (a catalog change is one batch; a state inside it is not a catalog:
 * a crash after a drop once left a directory that could not be opened).
 */
import { insert } from '../art/insert.js';
import { erase } from '../art/erase.js';
import { renameRecord } from '../art/rename.js';
import type { FramePager } from '../store/frame-pager.js';
import type { WalRecord, WalSingleOp } from '../wal/wal-op.js';
import type { CatalogLog } from './catalog-log.js';
import { installTree, releaseTree, type StoreHost } from './tree-state.js';
import { CATALOG_TREE_ID } from './tree-ids.js';

/** Make the host's runtime trees agree with its catalog: install new ones, fence dropped, release finalized. */
export function syncTrees(host: StoreHost, pager: FramePager): void {
  const cat = host.catalog;
  for (const [name, id] of cat.live) if (!host.trees.has(id)) installTree(host, pager, name, id);
  for (const [id, t] of host.trees) {
    if (cat.live.has(t.name) && cat.live.get(t.name) === id) continue;
    if (cat.dropped.has(id)) { t.dropped = true; continue; }
    releaseTree(pager, t);
    host.trees.delete(id);
  }
}

export class LogRedo {
  /** Ids of the trees a record was applied to. */
  readonly touched = new Set<number>();
  private readonly host: StoreHost;
  private readonly catalog: CatalogLog;
  private readonly pager: FramePager;

  constructor(host: StoreHost, catalog: CatalogLog, pager: FramePager) {
    this.host = host;
    this.catalog = catalog;
    this.pager = pager;
  }

  apply(r: WalRecord): void {
    const op = r.op;
    if (op.type !== 'batch') {
      this.applyOne(op, r.seq);
    } else {
      op.ops.forEach((inner, i) => {
        if (inner.treeId !== CATALOG_TREE_ID) this.catalogChanged();
        this.applyOne(inner, r.seq + i);
      });
    }
    this.catalogChanged();
  }

  private catalogChanged(): void {
    const state = this.catalog.takeChange();
    if (state === null) return;
    this.host.catalog = state;
    syncTrees(this.host, this.pager);
  }

  private applyOne(op: WalSingleOp, seq: number): void {
    if (op.treeId === CATALOG_TREE_ID) {
      this.catalog.redo(op);
      return;
    }
    const t = this.host.trees.get(op.treeId);
    if (t === undefined) return; // a tree finalized later in the log
    this.touched.add(op.treeId);
    const core = t.core;
    if (op.type === 'put') insert(core, op.key, op.key.length, op.value, op.value.length, seq);
    else if (op.type === 'delete') erase(core, op.key, op.key.length);
    else renameRecord(core, op.from, op.from.length, op.to, op.to.length, op.overwrite, seq);
  }
}
