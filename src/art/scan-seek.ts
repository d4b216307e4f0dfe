/**
 * Scan seeking: the iterator's stack of (frame, node, depth, cursor), the key
 * bytes of the path to its top node, and the descents that position it. A
 * seek is a walk down along a bound, not a scan from the start: `seekPast`
 * stops where the scan continues past the bound (forward: at or after it;
 * reverse: below it), leaving each node's cursor on the next child to visit.
 * ScanIterator (scan.ts) extends this with the stepping.
 */
import type { Frame } from '../layout/frame.js';
import { crossingChildFrame, crossingRoot } from '../layout/crossing.js';
import { leafKeyLen, leafKeyStart, MAX_KEY_BYTES } from '../layout/leaf.js';
import { NODE_PATH_RESERVE, PREFIX_BYTES, PREFIX_CHILD, prefixLen } from '../layout/prefix.js';
import { NODE_CROSSING, NODE_EMPTY_ROOT, NODE_LEAF, NODE_PREFIX, nodeType } from '../layout/node-types.js';
import { childAtOrAfter, childAtOrBefore, outStep } from './child-cursor.js';
import { readRef } from './node-ops.js';
import type { TreeCore } from './tree-core.js';

const INITIAL_PATH = 1024;
/** Cursor of an inner node whose terminal leaf comes next (forward: before its children; reverse: after them). */
export const CUR_TERMINAL = -1;
/** Cursor of an inner node that reverse iteration has finished. */
export const CUR_DONE_REVERSE = -2;

/** Copy `src[from..to)` to `dst[at..]`: a loop, since path segments are short and a native call is not. */
export function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  for (let i = from; i < to; i++) dst[at++] = src[i]!;
}

/**
 * The stack arrays and path buffer of a finished scan, handed to the next
 * one: most scans are short, and fresh arrays for each (grown from empty on
 * the first pushes) and a fresh 1 KiB path cost more allocation than a
 * delimiter listing of 8 returns. One spare is kept; a scan that finds none
 * (one running inside another) makes its own.
 */
interface StackParts {
  frames: Frame[];
  offs: number[];
  depths: number[];
  cursors: number[];
  /** Null when the scan that gave it back had grown it past INITIAL_PATH (it is not kept). */
  path: Buffer | null;
}

let spare: StackParts | null = null;
// What a finished scan points at instead of the parts it gave away: it never writes them again.
const NO_PATH = Buffer.alloc(0);
const NO_FRAMES: Frame[] = [];
const NO_NUMBERS: number[] = [];

export abstract class ScanStack {
  protected readonly core: TreeCore;
  protected readonly reverse: boolean;
  // The stack and path grow on demand: most scans stay a few dozen levels deep,
  // and a scan must cost what it returns, not a fixed 16 KiB key's worth of setup.
  protected frames: Frame[];
  protected offs: number[];
  protected depths: number[];
  protected cursors: number[];
  protected sp = 0;
  protected path: Buffer;
  /** The holder these parts came in (reused when they are given back), or null. */
  private parts: StackParts | null;
  /** The pager's `frameChanges` when the stack's frames were last known good (after a step). */
  protected heldChanges = -1;

  constructor(core: TreeCore, reverse: boolean) {
    this.core = core;
    this.reverse = reverse;
    const p = spare;
    spare = null;
    this.parts = p;
    if (p !== null) {
      this.frames = p.frames;
      this.offs = p.offs;
      this.depths = p.depths;
      this.cursors = p.cursors;
      this.path = p.path ?? Buffer.allocUnsafe(INITIAL_PATH);
    } else {
      this.frames = [];
      this.offs = [];
      this.depths = [];
      this.cursors = [];
      this.path = Buffer.allocUnsafe(INITIAL_PATH);
    }
  }

  protected push(f: Frame, off: number, depth: number): void {
    // Room for this node's bytes (a Prefix adds at most 248) and one branch byte.
    this.reservePath(depth + NODE_PATH_RESERVE);
    const i = this.sp++;
    this.frames[i] = f;
    this.offs[i] = off;
    this.depths[i] = depth;
    const type = nodeType(f.u8, off);
    this.cursors[i] = type === NODE_LEAF || type === NODE_PREFIX || type === NODE_CROSSING || type === NODE_EMPTY_ROOT
      ? 0
      : this.reverse ? 255 : CUR_TERMINAL;
  }

