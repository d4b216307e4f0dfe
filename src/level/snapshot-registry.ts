/**
 * The open snapshots of one Holt tree, and the hook every HoltLevel write calls first.
 *
 * One registry per tree handle (DB.tree returns one handle per tree), so two HoltLevel
 * instances over the same tree of the same DB protect each other's snapshots. Writes
 * made through the Tree API directly bypass it: see docs/LEVEL.md.
 */
import type { Tree } from '../api/tree.js';
import { copyBytes, type LevelBytes, type Stored } from './bytes.js';
import type { KeyRange } from './key-range.js';
import { SnapshotOverlay } from './snapshot-overlay.js';

export class SnapshotRegistry {
  private readonly overlays = new Set<SnapshotOverlay>();

  /** Start a snapshot of the keys in `range`: from now on, writes to them are recorded for it. */
  open(range: KeyRange): SnapshotOverlay {
    const overlay = new SnapshotOverlay(range);
    this.overlays.add(overlay);
    return overlay;
  }

  /** Stop recording for `overlay` (its snapshot closed). */
  release(overlay: SnapshotOverlay): void {
    this.overlays.delete(overlay);
  }

  /** Snapshots currently open. */
  get openCount(): number {
    return this.overlays.size;
  }

  /**
   * Call before writing `key`: every open snapshot that covers the key and has not seen
   * it written yet records its current state (read once, through `read`).
   */
  beforeWrite(key: LevelBytes, read: (key: LevelBytes) => Stored): void {
    if (this.overlays.size === 0) return;
    let bytes: Buffer | undefined;
    let id = '';
    let current: Buffer | null | undefined;
    for (const overlay of this.overlays) {
      if (bytes === undefined) {
        bytes = copyBytes(key);
        id = bytes.toString('latin1');
      }
      if (!overlay.wants(bytes, id)) continue;
      if (current === undefined) current = read(key) ?? null;
      overlay.record(bytes, id, current);
    }
  }
}

const registries = new WeakMap<Tree, SnapshotRegistry>();

/** The registry of `tree`, created on first use. */
export function registryFor(tree: Tree): SnapshotRegistry {
  let registry = registries.get(tree);
  if (registry === undefined) {
    registry = new SnapshotRegistry();
    registries.set(tree, registry);
  }
  return registry;
}
