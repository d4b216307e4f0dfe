/**
 * Scan: a lazy, ordered iterator over a tree with prefix, start-after, end,
 * delimiter rollup, key-only mode, limit and reverse order.
 *
 * The iterator keeps an explicit stack of (frame, node, depth, cursor) and the
 * key bytes of the path to the top node. Seeking to the first entry is a
 * descent along the bound, not a scan from the start. With a delimiter, an edge
 * whose byte (at or past the prefix) is the delimiter is emitted as a common
 * prefix and its subtree is never entered, so a listing costs O(rollups).
 *
 * Concurrent writes: before each step the iterator compares the tree's
 * mutation counter with the one its stack was built under; if the tree changed
 * (or the cache evicted a frame of the stack between steps) it throws the
 * stack away and seeks again from just after the last entry it returned. So it never returns an entry twice, never skips a key that existed
 * for the whole scan, and may or may not see keys written ahead of its
 * position after it started.
 */
import type { Frame } from '../layout/frame.js';
import { CROSSING_CHILD_FRAME, CROSSING_ROOT } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { leafKeyLen, leafKeyStart, leafVersion, MAX_KEY_BYTES } from '../layout/leaf.js';
import { PREFIX_BYTES, PREFIX_CHILD, PREFIX_LEN } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, NODE_TYPE_OFFSET } from '../layout/node-types.js';
import { HoltError } from '../api/errors.js';
import type { Bytes, ScanEntry, ScanOptions } from '../api/types.js';
import { childAtOrAfter, childAtOrBefore, stepped } from './child-cursor.js';
import { readRef } from './node-ops.js';
import { copyOut, leafValue, leafValueView } from './read-leaf.js';
import { seekPrefix, subtree } from './seek-prefix.js';
import type { TreeCore } from './tree-core.js';

const INITIAL_PATH = 1024;
const CUR_TERMINAL = -1;
const CUR_DONE_REVERSE = -2;

const EMPTY = Buffer.alloc(0);

/** A private copy of a bound, so later changes to the caller's array cannot move it. */
function ownBytes(v: Bytes, what: string): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return Buffer.from(v);
  throw new HoltError('INVALID_ARGUMENT', `${what} must be a string or Uint8Array`);
}

/** Copy `src[from..to)` to `dst[at..]`: a loop, since path segments are short and a native call is not. */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  for (let i = from; i < to; i++) dst[at++] = src[i]!;
}

/** The smallest byte string greater than every string starting with `p`, or null if none exists. */
export function prefixSuccessor(p: Uint8Array): Buffer | null {
  let n = p.length;
  while (n > 0 && p[n - 1] === 0xff) n--;
  if (n === 0) return null;
  const out = Buffer.from(p.subarray(0, n));
  out[n - 1]!++;
  return out;
}

function parseDelimiter(d: string | number | undefined): number {
  if (d === undefined) return -1;
  if (typeof d === 'number') {
    if (Number.isInteger(d) && d >= 0 && d <= 255) return d;
  } else if (typeof d === 'string') {
    const b = Buffer.from(d, 'utf8');
    if (b.length === 1) return b[0]!;
  }
  throw new HoltError('INVALID_ARGUMENT', 'delimiter must be a single-byte string or a number 0..255');
}

/**
 * @internal Options only Holt's own consumers use. `borrowValues`: values are
 * views into the frame, valid only until the next `next()` call (the DuckDB
 * bridge copies each into a vector at once, so a copy here would be wasted).
 */
export interface InternalScanOptions extends ScanOptions {
  borrowValues?: boolean;
}

export class ScanIterator implements IterableIterator<ScanEntry> {
  private readonly core: TreeCore;
  private readonly check: () => void;
  private readonly prefix: Buffer;
  private readonly delimiter: number;
  private readonly keysOnly: boolean;
  private readonly borrowValues: boolean;
  private readonly reverse: boolean;
  private readonly limit: number;
  /** Forward: lower bound (moves); reverse: fixed lower bound. */
  private lb: Buffer | null;
  private lbInclusive: boolean;
  /** Forward: fixed exclusive upper bound; reverse: moving exclusive upper bound. */
  private ub: Buffer | null;
  /** Forward: `lb` is the last rollup returned; the scan resumes at its successor. */
  private lbIsRollup = false;