  /**
   * Keep the frames of the stack for this step, or report that one of them
   * was evicted between steps (its buffer may hold another frame by now) or,
   * in a snapshot, was changed by a write (the snapshot reads its copy now),
   * in which case the caller seeks again from the last entry returned.
   * When the pager reports no eviction or preservation since the last step
   * and needs no touches to keep frames (memory), there is nothing to check.
   */
  protected holdStack(): boolean {
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
  /**
   * The scan is over: its stack arrays and path may serve the next scan (this
   * one never reads or writes them again). Frames are dropped from the stack
   * first, so a spare keeps no frame alive. Returns false when they were
   * already given back (a scan is finished once).
   */
  protected releaseStack(): boolean {
    if (this.path === NO_PATH) return false;
    const frames = this.frames;
    for (let i = 0; i < frames.length; i++) frames[i] = undefined as unknown as Frame;
    this.sp = 0;
    if (spare === null) {
      const p = this.parts ?? { frames, offs: this.offs, depths: this.depths, cursors: this.cursors, path: null };
      p.frames = frames;
      p.offs = this.offs;
      p.depths = this.depths;
      p.cursors = this.cursors;
      p.path = this.path.length === INITIAL_PATH ? this.path : null;
      spare = p;
    }
    this.parts = null;
    this.frames = NO_FRAMES;
    this.offs = NO_NUMBERS;
    this.depths = NO_NUMBERS;
    this.cursors = NO_NUMBERS;
    this.path = NO_PATH;
    return true;
  }

  /**
   * Make `path` hold at least `min` bytes, keeping its contents. Every write to
   * `path` that is not covered by `push` (the prefix copied in by `seek`, a
   * leaf's rollup bytes) must reserve first: a typed array silently drops
   * writes past its end, which once turned long rollups into zeros.
   */
  protected reservePath(min: number): void {
    if (min <= this.path.length) return;
    const next = Buffer.allocUnsafe(Math.max(min, Math.min(this.path.length * 2, MAX_KEY_BYTES + 1024)));
    this.path.copy(next);
    this.path = next;
  }

  /** Replace a Crossing on top of the stack by the child root it leads to (repeatedly). */
  protected enterCrossings(): void {
    const i = this.sp - 1;
    let f = this.frames[i]!;
    let off = this.offs[i]!;
    while (nodeType(f.u8, off) === NODE_CROSSING) {
      const root = crossingRoot(f, off);
      f = this.core.pager.frameForScan(crossingChildFrame(f, off));
      off = f.rootAt(root);
      this.sp--;
      this.push(f, off, this.depths[i]!);
    }
  }

  /**
   * The Prefix node on top of the stack against `bound` from the node's
   * depth: 0 when all its bytes match `bound` (it then descends into the
   * child), else the side of the bound its whole subtree lies on: 1 after
   * (`bound` ends inside the node or has a smaller byte), -1 before.
   */
  private descendPrefix(bound: Buffer): number {
    const i = this.sp - 1;
    const f = this.frames[i]!;
    const off = this.offs[i]!;
    const d = this.depths[i]!;
    const len = prefixLen(f, off);
    const pb = off + PREFIX_BYTES;
    const n = bound.length;
    let j = 0;
    while (j < len && d + j < n && f.u8[pb + j] === bound[d + j]) j++;
    if (j === len) {
      this.cursors[i] = 1;
      copyBytes(f.u8, pb, pb + len, this.path, d);
      this.push(f, readRef(f, off + PREFIX_CHILD), d + len);
      return 0;
    }
    return d + j === n || f.u8[pb + j]! > bound[d + j]! ? 1 : -1;
  }

  /**
   * Descend along `bound` to where the scan continues past it: forward, the
   * first key at or after `bound` (after it, unless `inclusive`); in reverse,
   * the last key before it. Each node's cursor is left on the next child to
   * visit; an empty stack means nothing lies past the bound.
   */
  protected seekPast(bound: Buffer, inclusive: boolean): void {
    const n = bound.length;
    const reverse = this.reverse;
    for (;;) {
      if (this.sp === 0) return;
      this.enterCrossings();
      const i = this.sp - 1;
      const f = this.frames[i]!;
      const off = this.offs[i]!;
      const d = this.depths[i]!;
      const type = nodeType(f.u8, off);
      if (type === NODE_EMPTY_ROOT) { this.sp--; return; }
      if (type === NODE_LEAF) {
        const c = compareLeaf(f, off, bound);
        if (reverse ? c >= 0 : c < 0 || (c === 0 && !inclusive)) this.sp--;
        return;
      }
      if (type === NODE_PREFIX) {
        const side = this.descendPrefix(bound);
        if (side === 0) continue;
        // A subtree wholly past the bound stays, whole; one wholly behind it goes.
        if (reverse ? side > 0 : side < 0) this.sp--;
        return;
      }
      if (d === n) {
        // The bound ends at this node: forward, its terminal (when inclusive)
        // and all its children follow; in reverse, nothing under it is below.
        if (reverse) this.sp--;
        else this.cursors[i] = inclusive ? CUR_TERMINAL : 0;
        return;
      }
      const b = bound[d]!;
      if (!reverse) {
        if (childAtOrAfter(f, off, type, b) !== b) { this.cursors[i] = b; return; } // b is absent: next child after it
        this.cursors[i] = b + 1;
      } else {
        if (childAtOrBefore(f, off, type, b) !== b) { this.cursors[i] = b - 1 < 0 ? CUR_TERMINAL : b - 1; return; }
        this.cursors[i] = b - 1; // -1 when b is 0: the terminal comes next
      }
      this.path[d] = b;
      this.push(f, outStep.child, d + 1);
    }
  }
}

/** Compare a leaf's key with `bound` (a byte loop: cheaper than a native compare call here). */
export function compareLeaf(f: Frame, off: number, bound: Buffer): number {
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

/** Compare `path[0..len)` with `bound` in byte order (a loop: rollups are short). */
export function comparePath(path: Buffer, len: number, bound: Buffer): number {
  const n = len < bound.length ? len : bound.length;
  for (let i = 0; i < n; i++) {
    const d = path[i]! - bound[i]!;
    if (d !== 0) return d;
  }
  return len - bound.length;
}
