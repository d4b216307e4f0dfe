/**
 * The live keys of a LevelStore inside a range, in order, from a position: the empty
 * key's slot (first in byte order) and the tree's keys through Holt's lazy scan. It reads
 * current state only; RangeCursor lays a snapshot over it.
 *
 * The far bound costs no comparison per key going forward (Holt's scan takes it as `end`);
 * in reverse Holt's scan has no lower bound, so each key is compared with it.
 *
 * Holt's scan takes an exclusive `startAfter`, so an inclusive start is a point read of
 * the start key followed by a scan after it. Holt's scan stays valid while the tree
 * changes and never skips a key that existed throughout, which is what the snapshot
 * layer relies on.
 */
import type { ScanIterator } from '../art/scan.js';
import type { KeyRange } from './key-range.js';
import type { ScanKeyEntry } from '../api/types.js';
import { EMPTY, type CursorEntry, type Stored } from './bytes.js';
import type { LevelStore } from './level-store.js';

/** What `next()` reads next: the start key, the tree's scan, the empty key (reverse only), nothing. */
const POINT = 0;
const SCAN = 1;
const EMPTY_KEY = 2;
const DONE = 3;
type Step = typeof POINT | typeof SCAN | typeof EMPTY_KEY | typeof DONE;

export class LiveCursor {
  private readonly store: LevelStore;
  private readonly range: KeyRange;
  private readonly from: Buffer | null;
  private readonly reverse: boolean;
  private readonly keysOnly: boolean;
  private step: Step;
  private scan: ScanIterator | null = null;

  /**
   * @param from  start position inside the range's near bound (the caller clamps it), null
   *   for the first (last, in reverse) key
   * @param inclusive  whether `from` itself may be returned
   */
  constructor(store: LevelStore, range: KeyRange, from: Buffer | null, inclusive: boolean, reverse: boolean, keysOnly: boolean) {
    this.store = store;
    this.range = range;
    this.reverse = reverse;
    this.keysOnly = keysOnly;
    if (!reverse && from === null) {
      // Forward from the start: the empty key is the first candidate.
      this.from = EMPTY;
      this.step = POINT;
    } else {
      this.from = from;
      this.step = inclusive && from !== null ? POINT : SCAN;
    }
  }

  next(): CursorEntry | undefined {
    for (;;) {
      switch (this.step) {
        case POINT: {
          this.step = SCAN;
          // A seek target may lie beyond the far bound.
          const from = this.from!;
          const hit = (this.reverse ? this.range.aboveLower(from) : this.range.belowUpper(from)) ? this.read(from) : undefined;
          if (hit !== undefined) return hit;
          break;
        }
        case SCAN: {
          if (this.scan === null) {
            this.scan = this.openScan();
            if (this.scan === null) {
              this.step = this.reverse ? EMPTY_KEY : DONE;
              break;
            }
          }
          const r = this.scan.next();
          if (r.done !== true && (!this.reverse || this.range.aboveLower(r.value.key))) {
            return { key: r.value.key, value: (r.value as ScanKeyEntry).value };
          }
          // Past the lower bound in reverse, the empty key (below every bound but an empty one) may still qualify.
          this.step = this.reverse ? EMPTY_KEY : DONE;
          break;
        }
        case EMPTY_KEY: {
          this.step = DONE;
          // In reverse the empty key comes last, unless the start was the empty key itself (read as the point).
          if ((this.from !== null && this.from.length === 0) || !this.range.aboveLower(EMPTY)) break;
          const hit = this.read(EMPTY);
          if (hit !== undefined) return hit;
          break;
        }
        default:
          return undefined;
      }
    }
  }

  /** Holt's scan strictly past `from`, or null when no non-empty key can qualify. */
  private openScan(): ScanIterator | null {
    const from = this.from;
    if (this.reverse) {
      if (from !== null && from.length === 0) return null;
      return this.store.scan({ reverse: true, startAfter: from ?? undefined, keysOnly: this.keysOnly });
    }
    const end = this.range.scanEnd();
    // Nothing non-empty lies below an empty exclusive end.
    if (end !== null && end.length === 0) return null;
    return this.store.scan({ startAfter: from!.length > 0 ? from! : undefined, end: end ?? undefined, keysOnly: this.keysOnly });
  }

  private read(key: Buffer): CursorEntry | undefined {
    if (this.keysOnly) return this.store.has(key) ? { key, value: undefined } : undefined;
    const value: Stored = this.store.get(key);
    return value === undefined ? undefined : { key, value };
  }
}
