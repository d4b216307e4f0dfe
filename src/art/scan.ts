/**
 * Scan: a lazy, ordered iterator over a tree with prefix, start-after, end,
 * delimiter rollup, key-only mode, limit and reverse order.
 *
 * Three parts, one file each: the bounds are planned once from the options
 * (scan-bounds.ts); the stack of (frame, node, depth, cursor) and the key bytes
 * of the path to its top node are positioned by a descent along a bound
 * (scan-seek.ts); and this file steps from there, one entry per `next()`. With
 * a delimiter, an edge whose byte (at or past the prefix) is the delimiter is
 * emitted as a common prefix and its subtree is never entered, so a listing
 * costs O(rollups).
 *
 * Concurrent writes: before each step the iterator compares the tree's
 * mutation counter with the one its stack was built under; if the tree changed
 * (or the cache evicted a frame of the stack between steps) it throws the
 * stack away and seeks again from just after the last entry it returned. So it
 * never returns an entry twice, never skips a key that existed for the whole
 * scan, and may or may not see keys written ahead of its position after it
 * started.
 */
import type { Frame } from '../layout/frame.js';
import { CROSSING_CHILD_FRAME, CROSSING_ROOT } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { leafKeyLen, leafKeyStart, leafValueLen, leafVersion } from '../layout/leaf.js';
import { PREFIX_BYTES, PREFIX_CHILD, PREFIX_LEN } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, NODE_TYPE_OFFSET } from '../layout/node-types.js';
import { childAtOrAfter, childAtOrBefore, stepped } from './child-cursor.js';
import { readRef } from './node-ops.js';
import { copyFrameBytes, copyOut, copyPair, leafValueView, pairValue } from './read-leaf.js';
import { planBounds, prefixSuccessor, type ScanSpec } from './scan-bounds.js';
import { compareLeaf, copyBytes, CUR_DONE_REVERSE, CUR_TERMINAL, ScanStack } from './scan-seek.js';
import { seekPrefix, subtree } from './seek-prefix.js';
import type { TreeCore } from './tree-core.js';

export type { ScanSpec } from './scan-bounds.js';

/** A key the scan returns (public as `ScanKeyEntry`, re-exported by api/types.ts). */
export interface ScanKeyEntry {
  kind: 'key';
  key: Buffer;
  /** Absent when `keysOnly` was set. */
  value?: Buffer;
  version: number;
}

/** A common prefix (rollup) the scan returns instead of the keys under it. */
export interface ScanPrefixEntry {
  kind: 'prefix';
  key: Buffer;
}

export type ScanEntry = ScanKeyEntry | ScanPrefixEntry;

export class ScanIterator extends ScanStack implements IterableIterator<ScanEntry> {
  private readonly check: () => void;
  private readonly prefix: Buffer;
  private readonly delimiter: number;
  private readonly keysOnly: boolean;
  private readonly borrowValues: boolean;
  private readonly limit: number;
  /** Forward: lower bound (moves); reverse: fixed lower bound. */
  private lb: Buffer | null;
  private lbInclusive: boolean;
  /** Forward: fixed exclusive upper bound; reverse: moving exclusive upper bound. */
  private ub: Buffer | null;
  /** Forward: `lb` is the last rollup returned; the scan resumes at its successor. */
  private lbIsRollup = false;
  private stamp = -1;
  /** The pager's `frameChanges` when the stack's frames were last known good (after a step). */
  private heldChanges = -1;
  private emitted = 0;
  private finished = false;
  private lastRollup: Buffer | null = null;
  /** Reverse only: a rollup straddling `end` that is listed before anything else. */
  private pendingRollup: Buffer | null;

