/**
 * Per-tree stats: the walker's counters (cheap) and, for `tree.stats()`, the
 * shape walk on top.
 */
import type { TreeState } from '../db/tree-state.js';
import type { TreeCounters, TreeStats } from '../shapes/stats.js';
import { walkTreeShape } from './tree-shape.js';

export function treeCounters(state: TreeState): TreeCounters {
  const core = state.core;
  const c = core.counters;
  return {
    name: state.name,
    id: state.id,
    keys: core.keyCount,
    mutations: core.mutations,
    spillovers: c.spillovers,
    compactions: c.compactions,
    merges: c.merges,
    framesReleased: c.framesReleased,
  };
}

export function collectTreeStats(state: TreeState): TreeStats {
  return { ...treeCounters(state), shape: walkTreeShape(state.core) };
}
