/**
 * Scan bounds: where a scan starts and where it stops, planned once from its
 * options before the first step. The iterator (scan.ts) then moves only the
 * near bound, to just after each entry it returns.
 *
 * Forward, `lb` is the lower bound (inclusive or not) and `ub` the exclusive
 * upper bound; in reverse `ub` moves down and `lb` stays. A delimiter changes
 * what a bound inside a rollup means: a start-after inside a rollup continues
 * after the whole rollup (S3 marker semantics), and an end inside one decides
 * whether the rollup is listed at all (only if one of its keys lies before
 * the end, which takes a one-key probe scan).
 */

/**
 * A scan request as the iterator takes it: checked and normalized at the API
 * edge (api/scan-options.ts). Byte strings are the scan's own copies.
 */
export interface ScanSpec {
  /** Keys starting with these bytes (empty: every key). */
  prefix: Buffer;
  startAfter: Buffer | null;
  /** Exclusive upper bound in key order, in either direction. */
  end: Buffer | null;
  /** The rollup byte, or -1 for none. */
  delimiter: number;
  keysOnly: boolean;
  /** Entries (keys plus rollups) to return at most; Infinity for no limit. */
  limit: number;
  reverse: boolean;
  /** Values are views into the frame, valid until the next step (see Tree.scanBorrowed); `valueForm` FORM_VIEW. */
  borrowValues: boolean;
  /** How keys are handed out (scan-entry.ts): FORM_COPY unless given. */
  keyForm?: number;
  /** How values are handed out: FORM_COPY unless given (or `borrowValues`). */
  valueForm?: number;
}

/** Where a scan starts and stops (see the module comment). */
export interface ScanBounds {
  lb: Buffer | null;
  lbInclusive: boolean;
  ub: Buffer | null;
  /** Reverse only: a rollup straddling `end` that is listed before anything else. */
  pendingRollup: Buffer | null;
  /** The bounds exclude every key: the scan is over before it starts. */
  empty: boolean;
}

/** Answers whether a key under `rollup` lies before `end` (the iterator runs a one-key probe). */
export interface KeyProbe {
  hasKeyBefore(rollup: Buffer, end: Buffer): boolean;
}

/** The bounds of the last scan planned without an `end`, which the caller copies before planning again. */
const reused: ScanBounds = { lb: null, lbInclusive: true, ub: null, pendingRollup: null, empty: false };

/**
 * Plan the bounds of `spec`; `probe` answers for a rollup straddling `end`.
 * The result is read at once: without an `end` (no probe scan runs, so no
 * planning nests inside this one) it is one object reused by every call.
 */
export function planBounds(spec: ScanSpec, probe: KeyProbe): ScanBounds {
  const { prefix, end, reverse } = spec;
  let after = spec.startAfter;
  const b: ScanBounds = end === null ? reused : { lb: null, lbInclusive: true, ub: null, pendingRollup: null, empty: false };
  b.lb = prefix.length > 0 ? prefix : null;
  b.lbInclusive = true;
  b.ub = null;
  b.pendingRollup = null;
  b.empty = false;
  // The prefix's own upper bound needs no check: the walk stays in its subtree (clipToPrefix).
  let upper = end;
  // An end inside a rollup (end "a/m", rollup "a/"): the walk meets the rollup's
  // edge before any of its keys, so decide here whether one of them lies before
  // the end. If none does the rollup is not listed at all; if one does, going
  // down it must be listed first, before the keys below it.
  let endRollup: Buffer | null = null;
  if (end !== null) {
    const rolled = rollupOf(spec, end);
    if (rolled !== null && rolled.length < end.length) {
      if (!probe.hasKeyBefore(rolled, end)) upper = minBound(upper, rolled);
      else if (reverse) { endRollup = Buffer.from(rolled); upper = minBound(upper, endRollup); }
    }
  }
  if (!reverse) {
    b.ub = upper;
    if (after !== null) {
      // A start-after inside a rollup continues after the whole rollup (S3 marker semantics).
      const rolled = rollupOf(spec, after);
      if (rolled !== null) {
        const next = prefixSuccessor(rolled);
        if (next === null) b.empty = true;
        else if (b.lb === null || Buffer.compare(next, b.lb) > 0) { b.lb = next; b.lbInclusive = true; }
      } else if (b.lb === null || Buffer.compare(after, b.lb) >= 0) {
        b.lb = after;
        b.lbInclusive = false;
      }
    }
  } else {
    if (after !== null) {
      const rolled = rollupOf(spec, after);
      if (rolled !== null) after = rolled; // skip the whole rollup going down
    }
    b.ub = minBound(upper, after);
    if (endRollup !== null && (after === null || Buffer.compare(endRollup, after) < 0)) b.pendingRollup = endRollup;
  }
  clipToPrefix(b, prefix, reverse);
  return b;
}

/**
 * Scans with a prefix walk only the prefix's subtree (seek-prefix.ts finds
 * it), so bounds outside it say nothing: drop them, or end the scan when they
 * exclude the whole subtree. What is left is checked per leaf only when it
 * cuts through the subtree (an `end` inside it), not on every key.
 */
function clipToPrefix(b: ScanBounds, p: Buffer, reverse: boolean): void {
  if (p.length === 0) return;
  if (!reverse) {
    if (b.lb === p) b.lb = null; // starting at the subtree's first key needs no seek
    else if (b.lb !== null && !inside(b.lb, p)) b.empty = true; // start-after is past the subtree
    if (b.ub !== null && !inside(b.ub, p)) {
      if (Buffer.compare(b.ub, p) <= 0) b.empty = true;
      else b.ub = null;
    }
  } else {
    if (b.ub !== null && !inside(b.ub, p)) {
      if (Buffer.compare(b.ub, p) <= 0) b.empty = true;
      else b.ub = null;
    }
    b.lb = null; // every key of the subtree is at or above the prefix
  }
}

/** Whether `x` starts with `p`. */
function inside(x: Buffer, p: Buffer): boolean {
  return x.length >= p.length && p.compare(x, 0, p.length) === 0;
}

/** If `key` falls inside a rollup under the scan's prefix, that rollup. */
export function rollupOf(spec: ScanSpec, key: Buffer): Buffer | null {
  const { prefix, delimiter } = spec;
  if (delimiter < 0 || key.length <= prefix.length) return null;
  if (Buffer.compare(key.subarray(0, prefix.length), prefix) !== 0) return null;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? null : key.subarray(0, at + 1);
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

function minBound(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null) return b;
  if (b === null) return a;
  return Buffer.compare(a, b) <= 0 ? a : b;
}