  /** `spec` comes checked and normalized from the API edge (api/scan-options.ts); `check` runs before every step. */
  constructor(core: TreeCore, spec: ScanSpec, check: () => void) {
    super(core, spec.reverse);
    this.check = check;
    this.prefix = spec.prefix;
    this.delimiter = spec.delimiter;
    this.keysOnly = spec.keysOnly;
    this.borrowValues = spec.borrowValues;
    this.limit = spec.limit;
    const b = planBounds(spec, (rollup, end) => {
      const probe: ScanSpec = {
        prefix: rollup, startAfter: null, end, delimiter: -1, keysOnly: true, limit: 1, reverse: false, borrowValues: false,
      };
      return new ScanIterator(core, probe, check).next().done !== true;
    });
    this.lb = b.lb;
    this.lbInclusive = b.lbInclusive;
    this.ub = b.ub;
    this.pendingRollup = b.pendingRollup;
    if (b.empty || this.limit === 0) this.finished = true;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Stop early; releases the stack. */
  return(): IteratorResult<ScanEntry> {
    this.finish();
    return { done: true, value: undefined };
  }

  next(): IteratorResult<ScanEntry> {
    if (this.finished) return { done: true, value: undefined };
    this.check();
    let entry: ScanEntry | null;
    if (this.pendingRollup !== null) {
      entry = { kind: 'prefix', key: this.pendingRollup };
      this.lastRollup = this.pendingRollup;
      this.pendingRollup = null;
    } else {
      if (this.stamp !== this.core.mutations || !this.holdStack()) this.seek();
      entry = this.advance();
      // Every frame on the stack was used (and held) by this step.
      this.heldChanges = this.core.pager.frameChanges;
    }
    if (entry === null) {
      this.finish();
      return { done: true, value: undefined };
    }
    if (++this.emitted >= this.limit) this.finish();
    return { done: false, value: entry };
  }

  /** Read the remaining entries into an array. */
  toArray(): ScanEntry[] {
    const out: ScanEntry[] = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  }

  /**
   * Keep the frames of the stack for this step, or report that one of them
   * was evicted between steps (its buffer may hold another frame by now) or,
   * in a snapshot, was changed by a write (the snapshot reads its copy now),
   * in which case the caller seeks again from the last entry returned.
   * When the pager reports no eviction or preservation since the last step
   * and needs no touches to keep frames (memory), there is nothing to check.
   */
  private holdStack(): boolean {
    const pager = this.core.pager;
    if (this.heldChanges === pager.frameChanges && !pager.holdsByTouch) return true;
    let last: Frame | null = null;
    for (let i = 0; i < this.sp; i++) {
      const f = this.frames[i]!;
      if (f === last) continue;
      if (f.evicted || !pager.isCurrent(f)) return false;
      pager.touch(f);
      last = f;
    }
    return true;
  }

  private finish(): void {
    this.finished = true;
    for (let i = 0; i < this.sp; i++) this.frames[i] = undefined as unknown as Frame;
    this.sp = 0;
    this.releasePath();
  }

  /** Rebuild the stack so that the next step yields the first entry within the bounds. */
  private seek(): void {
    this.stamp = this.core.mutations;
    this.sp = 0;
    const plen = this.prefix.length;
    if (plen > 0) {
      if (!seekPrefix(this.core, this.prefix, plen)) return;
      // The prefix bytes above the subtree go in before push reserves room.
      this.reservePath(subtree.depth + 260);
      copyBytes(this.prefix, 0, subtree.depth, this.path, 0);
      this.push(subtree.frame, subtree.off, subtree.depth);
    } else {
      const root = this.core.pager.frameForScan(this.core.rootFrameId);
      this.push(root, root.rootOffset, 0);
    }
    if (this.reverse) { if (this.ub !== null) this.seekPast(this.ub, false); }
    else if (this.lb !== null) {
      if (!this.lbIsRollup) this.seekPast(this.lb, this.lbInclusive);
      else {
        const next = prefixSuccessor(this.lb);
        // A rollup ending in 0xFF bytes can have its successor outside the prefix's subtree.
        if (next === null || (plen > 0 && this.prefix.compare(next, 0, plen) !== 0)) this.sp = 0;
        else this.seekPast(next, true);
      }
    }
  }

  /** Step to the next entry within bounds, or null at the end. */
  private advance(): ScanEntry | null {
    const delim = this.delimiter;
    const plen = this.prefix.length;
    while (this.sp > 0) {
      const i = this.sp - 1;
      const f = this.frames[i]!;
      const off = this.offs[i]!;
      const d = this.depths[i]!;
      const type = f.u8[off + NODE_TYPE_OFFSET]!;
      switch (type) {
        case NODE_LEAF: {
          this.sp--;
          const e = this.emitLeaf(f, off);
          if (e === undefined) continue;
          return e;
        }
        case NODE_EMPTY_ROOT:
          this.sp--;
          continue;
        case NODE_CROSSING: {
          const child = this.core.pager.frameForScan(f.u32[(off + CROSSING_CHILD_FRAME) >>> 2]!);
          this.sp--;
          this.push(child, child.rootAt(f.u16[(off + CROSSING_ROOT) >>> 1]!), d);
          continue;
        }
        case NODE_PREFIX: {
          if (this.cursors[i] !== 0) { this.sp--; continue; }
          this.cursors[i] = 1;
          const len = f.u16[(off + PREFIX_LEN) >>> 1]!;
          const pb = off + PREFIX_BYTES;
          copyBytes(f.u8, pb, pb + len, this.path, d);
          if (delim >= 0 && d + len > plen) {
            const from = plen > d ? plen - d : 0;
            for (let j = from; j < len; j++) {
              if (f.u8[pb + j] === delim) {
                this.sp--;
                const e = this.emitRollup(d + j + 1);
                if (e === undefined) continue;
                return e;
              }
            }
          }
          this.push(f, readRef(f, off + PREFIX_CHILD), d + len);
          continue;
        }
        default: {
          const c = this.cursors[i]!;
          let b: number;
          if (!this.reverse) {
            if (c === CUR_TERMINAL) {
              this.cursors[i] = 0;
              const t = f.u16[(off + INNER_TERMINAL) >>> 1]!;
              if (t !== 0) this.push(f, readRef(f, off + INNER_TERMINAL), d);
              continue;
            }
            b = c > 255 ? -1 : childAtOrAfter(f, off, type, c);
            if (b < 0) { this.sp--; continue; }
            this.cursors[i] = b + 1;
          } else {
            if (c >= 0) {
              b = childAtOrBefore(f, off, type, c);
              if (b < 0) { this.cursors[i] = CUR_TERMINAL; continue; }
              this.cursors[i] = b - 1;
            } else {
              if (c === CUR_TERMINAL) {
                this.cursors[i] = CUR_DONE_REVERSE;
                const t = f.u16[(off + INNER_TERMINAL) >>> 1]!;
                if (t !== 0) this.push(f, readRef(f, off + INNER_TERMINAL), d);
                continue;
              }
              this.sp--;
              continue;
            }
          }
          this.path[d] = b;
          if (b === delim && d >= plen) {
            const e = this.emitRollup(d + 1);
            if (e === undefined) continue;
            return e;
          }
          const child = stepped.child;
          if (f.u8[child + NODE_TYPE_OFFSET] === NODE_LEAF) {
            // A leaf needs no stack entry of its own: emit it from here.
            const e = this.emitLeaf(f, child);
            if (e === undefined) continue;
            return e;
          }
          this.push(f, child, d + 1);
          continue;
        }
      }
    }
    return null;
  }

  /** Entry for a leaf, `undefined` to skip it, or finishes the scan past the far bound. */
  private emitLeaf(f: Frame, off: number): ScanEntry | undefined {
    const kl = leafKeyLen(f, off);
    const ks = leafKeyStart(off);
    if (!this.reverse) {
      if (this.ub !== null && compareLeaf(f, off, this.ub) >= 0) { this.sp = 0; return undefined; }
    } else if (this.lb !== null && compareLeaf(f, off, this.lb) < 0) { this.sp = 0; return undefined; }
    if (this.delimiter >= 0 && kl > this.prefix.length) {
      const at = f.u8.indexOf(this.delimiter, ks + this.prefix.length);
      if (at >= 0 && at < ks + kl) {
        this.reservePath(at + 1 - ks);
        copyBytes(f.u8, ks, at + 1, this.path, 0);
        return this.emitRollup(at + 1 - ks, true);
      }
    }
    let key: Buffer;
    let value: Buffer | undefined;
    if (this.keysOnly) key = copyFrameBytes(f, ks, kl);
    else if (this.borrowValues) {
      key = copyFrameBytes(f, ks, kl);
      value = leafValueView(f, off);
    } else {
      key = copyPair(f, ks, kl, leafValueLen(f, off));
      value = pairValue;
    }
    if (!this.reverse) { this.lb = key; this.lbInclusive = false; this.lbIsRollup = false; }
    else this.ub = key;
    if (value === undefined) return { kind: 'key', key, version: leafVersion(f, off) };
    return { kind: 'key', key, value, version: leafVersion(f, off) };
  }

  /** Entry for the common prefix `this.path[0..len)`, or undefined if it repeats the last one. */
  private emitRollup(len: number, fromLeaf = false): ScanEntry | undefined {
    const key = copyOut(this.path, 0, len);
    if (!this.reverse) {
      if (this.ub !== null && Buffer.compare(key, this.ub) >= 0) { this.sp = 0; return undefined; }
    } else if (this.lb !== null && Buffer.compare(key, this.lb) < 0) {
      // Going down, the walk leaves the prefix's subtree through edges below it:
      // a delimiter edge there is outside the listing, as its leaves would be.
      this.sp = 0;
      return undefined;
    }
    // An edge rollup is met once; only a leaf can repeat the rollup just listed.
    if (fromLeaf && this.lastRollup !== null && key.equals(this.lastRollup)) return undefined;
    this.lastRollup = key;
    if (!this.reverse) {
      // The successor (where a re-seek resumes) is computed only if one is needed.
      this.lb = key;
      this.lbIsRollup = true;
    } else {
      this.ub = key;
    }
    return { kind: 'prefix', key };
  }
}