  // The stack and path grow on demand: most scans stay a few dozen levels deep,
  // and a scan must cost what it returns, not a fixed 16 KiB key's worth of setup.
  private frames: Frame[] = [];
  private offs: number[] = [];
  private depths: number[] = [];
  private cursors: number[] = [];
  private sp = 0;
  private path = Buffer.allocUnsafe(INITIAL_PATH);
  private stamp = -1;
  private emitted = 0;
  private finished = false;
  private lastRollup: Buffer | null = null;
  /** Reverse only: a rollup straddling `end` that is listed before anything else. */
  private pendingRollup: Buffer | null = null;

  constructor(core: TreeCore, options: ScanOptions, check: () => void) {
    this.core = core;
    this.check = check;
    this.prefix = options.prefix === undefined ? EMPTY : ownBytes(options.prefix, 'prefix');
    this.delimiter = parseDelimiter(options.delimiter);
    this.keysOnly = options.keysOnly === true;
    this.borrowValues = (options as InternalScanOptions).borrowValues === true;
    this.reverse = options.reverse === true;
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
      throw new HoltError('INVALID_ARGUMENT', 'limit must be a non-negative integer');
    }
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (this.limit === 0) this.finished = true;

    const end = options.end === undefined ? null : ownBytes(options.end, 'end');
    let after: Buffer | null = options.startAfter === undefined ? null : ownBytes(options.startAfter, 'startAfter');
    // The prefix's own upper bound needs no check: the walk stays in its subtree (clipToPrefix).
    let upper = end;
    // An end inside a rollup (end "a/m", rollup "a/"): the walk meets the rollup's
    // edge before any of its keys, so decide here whether one of them lies before
    // the end. If none does the rollup is not listed at all; if one does, going
    // down it must be listed first, before the keys below it.
    let endRollup: Buffer | null = null;
    if (end !== null) {
      const rolled = this.rollupOf(end);
      if (rolled !== null && rolled.length < end.length) {
        const probe = new ScanIterator(core, { prefix: rolled, end, keysOnly: true, limit: 1 }, check);
        if (probe.next().done === true) upper = minBound(upper, rolled);
        else if (this.reverse) { endRollup = Buffer.from(rolled); upper = minBound(upper, endRollup); }
      }
    }
    if (!this.reverse) {
      this.lb = this.prefix.length > 0 ? this.prefix : null;
      this.lbInclusive = true;
      this.ub = upper;
      if (after !== null) {
        // A start-after inside a rollup continues after the whole rollup (S3 marker semantics).
        const rolled = this.rollupOf(after);
        if (rolled !== null) {
          const next = prefixSuccessor(rolled);
          if (next === null) this.finished = true;
          else if (this.lb === null || Buffer.compare(next, this.lb) > 0) { this.lb = next; this.lbInclusive = true; }
        } else if (this.lb === null || Buffer.compare(after, this.lb) >= 0) {
          this.lb = after;
          this.lbInclusive = false;
        }
      }
    } else {
      this.lb = this.prefix.length > 0 ? this.prefix : null;
      this.lbInclusive = true;
      if (after !== null) {
        const rolled = this.rollupOf(after);
        if (rolled !== null) after = rolled; // skip the whole rollup going down
      }
      this.ub = minBound(upper, after);
      if (endRollup !== null && (after === null || Buffer.compare(endRollup, after) < 0)) this.pendingRollup = endRollup;
    }
    this.clipToPrefix();
  }

  /**
   * Scans with a prefix walk only the prefix's subtree (seek.ts finds it), so
   * bounds outside it say nothing: drop them, or end the scan when they exclude
   * the whole subtree. What is left is checked per leaf only when it cuts
   * through the subtree (an `end` inside it), not on every key.
   */
  private clipToPrefix(): void {
    const p = this.prefix;
    if (p.length === 0) return;
    const inside = (b: Buffer): boolean => b.length >= p.length && p.compare(b, 0, p.length) === 0;
    if (!this.reverse) {
      if (this.lb !== null && !inside(this.lb)) this.finished = true; // start-after is past the subtree
      if (this.ub !== null && !inside(this.ub)) {
        if (Buffer.compare(this.ub, p) <= 0) this.finished = true;
        else this.ub = null;
      }
      if (this.lb === p) this.lb = null; // starting at the subtree's first key needs no seek
    } else {
      if (this.ub !== null && !inside(this.ub)) {
        if (Buffer.compare(this.ub, p) <= 0) this.finished = true;
        else this.ub = null;
      }
      this.lb = null; // every key of the subtree is at or above the prefix
    }
  }

  /** If `key` falls inside a rollup under this scan's prefix, that rollup. */
  private rollupOf(key: Buffer): Buffer | null {
    if (this.delimiter < 0 || key.length <= this.prefix.length) return null;
    if (Buffer.compare(key.subarray(0, this.prefix.length), this.prefix) !== 0) return null;
    const at = key.indexOf(this.delimiter, this.prefix.length);
    return at < 0 ? null : key.subarray(0, at + 1);
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
    }
    if (entry === null) {
      this.finish();
      return { done: true, value: undefined };
    }
    if (++this.emitted >= this.limit) this.finished = true;
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
   * was evicted between steps (its buffer may hold another frame by now), in
   * which case the caller seeks again from the last entry returned.
   */
  private holdStack(): boolean {
    const pager = this.core.pager;
    let last: Frame | null = null;
    for (let i = 0; i < this.sp; i++) {
      const f = this.frames[i]!;
      if (f === last) continue;
      if (f.evicted) return false;
      pager.touch(f);
      last = f;
    }
    return true;
  }

  private finish(): void {
    this.finished = true;
    for (let i = 0; i < this.sp; i++) this.frames[i] = undefined as unknown as Frame;
    this.sp = 0;
  }

  private push(f: Frame, off: number, depth: number): void {
    // Room for this node's bytes (a Prefix adds at most 248) and one branch byte.
    this.reservePath(depth + 260);
    const i = this.sp++;
    this.frames[i] = f;
    this.offs[i] = off;
    this.depths[i] = depth;
    const type = f.u8[off + NODE_TYPE_OFFSET]!;
    this.cursors[i] = type === NODE_LEAF || type === NODE_PREFIX || type === NODE_CROSSING || type === NODE_EMPTY_ROOT
      ? 0
      : this.reverse ? 255 : CUR_TERMINAL;
  }

  /**
   * Make `path` hold at least `min` bytes, keeping its contents. Every write to
   * `path` that is not covered by `push` (the prefix copied in by `seek`, a
   * leaf's rollup bytes) must reserve first: a typed array silently drops
   * writes past its end, which once turned long rollups into zeros.
   */
  private reservePath(min: number): void {
    if (min <= this.path.length) return;
    const next = Buffer.allocUnsafe(Math.max(min, Math.min(this.path.length * 2, MAX_KEY_BYTES + 1024)));
    this.path.copy(next);
    this.path = next;
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
      this.prefix.copy(this.path, 0, 0, subtree.depth);
      this.push(subtree.frame, subtree.off, subtree.depth);
    } else {
      const root = this.core.pager.frameForScan(this.core.rootFrameId);
      this.push(root, root.rootOffset, 0);
    }
    if (this.reverse) { if (this.ub !== null) this.seekBelow(this.ub); }
    else if (this.lb !== null) {
      if (!this.lbIsRollup) this.seekFrom(this.lb, this.lbInclusive);
      else {
        const next = prefixSuccessor(this.lb);
        // A rollup ending in 0xFF bytes can have its successor outside the prefix's subtree.
        if (next === null || (plen > 0 && this.prefix.compare(next, 0, plen) !== 0)) this.sp = 0;
        else this.seekFrom(next, true);
      }
    }
  }

  /** Replace a Crossing on top of the stack by the child root it leads to (repeatedly). */
  private enterCrossings(): void {
    const i = this.sp - 1;
    let f = this.frames[i]!;
    let off = this.offs[i]!;
    while (f.u8[off + NODE_TYPE_OFFSET] === NODE_CROSSING) {
      const root = f.u16[(off + CROSSING_ROOT) >>> 1]!;
      f = this.core.pager.frameForScan(f.u32[(off + CROSSING_CHILD_FRAME) >>> 2]!);
      off = f.rootAt(root);
      this.sp--;
      this.push(f, off, this.depths[i]!);
    }
  }

  private seekFrom(lb: Buffer, inclusive: boolean): void {
    const lbLen = lb.length;
    for (;;) {
      if (this.sp === 0) return;
      this.enterCrossings();
      const i = this.sp - 1;
      const f = this.frames[i]!;
      const off = this.offs[i]!;
      const d = this.depths[i]!;
      const type = f.u8[off + NODE_TYPE_OFFSET]!;
      if (type === NODE_EMPTY_ROOT) { this.sp--; return; }
      if (type === NODE_LEAF) {
        const c = compareLeaf(f, off, lb);
        if (c < 0 || (c === 0 && !inclusive)) this.sp--;
        return;
      }
      if (type === NODE_PREFIX) {
        const len = f.u16[(off + PREFIX_LEN) >>> 1]!;
        const pb = off + PREFIX_BYTES;
        let j = 0;
        while (j < len && d + j < lbLen && f.u8[pb + j] === lb[d + j]) j++;
        if (j === len) {
          this.cursors[i] = 1;
          copyBytes(f.u8, pb, pb + len, this.path, d);
          this.push(f, readRef(f, off + PREFIX_CHILD), d + len);
          continue;
        }
        if (d + j === lbLen || f.u8[pb + j]! > lb[d + j]!) return; // whole subtree is after the bound
        this.sp--; // whole subtree is before the bound
        return;
      }
      if (d === lbLen) {
        this.cursors[i] = inclusive ? CUR_TERMINAL : 0;
        return;
      }
      const b = lb[d]!;
      const cb = childAtOrAfter(f, off, type, b);
      if (cb === b) {
        this.cursors[i] = b + 1;
        this.path[d] = b;
        this.push(f, stepped.child, d + 1);
        continue;
      }
      this.cursors[i] = b; // next child at or after b (b itself is absent)
      return;
    }
  }

  private seekBelow(ub: Buffer): void {
    const ubLen = ub.length;
    for (;;) {
      if (this.sp === 0) return;
      this.enterCrossings();
      const i = this.sp - 1;
      const f = this.frames[i]!;
      const off = this.offs[i]!;
      const d = this.depths[i]!;
      const type = f.u8[off + NODE_TYPE_OFFSET]!;
      if (type === NODE_EMPTY_ROOT) { this.sp--; return; }
      if (type === NODE_LEAF) {
        if (compareLeaf(f, off, ub) >= 0) this.sp--;
        return;
      }
      if (type === NODE_PREFIX) {
        const len = f.u16[(off + PREFIX_LEN) >>> 1]!;
        const pb = off + PREFIX_BYTES;
        let j = 0;
        while (j < len && d + j < ubLen && f.u8[pb + j] === ub[d + j]) j++;
        if (j === len) {
          this.cursors[i] = 1;
          copyBytes(f.u8, pb, pb + len, this.path, d);
          this.push(f, readRef(f, off + PREFIX_CHILD), d + len);
          continue;
        }
        if (d + j < ubLen && f.u8[pb + j]! < ub[d + j]!) return; // whole subtree is below the bound
        this.sp--;
        return;
      }
      if (d === ubLen) { this.sp--; return; }
      const b = ub[d]!;
      const cb = childAtOrBefore(f, off, type, b);
      if (cb === b) {
        this.cursors[i] = b - 1; // -1 when b is 0: the terminal comes next
        this.path[d] = b;
        this.push(f, stepped.child, d + 1);
        continue;
      }
      this.cursors[i] = b - 1 < 0 ? CUR_TERMINAL : b - 1;
      return;
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
    const key = copyOut(f.u8, ks, kl);
    if (!this.reverse) { this.lb = key; this.lbInclusive = false; this.lbIsRollup = false; }
    else this.ub = key;
    if (this.keysOnly) return { kind: 'key', key, version: leafVersion(f, off) };
    const value = this.borrowValues ? leafValueView(f, off) : leafValue(f, off);
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

/** Compare a leaf's key with `bound` (a byte loop: cheaper than a native compare call here). */
function compareLeaf(f: Frame, off: number, bound: Buffer): number {
  const kl = leafKeyLen(f, off);
  const ks = leafKeyStart(off);
  const u8 = f.u8;
  const n = kl < bound.length ? kl : bound.length;
  for (let i = 0; i < n; i++) {
    const d = u8[ks + i]! - bound[i]!;
    if (d !== 0) return d;
  }
  return kl - bound.length;
}

function minBound(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null) return b;
  if (b === null) return a;
  return Buffer.compare(a, b) <= 0 ? a : b;
}
