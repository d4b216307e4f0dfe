/**
 * DBStats: every live tree's counters, the frame count, and the durable
 * store's counters. No tree is walked, so this stays cheap enough to poll.
 */
import type { DB } from '../api/db.js';
import type { DBStats, TreeStats } from '../api/stats.js';
import { collectTreeStats, treeCounters } from './tree-stats.js';
import { describe, invalidArgument } from '../api/validate.js';

/** What `db.stats()` returns (the DB checks that it is open first). */
export function collectDBStats(db: DB): DBStats {
  const trees = [];
  for (const info of db.listTrees()) trees.push(treeCounters(db.trees.get(info.id)!));
  return { trees, frames: db.pager.frameCount, durable: db.durable?.stats() ?? null };
}

/**
 * Shape stats of every live tree, in the order of `db.listTrees()`: one
 * `tree.stats()` each. Walks every frame of the DB; meant for tools
 * (`holt stats`), not for polling.
 */
export function collectAllTreeStats(db: DB): TreeStats[] {
  // A structural test: importing DB here to use instanceof would close an import cycle (db.ts uses this file).
  if (typeof db !== 'object' || db === null || !((db as Partial<DB>).trees instanceof Map) || typeof (db as Partial<DB>).listTrees !== 'function') {
    throw invalidArgument(`collectAllTreeStats needs a DB, got ${describe(db)}`);
  }
  return db.listTrees().map((info) => collectTreeStats(db.trees.get(info.id)!));
}
