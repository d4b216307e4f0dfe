/**
 * TreeState: a tree's runtime state, shared by every handle on the tree, and
 * its life: installed when the tree is created or loaded, fenced when it is
 * dropped, released when the drop is finalized.
 */
import { TreeCore, type TreeRootLocation } from '../art/tree-core.js';
import { createSharedTree } from '../art/shared-frame.js';
import type { FramePager } from '../store/frame-pager.js';
import type { ManifestTree } from '../store/manifest.js';
import { releaseTreeFrames } from '../art/frame-walk.js';
import { applyCatalogOpOrThrow, type CatalogState } from './catalog-state.js';

/** Internal per-tree state shared by every handle on that tree. */
export interface TreeState {
  readonly name: string;
  readonly id: number;
  /** Replaced when a read-only DB refreshes to a newer state (DB.refresh); handles follow it. */
  core: TreeCore;
  /** Set when the tree is dropped: handles are fenced with TREE_DROPPED. */
  dropped: boolean;
}

/** A catalog and the runtime trees it names: a DB's, or a reload's before the DB switches to it. */
export interface StoreHost {
  catalog: CatalogState;
  readonly trees: Map<number, TreeState>;
}

/**
 * Install the runtime state of tree `id` in `host`: a new empty tree (a root
 * in a shared frame), or one whose root location is known (loading).
 */
export function installTree(host: StoreHost, pager: FramePager, name: string, id: number, root?: TreeRootLocation, keyCount = 0): TreeState {
  let core: TreeCore;
  if (root === undefined) core = createSharedTree(id, pager);
  else {
    core = new TreeCore(id, pager, root);
    if (root.shared) pager.shared.add(core);
  }
  core.keyCount = keyCount;
  const t: TreeState = { name, id, core, dropped: false };
  host.trees.set(id, t);
  return t;
}

/** The trees a manifest lists, named by `host.catalog` (live or dropped; others are skipped), into `host`. */
export function installTrees(host: StoreHost, pager: FramePager, entries: readonly ManifestTree[]): void {
  const names = new Map<number, string>();
  for (const [name, id] of host.catalog.live) names.set(id, name);
  for (const [id, d] of host.catalog.dropped) names.set(id, d.name);
  for (const t of entries) {
    const name = names.get(t.treeId);
    if (name === undefined) continue;
    const state = installTree(host, pager, name, t.treeId, { frameId: t.rootFrameId, rootIndex: t.rootIndex, shared: t.shared }, t.keyCount);
    if (host.catalog.dropped.has(t.treeId)) state.dropped = true;
  }
}

/** The root location and key count of every tree of `host`, as the next manifest records them. */
export function manifestTrees(host: StoreHost): ManifestTree[] {
  return [...host.trees.values()].map((t) => ({
    treeId: t.id, rootFrameId: t.core.rootFrameId, rootIndex: t.core.rootIndex, shared: t.core.shared, keyCount: t.core.keyCount,
  }));
}

/** A finalized tree: its handles are fenced and its frames go back to the pager (open snapshots keep what they read). */
export function releaseTree(pager: FramePager, t: TreeState): void {
  pager.versions.preserveTree(t.core);
  t.dropped = true;
  pager.beginOperation();
  pager.beginWrite();
  releaseTreeFrames(t.core);
}

/**
 * Dropped trees a checkpoint covers (a memory DB: every dropped tree, at
 * once): release their frames and forget them. Returns the catalog that
 * records it, for the caller to log and install; `host.catalog` itself when
 * nothing was dropped.
 */
export function finalizeDropped(host: StoreHost, pager: FramePager): CatalogState {
  if (host.catalog.dropped.size === 0) return host.catalog;
  const step = applyCatalogOpOrThrow(host.catalog, { kind: 'checkpoint' });
  let state = step.state;
  for (const id of step.result.reclaimable) {
    const t = host.trees.get(id);
    if (t !== undefined) {
      releaseTree(pager, t);
      host.trees.delete(id);
    }
    state = applyCatalogOpOrThrow(state, { kind: 'finalize', id }).state;
  }
  return state;
}
