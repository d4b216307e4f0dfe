/**
 * DBStats: every live tree's counters, the frame count, and the durable
 * store's counters (db/durable-stats.ts). No tree is walked, so this stays
 * cheap enough to poll.
 *
 * Stats read a DB through `StatsSource`, the few members they need, rather
 * than the DB class: the DB calls in here for `db.stats()`, so knowing the
 * class would make the two modules import each other.
 */
import type { DBStats, TreeInfo, TreeStats } from '../shapes/stats.js';
import type { DurableStore } from '../db/durable-store.js';
import { collectDurableStats } from '../db/durable-stats.js';
import type { RefreshCounters } from '../db/reader-follow.js';
import type { TreeState } from '../db/tree-state.js';
import { collectTreeStats, treeCounters } from './tree-stats.js';
import { describe, invalidArgument } from '../errors.js';

/** What DB stats are read from: the DB's live trees, its pager's frame count and its durable store (a DB is one). */
export interface StatsSource {
  listTrees(): TreeInfo[];
  readonly trees: ReadonlyMap<number, TreeState>;
  readonly pager: { readonly frameCount: number; readonly versions: { readonly openCount: number; readonly savedFrames: number; readonly savedBytes: number } };
  /** When the oldest open snapshot was taken (Date.now()), or null. */
  readonly oldestSnapshotAt: number | null;
  /** Null for memory databases. */
  readonly durable: DurableStore | null;
  /** A reader's refreshes (reader-follow.ts); null for a writer or a memory DB. */
  readonly follow: { readonly counters: RefreshCounters } | null;
}

/** What `db.stats()` returns (the DB checks that it is open first). */
export function collectDBStats(db: StatsSource): DBStats {
  const trees = [];
  for (const info of db.listTrees()) trees.push(treeCounters(db.trees.get(info.id)!));
  const v = db.pager.versions;
  const snapshots = {
    open: v.openCount,
    savedFrames: v.savedFrames,
    savedBytes: v.savedBytes,
    oldestAgeMs: db.oldestSnapshotAt === null ? 0 : Date.now() - db.oldestSnapshotAt,
  };
  return { trees, frames: db.pager.frameCount, snapshots, durable: db.durable === null ? null : collectDurableStats(db.durable, db.follow?.counters) };
}

/**
 * Shape stats of every live tree of `db` (a DB), in the order of
 * `db.listTrees()`: one `tree.stats()` each. Walks every frame of the DB;
 * meant for tools (`holt stats`), not for polling.
 */
export function collectAllTreeStats(db: StatsSource): TreeStats[] {
  // A structural test: importing DB here to use instanceof would close an import cycle (db.ts uses this file).
  if (typeof db !== 'object' || db === null || !((db as Partial<StatsSource>).trees instanceof Map) || typeof (db as Partial<StatsSource>).listTrees !== 'function') {
    throw invalidArgument(`collectAllTreeStats needs a DB, got ${describe(db)}`);
  }
  return db.listTrees().map((info) => collectTreeStats(db.trees.get(info.id)!));
}
