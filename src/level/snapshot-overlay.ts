/**
 * The undo side of a snapshot: for every key written since the snapshot was taken (and
 * inside its range), the state the key had at that moment.
 *
 * Holt has no multi-version storage, so a snapshot is the live tree seen through this
 * overlay. The store records a key here before its first write after the snapshot (see
 * SnapshotRegistry), so a key the overlay does not cover still has its snapshot value
 * in the tree. A snapshot costs nothing until writes happen, then one copy per distinct
 * key written while it is open.
 */
import { idOf, type CursorEntry, type LevelBytes } from './bytes.js';
import type { KeyRange } from './key-range.js';

export class SnapshotOverlay {
  readonly range: KeyRange;
  /** Snapshot state by key (latin1 of the key bytes): the value, or null if the key was absent. */
  private readonly byId = new Map<string, Buffer | null>();
  /** The same entries in key order, for cursors. */
  private readonly keys: Buffer[] = [];
  private readonly values: (Buffer | null)[] = [];

  constructor(range: KeyRange) {
    this.range = range;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Whether a write to `key` must be recorded first: in range and not recorded yet. */
  wants(key: Buffer, id: string): boolean {
    return !this.byId.has(id) && this.range.contains(key);
  }

  /** Record the snapshot state of `key` (its value, or null when absent). */
  record(key: Buffer, id: string, value: Buffer | null): void {
    this.byId.set(id, value);
    const at = this.search(key, true);
    this.keys.splice(at, 0, key);
    this.values.splice(at, 0, value);
  }

  /** The snapshot state of `key` if a write replaced it (null: absent), undefined if the tree still holds it. */
  lookup(key: LevelBytes): Buffer | null | undefined {
    if (this.byId.size === 0) return undefined;
    return this.byId.get(idOf(key));
  }

  /**
   * The first recorded key that existed in the snapshot, past `pos` in scan order
   * (`pos` itself when `inclusive`; from the start when `pos` is null).
   */
  nextPresent(pos: Buffer | null, inclusive: boolean, reverse: boolean): CursorEntry | undefined {
    const n = this.keys.length;
    if (n === 0) return undefined;
    if (!reverse) {
      for (let i = pos === null ? 0 : this.search(pos, !inclusive); i < n; i++) {
        const value = this.values[i]!;
        if (value !== null) return { key: this.keys[i]!, value };
      }
    } else {
      for (let i = (pos === null ? n : this.search(pos, inclusive)) - 1; i >= 0; i--) {
        const value = this.values[i]!;
        if (value !== null) return { key: this.keys[i]!, value };
      }
    }
    return undefined;
  }

  /** Index of the first key above `key` (`after`) or at-or-above it. */
  private search(key: Buffer, after: boolean): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(this.keys[mid]!, key);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
