/**
 * A snapshot-consistent, lazy walk over a key range: what HoltLevel's iterators read.
 *
 * Two sources are merged in key order. The live cursor reads the tree as it is now; the
 * snapshot overlay holds the snapshot state of every key written since the snapshot was
 * taken. A live key the overlay covers is replaced by the overlay's answer (its old value,
 * or nothing if it did not exist); a key deleted since comes from the overlay alone. Keys
 * the overlay does not cover were never written since, so their live value is the
 * snapshot's. Nothing is materialised: each step reads one entry ahead.
 */
import type { CursorEntry } from './bytes.js';
import type { KeyRange } from './key-range.js';
import type { LevelStore } from './level-store.js';
import { LiveCursor } from './live-cursor.js';
import type { SnapshotOverlay } from './snapshot-overlay.js';

export class RangeCursor {
  private readonly store: LevelStore;
  private readonly overlay: SnapshotOverlay;
  private readonly range: KeyRange;
  private readonly reverse: boolean;
  private readonly keysOnly: boolean;
  /** Next key must lie past `pos` in scan order (or at it when `inclusive`); null: from the start. */
  private pos: Buffer | null;
  private inclusive: boolean;
  private live: LiveCursor | null = null;
  /** The live entry read ahead; null when none is buffered. */
  private ahead: CursorEntry | null = null;
  private liveDone = false;

  constructor(store: LevelStore, overlay: SnapshotOverlay, range: KeyRange, reverse: boolean, keysOnly: boolean) {
    this.store = store;
    this.overlay = overlay;
    this.range = range;
    this.reverse = reverse;
    this.keysOnly = keysOnly;
    this.pos = reverse ? range.upper : range.lower;
    this.inclusive = reverse ? range.upperInclusive : range.lowerInclusive;
  }

  /** The next entry of the snapshot in range, or undefined at the end. */
  next(): CursorEntry | undefined {
    for (;;) {
      const live = this.peekLive();
      if (live !== undefined && this.overlay.lookup(live.key) !== undefined) {
        // Written since the snapshot: the overlay has the snapshot's answer for this key.
        this.ahead = null;
        continue;
      }
      const old = this.overlay.nextPresent(this.pos, this.inclusive, this.reverse);
      let entry: CursorEntry | undefined;
      if (old === undefined) entry = live;
      else if (live === undefined) entry = old;
      else {
        const c = Buffer.compare(old.key, live.key);
        entry = (this.reverse ? c > 0 : c < 0) ? old : live;
      }
      // Live entries are inside the range already. The overlay's next entry is past `pos`, so
      // when it is out of range it is past the far bound, and so is everything after it.
      if (entry === undefined || (entry === old && !this.range.contains(old.key))) return undefined;
      if (entry === live) this.ahead = null;
      this.pos = entry.key;
      this.inclusive = false;
      // Key-only cursors may return an overlay entry's value: the iterators ignore it.
      return entry;
    }
  }

  /**
   * Continue from `target` (forward: the first key at or after it; reverse: at or before),
   * within the range and in the same snapshot.
   */
  seek(target: Buffer): void {
    const beforeStart = this.reverse ? !this.range.belowUpper(target) : !this.range.aboveLower(target);
    if (beforeStart) {
      this.pos = this.reverse ? this.range.upper : this.range.lower;
      this.inclusive = this.reverse ? this.range.upperInclusive : this.range.lowerInclusive;
    } else {
      this.pos = target;
      this.inclusive = true;
    }
    this.live = null;
    this.ahead = null;
    this.liveDone = false;
  }

  private peekLive(): CursorEntry | undefined {
    if (this.ahead !== null) return this.ahead;
    if (this.liveDone) return undefined;
    this.live ??= new LiveCursor(this.store, this.range, this.pos, this.inclusive, this.reverse, this.keysOnly);
    const entry = this.live.next();
    if (entry === undefined) this.liveDone = true;
    else this.ahead = entry;
    return entry;
  }
}
