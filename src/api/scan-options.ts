/**
 * Validation of `tree.scan()` options, done by the Tree facade before they
 * reach the ScanIterator: a wrong type must be INVALID_ARGUMENT, never a scan
 * that quietly ignores the option (`scan(42)`, `{ keysOnly: 'yes' }`) and so
 * lists more than was asked for.
 */
import { HoltError } from './errors.js';
import type { ScanOptions } from './types.js';
import { checkBytes, describe, invalidArgument, optionalBoolean, optionNames, optionsObject } from './validate.js';
import type { InternalScanOptions } from '../art/scan.js';
import { MAX_KEY_BYTES } from '../layout/leaf.js';

/** The public options plus `borrowValues`, which the DuckDB bridge passes (see InternalScanOptions). */
const SCAN_OPTIONS = optionNames<InternalScanOptions>({
  prefix: true, startAfter: true, end: true, delimiter: true, keysOnly: true, limit: true, reverse: true, borrowValues: true,
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
  optionalBoolean(o, 'borrowValues', WHAT);
  const limit = o['limit'];
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
    throw invalidArgument(`${WHAT}.limit must be a non-negative integer, got ${describe(limit)}`);
  }
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
