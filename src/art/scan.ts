/**
 * over 400 lines because one iterator's state (stack, bounds, resume key,
 * failure) is stepped, sought again and read ahead of from this one class.
 *
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
 * started. Where it resumes is its own copy of the last entry's bytes
 * (scan-resume.ts), whatever form the entries are handed out in
 * (scan-entry.ts).
 */
import type { Frame } from '../layout/frame.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { INNER_TERMINAL } from '../layout/inner-nodes.js';
import { leafKeyLen, leafKeyStart, leafValueLen, leafVersion } from '../layout/leaf.js';
import { NODE_PATH_RESERVE, PREFIX_BYTES, PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import { NODE_256, NODE_4, NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { NEEDS_IO } from '../store/read-plan.js';
import { childAtOrAfter, childAtOrBefore, outStep } from './child-cursor.js';
import { readRef } from './node-ops.js';
import { copyPair, outCopyPair } from './read-leaf.js';
import { planBounds, prefixSuccessor, type ScanSpec } from './scan-bounds.js';
import {
  bytesOut, entryOfKey, entryOfPrefix, FORM_COPY, FORM_VIEW, pairOut, outPair, pathOut, ScanEntrySlot, type ScanEntry,
  type ScanKeyEntry, type ScanPrefixEntry,
} from './scan-entry.js';
import { giveResumeKey, takeResumeKey } from './scan-resume.js';
import { compareLeaf, comparePath, copyBytes, CUR_DONE_REVERSE, CUR_TERMINAL, ScanStack } from './scan-seek.js';
import { seekPrefix, outSubtree } from './seek-prefix.js';
import type { TreeCore } from './tree-core.js';

export type { ScanSpec } from './scan-bounds.js';
export type { ScanEntry, ScanKeyEntry, ScanPrefixEntry } from './scan-entry.js';

type AnyEntry = ScanEntry<Buffer | string, Buffer | string>;

/**
 * What a scan checks before each step, given the core it started on (the
 * tree is still readable; a refresh did not swap the core under it). One
 * function per tree serves all its scans, so a scan allocates no closure.
 */
export type ScanCheck = (core: TreeCore) => void;

const NO_CHECK: ScanCheck = () => {};

/**
 * The last finished iterator, kept reachable for V8's sake, not ours. An
 * object's hidden class (map) lives only while some object has it, and
 * optimized code that checks a map is thrown away when a full collection
 * finds the map dead. Scans are short-lived, so a `global.gc()` between
 * bursts of listings (a benchmark harness, or a quiet spell in a server
 * whose old generation gets collected) used to kill the iterator's map and
 * with it the optimized code of the whole scan path, which then ran
 * unoptimized until recompiled: a list of 100 measured 5x slower after each
 * collection. One finished iterator (its stack already given back) keeps the
 * map alive; it holds its tree's core until the next scan finishes.
 */
let shapeKeeper: object | null = null;

/**
 * Let go of the kept iterator (called by `DB.close`): it holds its tree's
 * core, and through it a closed DB's frames, until the next scan finishes.
 */
export function releaseShapeKeeper(): void {
  shapeKeeper = null;
}

/** scanEach's reused entries, handed from one finished `each` to the next (a spare also keeps their maps alive). */
let spareSlot: ScanEntrySlot | null = null;

/** `K` and `V` are what keys and values come out as: Buffer, or string with `keyEncoding` / `valueEncoding` 'utf8'. */
export class ScanIterator<K = Buffer, V = Buffer> extends ScanStack implements IterableIterator<ScanEntry<K, V>> {
  private readonly check: ScanCheck;
  private readonly prefix: Buffer;
  private readonly delimiter: number;
  private readonly keysOnly: boolean;
  private readonly keyForm: number;
  private readonly valueForm: number;
  /** Keys and values are both copies: one copy per leaf (the default). */
  private readonly copyPairs: boolean;
  private readonly limit: number;
  /** Reverse: the fixed lower bound. Forward: where the scan starts, until it has returned an entry. */
  private readonly lb: Buffer | null;
  private readonly lbInclusive: boolean;
  /** Forward: the fixed exclusive upper bound. Reverse: where the scan starts, until it has returned an entry. */
  private readonly ub: Buffer | null;
  /** The last entry returned: once set, the scan resumes after it. */
  private readonly resume = takeResumeKey();
  /** scanEach's reused entries; null for the iterator, whose entries are new objects. */
  private slot: ScanEntrySlot | null = null;
  private stamp = -1;
  private emitted = 0;
  private finished = false;
  /** What a step threw part way: every later step throws it again. */
  private failure: unknown = null;
  /** Reverse only: a rollup straddling `end` that is listed before anything else. */
  private pendingRollup: Buffer | null;

  /**
   * `spec` comes checked and normalized from the API edge (api/scan-options.ts)
   * and is read only here (the edge may reuse it for the next scan); `check`
   * runs before every step.
   */
  constructor(core: TreeCore, spec: ScanSpec, check: ScanCheck = NO_CHECK) {
    super(core, spec.reverse);
    this.check = check;
    this.prefix = spec.prefix;
    this.delimiter = spec.delimiter;
    this.keysOnly = spec.keysOnly;
    this.keyForm = spec.keyForm ?? FORM_COPY;
    this.valueForm = spec.valueForm ?? (spec.borrowValues ? FORM_VIEW : FORM_COPY);
    this.copyPairs = this.keyForm === FORM_COPY && this.valueForm === FORM_COPY;
    this.limit = spec.limit;
    const b = planBounds(spec, this);
    this.lb = b.lb;
    this.lbInclusive = b.lbInclusive;
    this.ub = b.ub;
    this.pendingRollup = b.pendingRollup;
    if (b.empty || this.limit === 0) this.finished = true;
  }

  /** @internal For planBounds: whether a key under `rollup` lies before `end` (a one-key probe scan). */
  hasKeyBefore(rollup: Buffer, end: Buffer): boolean {
    const probe: ScanSpec = {
      prefix: rollup, startAfter: null, end, delimiter: -1, keysOnly: true, limit: 1, reverse: false, borrowValues: false,
    };
    return new ScanIterator(this.core, probe, this.check).next().done !== true;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Stop early; releases the stack. */
  return(): IteratorResult<ScanEntry<K, V>> {
    this.finish();
    return { done: true, value: undefined };
  }

  next(): IteratorResult<ScanEntry<K, V>> {
    const entry = this.step();
    if (entry === null) return { done: true, value: undefined };
    return { done: false, value: entry as ScanEntry<K, V> };
  }

  /** Read the remaining entries into an array. */
  toArray(): ScanEntry<K, V>[] {
    const out: ScanEntry<K, V>[] = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  }

  /**
   * @internal Call `visit` with each remaining entry (Tree.scanEach): one reused entry
   * object per kind, so the walk allocates only the keys and values it hands
   * out. A visitor returning `false` stops the scan; one that throws ends it.
   * Returns the number of entries visited.
   */
  each(visit: (entry: ScanEntry<K, V>) => unknown): number {
    this.slot = spareSlot ?? new ScanEntrySlot();
    spareSlot = null;
    let n = 0;
    try {
      for (let e = this.step(); e !== null; e = this.step()) {
        n++;
        if (visit(e as ScanEntry<K, V>) === false) break;
      }
    } finally {
      this.finish();
      spareSlot = this.slot;
      this.slot = null;
    }
    return n;
  }

  /** The next entry, or null at the end. */
  private step(): AnyEntry | null {
    if (this.finished) return null;
    if (this.failure !== null) throw this.failure;
    this.check(this.core);
    let entry: AnyEntry | null;
    if (this.pendingRollup !== null) {
      const p = this.pendingRollup;
      this.pendingRollup = null;
      this.resume.rollupFrom(p, p.length);
      entry = entryOfPrefix(this.slot, pathOut(p, p.length, this.keyForm));
    } else {
      try {
        if (this.stamp !== this.core.stamp || !this.holdStack()) this.seek();
        entry = this.advance();
      } catch (e) {
        // Part of a step ran (the stack and path moved on): no later step could resume right.
        this.failure = e;
        throw e;
      }
      // Every frame on the stack was used (and held) by this step.
      this.heldChanges = this.core.pager.frameChanges;
    }
    if (entry === null) {
      this.finish();
      return null;
    }
    if (++this.emitted >= this.limit) this.finish();
    return entry;
  }

  /**
   * @internal scanAsync: `next()` for a step that may stop for reads
   * (NEEDS_IO, see `retryAfterIo`). A rollup returned last lives only in the
   * path until the next step moves on; a step that stops part way may have
   * written over it, so it is copied out first.
   */
  nextMayStop(): IteratorResult<ScanEntry<K, V>> {
    this.resume.settle(this.path);
    return this.next();
  }

  /**
   * @internal scanAsync: the step that just threw NEEDS_IO (a walk in plan
   * mode, store/read-plan.ts) stopped for reads the caller is about to make.
   * Nothing was returned from it, so the next step may seek again from the
   * last entry returned (`nextMayStop` kept it), as after an eviction.
   */
  retryAfterIo(): void {
    if (this.failure !== NEEDS_IO) return;
    this.failure = null;
    this.stamp = -1;
  }

  /**
   * @internal scanAsync's read-ahead: frames a forward scan enters after its
   * position, at most `max` in `out`: the Crossings among the children ahead
   * of the cursor, on every level of the stack from the top down. A guess
   * (subtrees without a Crossing at their top are not looked into): a wrong
   * one costs a read, never an answer.
   */
  framesAhead(max: number, out: number[]): void {
    if (this.reverse) return;
    for (let i = this.sp - 1; i >= 0 && out.length < max; i--) {
      const f = this.frames[i]!;
      const off = this.offs[i]!;
      const type = nodeType(f.u8, off);
      if (f.evicted || type < NODE_4 || type > NODE_256) continue;
      for (let b = Math.max(0, this.cursors[i]!); b <= 255 && out.length < max; b++) {
        b = childAtOrAfter(f, off, type, b);
        if (b < 0) break;
        const child = outStep.child;
        if (nodeType(f.u8, child) === NODE_CROSSING) out.push(crossingChildFrame(f, child));
      }
    }
  }

  /** End the scan (again: a no-op); its stack, path and resume key serve the next scan. */
  private finish(): void {
    this.finished = true;
    if (!this.releaseStack()) return;
    giveResumeKey(this.resume);
    shapeKeeper = this;
  }

  /** Rebuild the stack so that the next step yields the first entry within the bounds. */
  private seek(): void {
    // The path still holds the rollup returned last, if any: keep it before the path is rewritten.
    this.resume.settle(this.path);
    this.stamp = this.core.stamp;
    this.sp = 0;
    const plen = this.prefix.length;
    if (plen > 0) {
      if (!seekPrefix(this.core, this.prefix, plen)) return;
      // The prefix bytes above the subtree go in before push reserves room.
      this.reservePath(outSubtree.depth + NODE_PATH_RESERVE);
      copyBytes(this.prefix, 0, outSubtree.depth, this.path, 0);
      this.push(outSubtree.frame, outSubtree.off, outSubtree.depth);
    } else {
      const root = this.core.pager.frameForScan(this.core.rootFrameId);
      this.push(root, root.rootAt(this.core.rootIndex), 0);
    }
    const r = this.resume;
    if (this.reverse) {
      const ub = r.set ? r.bytes() : this.ub;
      if (ub !== null) this.seekPast(ub, false);
    } else if (r.set) {
      if (!r.isRollup) this.seekPast(r.bytes(), false);
      else {
        const next = prefixSuccessor(r.bytes());
        // A rollup ending in 0xFF bytes can have its successor outside the prefix's subtree.
        if (next === null || (plen > 0 && this.prefix.compare(next, 0, plen) !== 0)) this.sp = 0;
        else this.seekPast(next, true);
      }
    } else if (this.lb !== null) this.seekPast(this.lb, this.lbInclusive);
  }

  /** Step to the next entry within bounds, or null at the end. */
  private advance(): AnyEntry | null {
    const delim = this.delimiter;
    const plen = this.prefix.length;
    while (this.sp > 0) {
      const i = this.sp - 1;
      const f = this.frames[i]!;
      const off = this.offs[i]!;
      const d = this.depths[i]!;
      const type = nodeType(f.u8, off);
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
          const child = this.core.pager.frameForScan(crossingChildFrame(f, off));
          this.sp--;
          this.push(child, child.rootAt(crossingRoot(f, off)), d);
          continue;
        }
        case NODE_PREFIX: {
          if (this.cursors[i] !== 0) { this.sp--; continue; }
          this.cursors[i] = 1;
          const len = prefixLen(f, off);
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
          const child = outStep.child;
          if (nodeType(f.u8, child) === NODE_LEAF) {
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
  private emitLeaf(f: Frame, off: number): AnyEntry | undefined {
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
        return this.emitRollup(at + 1 - ks, f, ks);
      }
    }
    this.resume.fromFrame(f, ks, kl);
    const version = leafVersion(f, off);
    if (this.keysOnly) return entryOfKey(this.slot, bytesOut(f, ks, kl, this.keyForm), undefined, version);
    if (this.copyPairs) return entryOfKey(this.slot, copyPair(f, ks, kl, leafValueLen(f, off)), outCopyPair.value, version);
    const key = pairOut(f, ks, kl, leafValueLen(f, off), this.keyForm, this.valueForm);
    return entryOfKey(this.slot, key, outPair.value, version);
  }

  /**
   * Entry for the common prefix `this.path[0..len)`, or undefined if it
   * repeats the last one. `leaf`/`keyStart`: the leaf whose key it was cut
   * from (null when it is an edge of the tree).
   */
  private emitRollup(len: number, leaf: Frame | null = null, keyStart = 0): AnyEntry | undefined {
    const path = this.path;
    if (!this.reverse) {
      if (this.ub !== null && comparePath(path, len, this.ub) >= 0) { this.sp = 0; return undefined; }
    } else if (this.lb !== null && comparePath(path, len, this.lb) < 0) {
      // Going down, the walk leaves the prefix's subtree through edges below it:
      // a delimiter edge there is outside the listing, as its leaves would be.
      this.sp = 0;
      return undefined;
    }
    // An edge rollup is met once (its subtree is skipped); only a leaf can repeat the rollup just listed.
    if (leaf !== null && this.resume.isRollupOf(path, len)) return undefined;
    this.resume.rollupInPath(len, leaf, keyStart);
    return entryOfPrefix(this.slot, pathOut(path, len, this.keyForm));
  }
}
