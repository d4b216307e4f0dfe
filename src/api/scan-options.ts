/**
 * `tree.scan()` options at the API edge: checked, then turned into the
 * ScanSpec the iterator takes (art/scan-bounds.ts), so nothing below `api/`
 * parses options. A wrong type must be INVALID_ARGUMENT, never a scan that
 * quietly ignores the option (`scan(42)`, `{ keysOnly: 'yes' }`) and so lists
 * more than was asked for.
 */
import { HoltError } from '../errors.js';
import type { Bytes, ScanOptions } from './types.js';
import { checkBytes, describe, invalidArgument, optionalBoolean, optionNames, optionsObject } from './validate.js';
import type { ScanSpec } from '../art/scan-bounds.js';
import { MAX_KEY_BYTES } from '../layout/leaf.js';

const SCAN_OPTIONS = optionNames<ScanOptions>({
  prefix: true, startAfter: true, end: true, delimiter: true, keysOnly: true, limit: true, reverse: true,
});

const WHAT = 'scan options';

/** Throws INVALID_ARGUMENT (KEY_TOO_LARGE for an over-long bound) unless `options` is a valid ScanOptions or undefined. */
export function checkScanOptions(options: ScanOptions | undefined): void {
  const o = optionsObject(options, WHAT, SCAN_OPTIONS);
  if (o === undefined) return;
  bound(o, 'prefix');
  bound(o, 'startAfter');
  bound(o, 'end');
  delimiter(o['delimiter']);
  optionalBoolean(o, 'keysOnly', WHAT);
  optionalBoolean(o, 'reverse', WHAT);
  const limit = o['limit'];
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
    throw invalidArgument(`${WHAT}.limit must be a non-negative integer, got ${describe(limit)}`);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * `options` (checked here first) as the iterator's ScanSpec: bounds as the
 * scan's own copies, so later changes to the caller's arrays cannot move
 * them; the delimiter as a byte; no limit as Infinity. `borrowValues`: values
 * are views into the frame (Tree.scanBorrowed).
 */
export function toScanSpec(options: ScanOptions | undefined, borrowValues: boolean): ScanSpec {
  checkScanOptions(options);
  const o = options ?? {};
  return {
    prefix: o.prefix === undefined ? EMPTY : ownBytes(o.prefix),
    startAfter: o.startAfter === undefined ? null : ownBytes(o.startAfter),
    end: o.end === undefined ? null : ownBytes(o.end),
    delimiter: o.delimiter === undefined ? -1 : typeof o.delimiter === 'number' ? o.delimiter : Buffer.from(o.delimiter, 'utf8')[0]!,
    keysOnly: o.keysOnly === true,
    limit: o.limit ?? Number.POSITIVE_INFINITY,
    reverse: o.reverse === true,
    borrowValues,
  };
}

/** A private copy of a checked bound. */
function ownBytes(v: Bytes): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
}

/** A key-like bound: bytes, at most MAX_KEY_BYTES long like every key it is compared with. */
function bound(o: Record<string, unknown>, field: string): void {
  const v = o[field];
  if (v === undefined) return;
  checkBytes(v, `${WHAT}.${field}`);
  const n = typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
  if (n > MAX_KEY_BYTES) throw new HoltError('KEY_TOO_LARGE', `${WHAT}.${field} is ${n} bytes; the limit is ${MAX_KEY_BYTES}`);
}

/** One byte: a string that is one byte in UTF-8, or an integer 0..255. */
function delimiter(d: unknown): void {
  if (d === undefined) return;
  if (typeof d === 'number' ? Number.isInteger(d) && d >= 0 && d <= 255 : typeof d === 'string' && Buffer.byteLength(d, 'utf8') === 1) return;
  throw invalidArgument(`${WHAT}.delimiter must be a single-byte string or an integer 0..255, got ${describe(d)}`);
}
